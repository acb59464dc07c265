// Claims: a sale with serial numbers, pending until a designer approves it, then the dashboard
// and the claim itself show what it added; a serial claimed twice refused at its field; marketing
// spend above what the fund can reimburse refused as it is typed; funds with pending claims.
//
// Demo (crates/server/demo/program.json): Sinar Jaya's Q4 sales are 40.5 M. Quarterly sales
// incentive: retroactive slabs, 0.1 % from 0, 0.15 % from 50 M: 40,500 poin now. A claim of
// 10 M lifts Q4 to 50.5 M: 0.15 % = 75,750 poin, +35,250. The MDF accrues 2 % of sales:
// +IDR 200,000; it held 2,410,000 (1,600,000 in Q3, 810,000 so far in Q4) and reimburses 100 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

async function token(email) {
  const r = await fetch(`${env.server.url}/api/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await r.json()).token;
}

async function fillSale(page, invoice, serials) {
  await page.fill('[data-test=invoice]', invoice);
  await page.fill('[data-test=invoice-date]', '2026-11-14');
  await page.selectOption('[data-test=line-product]', 'WS-20L');
  await page.fill('[data-test=line-units]', '8');
  await page.fill('[data-test=line-value]', '10,000,000');
  await page.fill('[data-test=line-serials]', serials);
}

test('a sale claim waits, is approved, and adds to the figures; a serial twice is refused', async () => {
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  assert.equal(await text(page, '[data-scheme=q-sales] [data-test=earned]'), '40,500 poin');
  await page.click('nav >> text=Claims');
  await page.waitForSelector('[data-test=no-claims]');
  await page.click('[data-test=new-claim]');
  await page.waitForSelector('[data-test=invoice]');

  // Sending an empty form names every missing field; a bad value is named as it is typed.
  await page.click('[data-test=send-claim]');
  assert.equal(await text(page, '#invoice-error'), 'Required.');
  assert.equal(await text(page, `[data-line="0"] [data-test=line-units] ~ [data-test=field-error]`), 'Required.');
  await page.fill('[data-test=line-units]', '2.5');
  assert.equal(await text(page, `[data-line="0"] [data-test=line-units] ~ [data-test=field-error]`), 'Enter a whole number of units, 1 or more.');
  await fillSale(page, 'SJ-2001', 'SN-A\nSN-B');
  assert.equal(await text(page, '[data-test=serial-count]'), 'Serial numbers entered: 2');
  assert.equal(await page.locator('[data-test=field-error]:visible').count(), 0);
  await page.click('[data-test=send-claim]');
  await page.waitForSelector('[data-test=claim-sent]');
  assert.match(await text(page, '[data-test=claim-sent]'), /^Claim #1 is sent and waits for approval\./);

  // Another claim repeating serial SN-A: refused at that line's serial field, naming claim #1.
  await page.click('[data-test=claim-sent] button');
  await fillSale(page, 'SJ-2002', 'SN-C\nSN-A');
  await page.click('[data-test=send-claim]');
  await page.waitForSelector('#line-0-serials-error:not([hidden])');
  assert.equal(await text(page, '#line-0-serials-error'), 'Serial number SN-A is already in claim #1.');

  await page.click('a >> text=My claims');
  await page.waitForSelector('[data-claim="1"]');
  assert.equal(await text(page, '[data-claim="1"] [data-test=claim-status]'), 'Waiting for approval');
  assert.equal(await text(page, '[data-claim="1"] [data-test=claim-value]'), 'IDR 10,000,000');

  // A designer approves it; the partner's figures move by the amounts worked out above.
  const designer = await token('designer@nusantara.demo');
  const r = await fetch(`${env.server.url}/api/claims/1/approve`, { method: 'POST', headers: { authorization: `Bearer ${designer}` } });
  assert.equal(r.status, 200);
  await page.reload();
  await page.waitForSelector('[data-claim="1"] [data-test=claim-added]');
  assert.equal(await text(page, '[data-claim="1"] [data-test=claim-status]'), 'Approved');
  const added = await page.locator('[data-claim="1"] [data-test=claim-added] li').allInnerTexts();
  assert.deepEqual(added.map((t) => t.replace(/\u00a0/g, ' ')), ['Quarterly sales incentive: +35,250 poin', 'Market development fund: +IDR 200,000']);
  await page.click('nav >> text=Dashboard');
  assert.equal(await text(page, '[data-scheme=q-sales] [data-test=earned]'), '75,750 poin');
  await page.context().close();
});

// Runs after the first test, whose approved claim added IDR 200,000 to the MDF: 2,610,000.
test('marketing spend above what the fund can reimburse is refused; a pending one shows on the fund', async () => {
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  await page.goto(`${env.server.url}/claims/new`);
  await page.waitForSelector('[data-test=kind-spend]');
  await page.check('[data-test=kind-spend]');
  await page.waitForSelector('[data-test=fund-standing]');
  assert.equal(await text(page, '[data-test=fund-standing]'), 'Balance IDR 2,610,000 · pending claims IDR 0 · available IDR 2,610,000');
  await page.fill('[data-test=spend-date]', '2026-11-10');
  await page.fill('[data-test=spend-description]', 'Shop sign');
  await page.fill('[data-test=spend-amount]', '2,700,000');
  assert.equal(await text(page, '#spend-amount-error'), 'This would draw IDR 2,700,000; the fund can reimburse IDR 2,610,000.');
  await page.click('[data-test=send-claim]');
  assert.equal(await page.locator('[data-test=claim-sent]').count(), 0, 'nothing is sent');
  await page.fill('[data-test=spend-amount]', '500,000');
  await page.click('[data-test=send-claim]');
  await page.waitForSelector('[data-test=claim-sent]');
  await page.goto(`${env.server.url}/funds`);
  await page.waitForSelector('[data-fund=mdf] [data-test=fund-claim]');
  assert.equal(await text(page, '[data-fund=mdf] [data-test=fund-pending]'), 'Pending claims\nIDR 500,000');
  assert.equal(await text(page, '[data-fund=mdf] [data-test=fund-available]'), 'Available\nIDR 2,110,000');
  assert.match(await text(page, '[data-fund=mdf] [data-test=fund-claim]'), /Shop sign/);
  await page.context().close();
});
