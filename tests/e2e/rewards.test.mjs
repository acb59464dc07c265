// Rewards: the catalog with its filters, redeeming with a confirmation (one idempotency key per
// confirmation: the same confirmation sent twice redeems once), refusals in the reader's
// language, and the partner's redemptions with voucher codes.
//
// Demo (crates/server/demo/catalog.json): Sinar Jaya holds 120,000 poin. Pulsa 50,000 (voucher,
// 10 per partner), Grab 95,000 (voucher, 500 in stock), donation 25,000, spray gun 450,000 (20 in
// stock), Bali trip 2,500,000 (Gold tier). Sinar Jaya holds no tier: trailing sales 120.5 M, Gold
// at 300 M is 179.5 M away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

describe('rewards', () => {
  test('the catalog filters, sorts and shows what is locked and what is short', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.click('nav >> text=Rewards');
    await page.waitForSelector('[data-item=pulsa-50k]');
    // Searching and filtering ask the server (after a short pause in typing): wait for the list.
    const ids = async () => page.locator('.catalog > li').evaluateAll((els) => els.map((e) => e.dataset.item));
    const expectIds = async (want) => {
      await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('.catalog > li')].map((e) => e.dataset.item)) === w,
        JSON.stringify(want), { timeout: 5000 }).catch(() => {});
      assert.deepEqual(await ids(), want);
    };
    await expectIds(['school-paint', 'pulsa-50k', 'grab-100k', 'spray-gun', 'bali-trip']);
    assert.equal(await text(page, '[data-test=catalog-count]'), 'Showing 5 of 5');
    await page.check('[data-test=reward-affordable]');
    await expectIds(['school-paint', 'pulsa-50k', 'grab-100k']);
    await page.uncheck('[data-test=reward-affordable]');
    await page.selectOption('[data-test=reward-sort]', 'down');
    await expectIds(['bali-trip', 'spray-gun', 'grab-100k', 'pulsa-50k', 'school-paint']);
    await page.fill('[data-test=reward-search]', 'code');
    await expectIds(['grab-100k', 'pulsa-50k']);
    await page.fill('[data-test=reward-search]', '');
    await page.selectOption('[data-test=reward-category]', 'tools');
    await expectIds(['spray-gun']);
    assert.equal(await text(page, '[data-item=spray-gun] [data-test=short]'), '330,000 poin short');
    await page.selectOption('[data-test=reward-category]', '');
    // Still dearest first.
    await page.fill('[data-test=reward-max-price]', '95,000');
    await expectIds(['grab-100k', 'pulsa-50k', 'school-paint']);
    await page.fill('[data-test=reward-max-price]', '60,000');
    await expectIds(['pulsa-50k', 'school-paint']);
    await page.fill('[data-test=reward-max-price]', '');
    assert.equal(await text(page, '[data-item=bali-trip] [data-test=locked]'), 'Unlocks at the Gold tier: IDR 179,500,000 more sales');
    const img = await page.evaluate(async () => {
      const el = document.querySelector('[data-item=pulsa-50k] img');
      await el.decode();
      return el.naturalWidth;
    });
    assert.ok(img > 0, 'the catalog image loads');
    await page.context().close();
  });

  test('a confirmed redemption sent twice redeems once, and shows the new balance and the code', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.goto(`${env.server.url}/rewards`);
    await page.click('[data-item=pulsa-50k] [data-test=redeem]');
    assert.equal(
      (await text(page, '[data-item=pulsa-50k] [data-test=confirm] p')),
      'Redeem Pulsa Rp 50.000 for 50,000 poin? Your balance after: 70,000 poin',
    );
    // The same confirmation twice, as a double click or a retry would send it.
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/redemptions')) posts.push(r.headers()['idempotency-key']); });
    await page.locator('[data-item=pulsa-50k] [data-test=confirm-redeem]').evaluate((b) => { b.click(); b.click(); });
    await page.waitForSelector('[data-item=pulsa-50k] [data-test=redeemed]');
    assert.ok(posts.length >= 1 && new Set(posts).size === 1, `one key for the confirmation: ${posts}`);
    assert.match(await text(page, '[data-item=pulsa-50k] [data-test=voucher]'), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await page.waitForFunction(() => document.querySelector('[data-test=rewards-balance]')?.textContent.includes('70,000'));
    // The new balance came with the partner's figures reloaded, which renders the page again:
    // the code is still on screen.
    assert.match(await text(page, '[data-item=pulsa-50k] [data-test=voucher]'), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
    const history = await (await fetch(`${env.server.url}/api/partners/sinar-jaya/redemptions?program=nusantara-2026`, {
      headers: { Authorization: `Bearer ${token}` },
    })).json();
    assert.equal(history.length, 1, 'redeemed once');
    await page.click('text=My rewards');
    await page.waitForSelector('[data-test=redemption-status]');
    assert.equal(await text(page, '[data-test=redemption-status]'), 'Completed');
    assert.equal(await text(page, '[data-test=redemption-total]'), '50,000 poin');
    // A shown voucher code is handed out: no cancel button.
    assert.equal(await page.locator('[data-test=cancel-redemption]').count(), 0);
    await page.context().close();
  });

  test('a refusal is worded in the reader\'s language', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@bangun-warna.demo');
    await page.selectOption('[data-test=language]', 'id');
    await page.goto(`${env.server.url}/rewards`);
    await page.waitForSelector('[data-item=spray-gun]');
    // Bangun Warna holds 330,000 poin (Q3: 150 M at 0.2 % = 300,000, Silver ×1.1). While its
    // confirmation is open, three Grab vouchers are redeemed elsewhere (285,000): the page learns
    // it only from the server's refusal.
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
    await page.click('[data-item=grab-100k] [data-test=redeem]');
    await fetch(`${env.server.url}/api/partners/bangun-warna/redemptions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'elsewhere-1' },
      body: JSON.stringify({ program: 'nusantara-2026', lines: [{ item: 'grab-100k', quantity: 3 }] }),
    });
    await page.click('[data-item=grab-100k] [data-test=confirm-redeem]');
    await page.waitForSelector('[data-item=grab-100k] [data-test=redeem-error]');
    assert.equal(await text(page, '[data-item=grab-100k] [data-test=redeem-error]'), 'Poin tidak cukup: harganya 95.000 dan saldo Anda 45.000.');
    await page.context().close();
  });
});

test('an item page sets the goal the dashboard tracks', async () => {
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  await page.waitForSelector('[data-test=pick-goal]');
  await page.goto(`${env.server.url}/rewards/spray-gun`);
  await page.waitForSelector('[data-test=save-up]');
  assert.equal(await text(page, '[data-test=item-limit]'), 'At most 1 per partner');
  await page.click('[data-test=save-up]');
  await page.waitForSelector('[data-test=is-goal]');
  await page.click('nav >> text=Dashboard');
  await page.waitForSelector('[data-test=goal]');
  // After the tests above, Sinar Jaya holds 70,000 poin (120,000 less one Pulsa redeemed): of
  // 450,000, 380,000 to go, more than the 46,500 pending; the step shown is the largest gain
  // there is (no single one covers 333,500), the dashboard's first next action.
  assert.equal(await text(page, '[data-test=goal-progress]'), '70,000 poin of 450,000 poin');
  assert.equal(await text(page, '[data-test=goal-status]'), '380,000 poin to go.');
  assert.equal(await text(page, '[data-test=goal-step]'), await text(page, '[data-test=next-action]'));
  assert.equal(await page.getAttribute('[data-test=goal] [role=progressbar]', 'aria-valuenow'), '15');
  // A goal within reach; then none.
  await page.goto(`${env.server.url}/rewards/pulsa-50k`);
  await page.waitForSelector('[data-test=save-up]');
  assert.equal(await text(page, '[data-test=item-limit]'), 'At most 10 per partner');
  await page.click('[data-test=save-up]');
  await page.waitForSelector('[data-test=is-goal]');
  await page.click('nav >> text=Dashboard');
  await page.waitForSelector('[data-test=goal-status]');
  assert.equal(await text(page, '[data-test=goal-status]'), 'You have enough: redeem it now.');
  await page.goto(`${env.server.url}/rewards/pulsa-50k`);
  await page.click('[data-test=stop-goal]');
  await page.waitForSelector('[data-test=save-up]');
  await page.goto(`${env.server.url}/rewards/no-such-thing`);
  await page.waitForSelector('[data-test=no-such-item]');
  // Catalog names in the reader's language.
  await page.goto(`${env.server.url}/rewards`);
  await page.selectOption('[data-test=language]', 'nl');
  assert.equal(await text(page, '[data-item=spray-gun] h2'), 'HVLP-verfspuit');
  await page.selectOption('[data-test=language]', 'en');
  await page.context().close();
});

test('merchandise redeemed moves balance and stock by its price and one unit; cancelling refunds both', async () => {
  // A designer adds 400,000 poin to Sinar Jaya (70,000 after the Pulsa above): 470,000. The spray
  // gun costs 450,000 with 20 in stock: after redeeming, 20,000 poin and 19 left; cancelled, back.
  const designer = await (await fetch(`${env.server.url}/api/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'designer@nusantara.demo', password: 'mitra-demo' }),
  })).json();
  const r = await fetch(`${env.server.url}/api/partners/sinar-jaya/adjustments`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${designer.token}` },
    body: JSON.stringify({ program: 'nusantara-2026', points: 400000, reason: 'Trade fair' }),
  });
  assert.equal(r.status, 201);
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  await page.goto(`${env.server.url}/rewards`);
  await page.waitForFunction(() => document.querySelector('[data-test=rewards-balance]')?.textContent.includes('470,000'));
  assert.equal(await text(page, '[data-item=spray-gun] [data-test=stock]'), '20 left · at most 1 per partner');
  await page.click('[data-item=spray-gun] [data-test=redeem]');
  await page.click('[data-item=spray-gun] [data-test=confirm-redeem]');
  await page.waitForSelector('[data-item=spray-gun] [data-test=redeemed]');
  await page.waitForFunction(() => document.querySelector('[data-test=rewards-balance]')?.textContent.includes('20,000'));
  await page.reload();
  await page.waitForSelector('[data-item=spray-gun] [data-test=stock]');
  assert.equal(await text(page, '[data-item=spray-gun] [data-test=stock]'), '19 left · at most 1 per partner');
  await page.click('text=My rewards');
  const row = page.locator('.redemption', { hasText: 'HVLP spray gun' });
  await row.locator('[data-test=cancel-redemption]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=redemption-status]')].some((e) => e.textContent === 'Cancelled'));
  await page.goto(`${env.server.url}/rewards`);
  await page.waitForFunction(() => document.querySelector('[data-test=rewards-balance]')?.textContent.includes('470,000'));
  assert.equal(await text(page, '[data-item=spray-gun] [data-test=stock]'), '20 left · at most 1 per partner');
  await page.goto(`${env.server.url}/statement`);
  await page.waitForSelector('[data-test=statement-line]');
  assert.match(await text(page, '[data-test=statement-line]'), /Refunded \(redemption cancelled\)/);
  await page.context().close();
});
