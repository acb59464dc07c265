// The scheme page, the dashboard's actions and postings, and a partner in two programs.
//
// Demo figures (crates/server/demo, today = 2026-11-15), worked out from facts.json:
// - Sinar Jaya's sales: Q3 50 M + 18 M + 12 M = 80 M (slab 2 from 50 M at 0.15 %: 120,000 poin,
//   posted); Q4 25 M + 18 M − 2.5 M = 40.5 M (slab 1 at 0.1 %: 40,500 poin; 9.5 M more reaches
//   slab 2 at 0.15 % of 50 M = 75,000, +34,500). The SPIF counts 12 Ultra units × 500 = 6,000.
//   Pending (running periods, points): 40,500 + 6,000 = 46,500. Q4 ends 31 Dec: 47 days left
//   counting today.
// - WeatherShield Champions (exterior sales): Q3 Bangun Warna 100 M, Bali Paint 60 M, Sinar Jaya
//   50 M → Sinar Jaya 3rd, 15,000 poin posted. Q4 exterior: Bangun Warna 75 M, Bali Paint 55 M,
//   Sinar Jaya 25 + 18 − 2.5 = 40.5 M, Depo Medan 12 M. Makassar Warna Jaya is not in it. Depo
//   Medan's sales are mostly interior (12 M of 57 M exterior): the exterior badge is out of reach.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

describe('schemes and programs', () => {
  test('the dashboard shows pending points, days left, the next best action and recent postings', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    assert.equal(await text(page, '[data-test=points-pending]'), '46500');
    assert.equal(await text(page, '[data-scheme=q-sales] [data-test=days-left]'), '47 days left, until 31 Dec 2026');
    assert.equal(
      await text(page, '[data-test=next-action]'),
      'Sell IDR 9,500,000 more by 31 Dec 2026 to reach slab 2 of Quarterly sales incentive: +34,500 poin',
    );
    const posting = (await page.locator('[data-test=posting]').first().innerText()).replace(/\s+/g, ' ');
    assert.match(posting, /Earned: Quarterly sales incentive, 2026-Q3 \+120,000$/);
    await page.selectOption('[data-test=language]', 'id');
    assert.equal(
      await text(page, '[data-test=next-action]'),
      'Jual Rp 9.500.000 lagi sebelum 31 Des 2026 untuk mencapai tingkat 2 Insentif penjualan kuartalan: +34.500 poin',
    );
    await page.context().close();
  });

  test('a scheme page shows the rules, the partner on the ladder, the curve and each period', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.click('[data-scheme=q-sales] [data-test=scheme-link]');
    await page.waitForURL('**/schemes/q-sales');
    const rules = await page.locator('[data-test=rules] li').allInnerTexts();
    assert.ok(rules.includes('Pays by slab: the highest slab you reach sets the rate for the whole period'), rules.join(' | '));
    assert.ok(rules.includes('Multiplied by your tier\'s multiplier'));
    const ladder = (await page.locator('[data-test=slab-row]').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    assert.deepEqual(ladder, [
      'Slab 1 IDR 0 0.1 % You are here',
      'Slab 2 IDR 50,000,000 0.15 % Next',
      'Slab 3 IDR 100,000,000 0.2 %',
    ]);
    assert.equal(
      (await page.getAttribute('[data-test=payout-chart] svg', 'aria-label')).replace(/\u00a0/g, ' '),
      'At IDR 40,500,000 you earn 40,500 poin before multipliers; the next step is at IDR 50,000,000 (dashed line)',
    );
    assert.equal(await text(page, '[data-period="2026-Q3"] [data-test=period-payout]'), '120,000 poin');
    assert.equal(await text(page, '[data-period="2026-Q4"] [data-test=period-measure]'), 'IDR 40,500,000');
    // Names come from the definition in the reader's language.
    await page.selectOption('[data-test=language]', 'nl');
    assert.equal(await text(page, 'h1'), 'Kwartaalbonus op verkoop');
    await page.goto(`${env.server.url}/schemes/nope`);
    assert.equal(await text(page, '[data-test=no-scheme]'), 'Dit programma heeft zo\'n regeling niet.');
    await page.context().close();
  });

  test("a scheme page's what-if starts from a product that scheme counts", async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    // The dashboard's picker starts from the latest product sold; the launch SPIF counts only
    // WS-ULTRA-20L, so its page starts from that one. One unit (the units left empty) at 500
    // poin a unit, 6,000 earned so far and a cap of 20,000: +500 poin.
    const first = await page.inputValue('[data-test=what-if-sku]');
    assert.notEqual(first, 'WS-ULTRA-20L');
    await page.goto(`${env.server.url}/schemes/spif-ultra`);
    await page.waitForSelector('[data-test=what-if-value]');
    assert.equal(await page.inputValue('[data-test=what-if-sku]'), 'WS-ULTRA-20L');
    await page.fill('[data-test=what-if-value]', '1,000,000');
    assert.equal(await text(page, 'tr[data-scheme="spif-ultra"] [data-test=what-if-diff]'), '+500 poin');
    await page.context().close();
  });

  test('a partner in two programs switches between them, and the choice survives a reload', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.selectOption('[data-test=program]', 'weathershield-2026');
    await page.waitForSelector('[data-scheme=ws-race]');
    assert.equal(await text(page, '[data-test=points-balance]'), '15,000');
    await page.reload();
    await page.waitForSelector('[data-scheme=ws-race]');
    assert.equal(await text(page, '[data-test=points-balance]'), '15,000');
    assert.match(await text(page, '[data-badge=podium] [data-test=badge-status]'), /^Earned on /);
    // 80 % of all sales in exterior paint, cumulative: true from the first sale (14 Jul, all
    // exterior) and kept.
    assert.equal(await text(page, '[data-badge=exterior-specialist] [data-test=badge-status]'), 'Earned on 14 Jul 2026');
    await page.click('nav >> text=Leaderboard');
    const board = '[data-scheme=ws-race][data-period="2026-Q4"]';
    await page.waitForSelector(`${board} [data-test=own-row]`);
    const rows = await page.locator(`${board} tbody tr`).allInnerTexts();
    assert.deepEqual(rows.map((r) => r.replace(/\s+/g, ' ').trim()), [
      '1 Bangun Warna Distributor IDR 75,000,000',
      '2 Bali Paint Centre IDR 55,000,000',
      '3 Toko Cat Sinar Jaya You IDR 40,500,000',
      '4 Depo Cat Medan IDR 12,000,000',
    ]);
    await page.goto(`${env.server.url}/schemes/ws-race`);
    await page.waitForSelector('[data-test=rank-row]');
    const ranks = (await page.locator('[data-test=rank-row]').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    assert.deepEqual(ranks, ['Rank 1 50,000 poin', 'Rank 2 30,000 poin', 'Rank 3 15,000 poin You are here']);
    await page.selectOption('[data-test=program]', 'nusantara-2026');
    await page.goto(`${env.server.url}/dashboard`);
    await page.waitForSelector('[data-scheme=q-sales]');
    assert.equal(await text(page, '[data-test=points-balance]'), '120,000');
    await page.context().close();
  });

  test('a badge not yet earned says what earns it', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@depo-medan.demo');
    await page.selectOption('[data-test=program]', 'weathershield-2026');
    await page.waitForSelector('[data-badge=exterior-specialist]');
    assert.equal(await text(page, '[data-badge=exterior-specialist] [data-test=badge-status]'), 'Not earned yet');
    assert.equal(await text(page, '[data-badge=podium] [data-test=badge-status]'), 'Not earned yet');
    // A what-if that would earn it: 12 M of 57 M is exterior; 168 M more exterior makes 180 M of
    // 225 M = exactly 80 %. 167 M more (179 of 224 = 79.9 %) does not.
    await page.selectOption('[data-test=what-if-sku]', 'WS-ULTRA-20L');
    await page.fill('[data-test=what-if-value]', '167,000,000');
    await page.waitForSelector('[data-test=what-if-total-points]');
    assert.equal(await page.locator('[data-test=what-if-badges]').count(), 0);
    await page.fill('[data-test=what-if-value]', '168,000,000');
    assert.equal(await text(page, '[data-test=what-if-badges]'), 'You would earn: Exterior specialist');
    await page.context().close();
  });

  test('a partner in one program has no program picker', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@makassar-jaya.demo');
    assert.equal(await page.locator('[data-test=program]').count(), 0);
    await page.context().close();
  });
});
