// The statement: every instrument's postings with the running balance, filters, server-side
// pages and the CSV export, whose rows add up to the balance the page shows.
//
// Demo: Sinar Jaya's Q3 close posted 120,000 poin (quarterly sales) and IDR 1,600,000 into the
// MDF (2 % of 80 M). The test adds 20 adjustments of +10 poin and one redemption of Pulsa
// (50,000): points 120,000 + 200 − 50,000 = 70,200; 23 postings, 20 a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PASSWORD, signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

async function token(email) {
  const r = await fetch(`${env.server.url}/api/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await r.json()).token;
}

async function call(tok, path, body, headers = {}) {
  const r = await fetch(`${env.server.url}/api${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}`, ...headers }, body: JSON.stringify(body),
  });
  assert.ok(r.ok, `${path}: ${r.status} ${await r.clone().text()}`);
}

test('the statement pages, filters and exports what the ledger holds', async () => {
  const designer = await token('designer@nusantara.demo');
  for (let n = 1; n <= 20; n++) {
    await call(designer, '/partners/sinar-jaya/adjustments', { program: 'nusantara-2026', points: 10, reason: `Booth day ${n}` });
  }
  const partner = await token('owner@sinar-jaya.demo');
  await call(partner, '/partners/sinar-jaya/redemptions', { program: 'nusantara-2026', lines: [{ item: 'pulsa-50k', quantity: 1 }] },
    { 'idempotency-key': 'statement-test-1' });

  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  await page.click('nav >> text=Statement');
  await page.waitForSelector('[data-test=statement-line]');
  assert.equal(await text(page, '[data-test=balance-points]'), 'Points\n70,200 poin');
  assert.equal(await text(page, '[data-test=balance-fund]'), 'Marketing fund\nIDR 1,600,000');
  assert.equal(await text(page, '[data-test=page-of]'), 'Page 1 of 2 · 23 in all');
  assert.equal(await page.locator('[data-test=statement-line]').count(), 20);
  const first = page.locator('[data-test=statement-line]').first();
  assert.match(await first.innerText(), /Redeemed for a reward/);
  assert.equal((await first.locator('[data-test=line-amount]').innerText()).split('\n')[0].replace(/\u00a0/g, ' '), '−50,000 poin');
  assert.equal((await first.locator('[data-test=line-balance]').innerText()).replace(/\u00a0/g, ' '), '70,200 poin');
  assert.match(await page.locator('[data-test=statement-line]').nth(1).innerText(), /Adjusted: Booth day 20/);

  await page.click('[data-test=next-page]');
  await page.waitForFunction(() => document.querySelector('[data-test=page-of]')?.textContent.startsWith('Page 2'));
  assert.equal(await page.locator('[data-test=statement-line]').count(), 3);
  assert.ok(await page.isDisabled('[data-test=next-page]'));

  // A filter starts again at page 1.
  await page.selectOption('[data-test=filter-instrument]', 'fund');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=statement-line]').length === 1);
  assert.equal(await text(page, '[data-test=page-of]'), 'Page 1 of 1 · 1 in all');
  assert.equal((await page.locator('[data-test=line-amount]').innerText()).split('\n')[0].replace(/\u00a0/g, ' '), '+IDR 1,600,000');
  assert.match(await page.locator('[data-test=statement-line] a').getAttribute('href'), /^\/schemes\/mdf$/);

  // The CSV of the points account: its rows sum to the balance shown, the last row's balance too.
  await page.selectOption('[data-test=filter-instrument]', 'points');
  await page.waitForFunction(() => document.querySelector('[data-test=page-of]')?.textContent.includes('22 in all'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-csv]')]);
  assert.equal(download.suggestedFilename(), 'statement-nusantara-2026.csv');
  const rows = (await readFile(await download.path(), 'utf8')).trim().split('\n').map((r) => r.split(','));
  assert.deepEqual(rows[0], ['date', 'instrument', 'kind', 'scheme', 'period', 'memo', 'amount', 'balance']);
  const body = rows.slice(1);
  assert.equal(body.length, 22);
  assert.ok(body.every((r) => r[1] === 'points'));
  assert.equal(body.reduce((sum, r) => sum + Number(r[6]), 0), 70200);
  assert.equal(body.at(-1)[7], '70200');
  await page.context().close();
});
