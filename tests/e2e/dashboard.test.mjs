// A partner signs in and reads the exact figures of the demo data on the dashboard.
//
// Expected figures, worked out by hand from crates/server/demo (today = 2026-11-15):
// Quarterly sales incentive, retroactive slabs 0 → 0.1 %, 50 M → 0.15 %, 100 M → 0.2 %, tier
// multiplier Silver 1.1 (trailing 12-month sales ≥ 150 M).
// - Sinar Jaya, Q3: 50 M + 18 M + 12 M = 80 M → 0.15 % = 120,000 poin, posted: balance 120,000.
//   Q4 so far: 25 M + 18 M − 2.5 M (return) = 40.5 M → 0.1 % = 40,500. Next slab 50 M: 9.5 M
//   more, 50 M × 0.15 % = 75,000, +34,500. No tier: trailing 120.5 M, 29.5 M short of Silver.
//   SPIF: 12 units of WS-ULTRA-20L × 500 = 6,000 poin (cap 20,000).
// - Bangun Warna, Q3: 150 M → 0.2 % = 300,000 × 1.1 (Silver at 30 Sep: trailing 150 M) =
//   330,000. Q4: 75 M + 19.98 M = 94.98 M → 0.15 % = 142,470 × 1.1 = 156,717. Next 100 M:
//   5.02 M more, 200,000 × 1.1 = 220,000, +63,283. SPIF: 50 × 500 = 25,000, capped at 20,000.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const inScheme = (id, test) => `[data-scheme="${id}"] [data-test="${test}"]`;

describe('dashboard', () => {
  test('Sinar Jaya sees its balance, tier gap, schemes and next milestone', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    assert.equal(await text(page, '[data-test=partner-name]'), 'Toko Cat Sinar Jaya');
    assert.equal(await text(page, '[data-test=as-of]'), '15 Nov 2026');
    assert.equal(await text(page, '[data-test=points-balance]'), '120,000');
    assert.equal(await text(page, '[data-test=tier]'), 'No tier yet');
    assert.equal(await text(page, '[data-test=tier-gap]'), 'IDR 29,500,000 more to reach Silver');
    assert.equal(await text(page, inScheme('q-sales', 'measure')), 'IDR 40,500,000');
    assert.equal(await text(page, inScheme('q-sales', 'earned')), '40,500 poin');
    assert.equal(await text(page, inScheme('q-sales', 'scheme-total')), '160,500 poin');
    assert.equal(await text(page, inScheme('q-sales', 'next-needed')), 'IDR 9,500,000');
    assert.equal(await text(page, inScheme('q-sales', 'next-payout')), '75,000 poin');
    assert.equal(await text(page, inScheme('q-sales', 'next-gain')), '+34,500 poin');
    assert.equal(await text(page, inScheme('spif-ultra', 'measure')), '12');
    assert.equal(await text(page, inScheme('spif-ultra', 'earned')), '6,000 poin');
    await page.context().close();
  });

  test('Bangun Warna gets the Silver multiplier and the SPIF cap', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@bangun-warna.demo');
    assert.equal(await text(page, '[data-test=points-balance]'), '330,000');
    assert.equal(await text(page, '[data-test=tier]'), 'Silver');
    assert.equal(await text(page, inScheme('q-sales', 'measure')), 'IDR 94,980,000');
    assert.equal(await text(page, inScheme('q-sales', 'earned')), '156,717 poin');
    assert.equal(await text(page, inScheme('q-sales', 'next-needed')), 'IDR 5,020,000');
    assert.equal(await text(page, inScheme('q-sales', 'next-payout')), '220,000 poin');
    assert.equal(await text(page, inScheme('q-sales', 'next-gain')), '+63,283 poin');
    assert.equal(await text(page, inScheme('spif-ultra', 'earned')), '20,000 poin');
    await page.context().close();
  });

  test('labels, explanations and figures follow the chosen language, kept across a reload', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.selectOption('[data-test=language]', 'id');
    assert.equal(await text(page, inScheme('q-sales', 'measure')), 'Rp 40.500.000');
    assert.equal(await text(page, '[data-test=points-balance]'), '120.000');
    assert.equal(await text(page, '[data-test=tier]'), 'Belum ada tingkat');
    assert.equal(await text(page, '[data-test=tier-gap]'), 'Rp 29.500.000 lagi untuk mencapai Perak');
    assert.equal(await text(page, '[data-test=sign-out]'), 'Keluar');
    await page.click(`[data-scheme=q-sales] [data-test=explanation] summary`);
    assert.equal(await text(page, '[data-scheme=q-sales] [data-test=explanation] summary'), 'Cara perhitungannya');
    assert.equal(
      await text(page, '[data-scheme=q-sales] [data-test=explanation] ol li:nth-child(2)'),
      'Slab 1 (mulai 0): 0,1 % = 40.500 poin',
    );
    await page.reload();
    await page.waitForSelector('[data-test=points-balance]');
    assert.equal(await text(page, '[data-test=tier]'), 'Belum ada tingkat');
    await page.selectOption('[data-test=language]', 'nl');
    assert.equal(await text(page, '[data-test=points-balance]'), '120.000');
    assert.equal(await text(page, '[data-test=tier-gap]'), 'Nog € 29.500.000 om Zilver te bereiken'.replace('€', 'IDR'));
    assert.equal(await text(page, '[data-test=sign-out]'), 'Afmelden');
    await page.selectOption('[data-test=language]', 'ms');
    assert.equal(await text(page, '[data-test=tier]'), 'Belum ada peringkat');
    await page.context().close();
  });

  test('a what-if is worked out in the browser with no request to the server', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    // 9.5 M more in Q4: 40.5 M → 50 M reaches slab 2: 75,000 instead of 40,500 = +34,500 poin;
    // the MDF accrues 2 % of 9.5 M = +IDR 190,000; the SPIF (another SKU) does not move.
    await page.fill('[data-test=what-if-value]', '9,500,000');
    const diff = (id) => text(page, `tr[data-scheme="${id}"] [data-test=what-if-diff]`);
    assert.equal(await diff('q-sales'), '+34,500 poin');
    assert.equal(await diff('mdf'), '+IDR 190,000');
    assert.equal(await diff('spif-ultra'), '+0 poin');
    assert.equal(await text(page, '[data-test=what-if-total-points]'), '+34,500 poin');
    // Kept, and another 50 M on top: 100 M reaches slab 3 (0.2 %): 200,000 − 40,500 = +159,500;
    // trailing sales (Q3 80 M + Q4 100 M = 180 M) pass Silver's 150 M, ×1.1 = 220,000: +179,500 poin.
    await page.click('[data-test=what-if-add]');
    assert.equal(await text(page, '[data-test=what-if-added]'), 'Sales added: 1');
    assert.equal(await page.inputValue('[data-test=what-if-value]'), '');
    await page.fill('[data-test=what-if-value]', '50,000,000');
    assert.equal(await diff('q-sales'), '+179,500 poin');
    assert.equal(await text(page, '[data-test=what-if-tier]'), 'Your tier would be Silver');
    await page.click('[data-test=what-if-clear]');
    assert.equal(await page.locator('[data-test=what-if-total-points]').count(), 0);
    assert.deepEqual(requests, []);
    await page.context().close();
  });

  test('the "sell more" slider projects more of the chosen product, by mouse or keyboard', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    // Its reach: twice the 9.5 M slab 2 still needs, rounded up to 20 M; step 50 of 100 = 10 M of
    // WS-20L (the latest product sold), at Sinar Jaya's own price for it (60 units for 75 M):
    // 8 units. Q4 40.5 M + 10 M = 50.5 M reaches slab 2: 0.15 % = 75,750 − 40,500 = +35,250 poin;
    // the MDF adds 2 % of 10 M = IDR 200,000.
    await page.fill('[data-test=what-if-more]', '50');
    assert.match(await text(page, 'label[for=what-if-more]'), /: IDR 10,000,000$/);
    const diff = (id) => text(page, `tr[data-scheme="${id}"] [data-test=what-if-diff]`);
    assert.equal(await diff('q-sales'), '+35,250 poin');
    assert.equal(await diff('mdf'), '+IDR 200,000');
    // One step more by keyboard: 10.2 M → 50.7 M × 0.15 % = 76,050: +35,550 poin.
    await page.focus('[data-test=what-if-more]');
    await page.keyboard.press('ArrowRight');
    assert.equal(await diff('q-sales'), '+35,550 poin');
    await page.click('[data-test=what-if-clear]');
    assert.equal(await page.locator('[data-test=what-if-total-points]').count(), 0);
    assert.deepEqual(requests, []);
    await page.context().close();
  });

  test('a wrong password says so', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/sign-in`);
    await page.fill('input[name=email]', 'owner@sinar-jaya.demo');
    await page.fill('input[name=password]', PASSWORD + 'x');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=sign-in-error]');
    // Worded by the app from the error's code, not the server's message.
    assert.equal(await text(page, '[data-test=sign-in-error]'), 'Wrong email or password.');
    await page.selectOption('[data-test=language]', 'nl');
    assert.equal(await text(page, '[data-test=sign-in-error]'), 'Onjuist e-mailadres of wachtwoord.');
    assert.equal(await text(page, 'button[type=submit]'), 'Aanmelden');
    assert.ok(page.url().endsWith('/sign-in'));
    await context.close();
  });

  test('an API that cannot be reached shows an error on the page', async () => {
    // Without the service worker's offline copy (tests/e2e/offline.test.mjs covers that).
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo', { serviceWorkers: 'block' });
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.waitForSelector('[data-test=error]');
    assert.match(await text(page, '[data-test=error]'), /cannot be reached/);
    await page.unroute('**/api/**');
    await page.click('[data-test=error] button');
    await page.waitForSelector('[data-test=points-balance]');
    assert.equal(await text(page, '[data-test=points-balance]'), '120,000');
    await page.context().close();
  });

  test('signing out ends the session', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
    await page.click('[data-test=sign-out]');
    await page.waitForURL('**/sign-in');
    // The server has ended the session too, not just the page.
    let status = 0;
    for (let i = 0; i < 50 && status !== 401; i++) {
      status = (await fetch(`${env.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 401);
    await page.context().close();
  });

  test('the dashboard fits a phone and a desktop in every language (screenshots saved)', async () => {
    const dir = process.env.MITRA_SCREENSHOTS || join(tmpdir(), 'mitra-screenshots');
    mkdirSync(dir, { recursive: true });
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    // A what-if typed, so its table of differences shows too.
    await page.fill('[data-test=what-if-value]', '9500000');
    await page.waitForSelector('[data-test=what-if-total-points]');
    for (const lang of ['en', 'id', 'ms', 'nl']) {
      await page.selectOption('[data-test=language]', lang);
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.click(`[data-scheme=q-sales] [data-test=explanation] summary`);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scroll <= width, `${lang} at ${width} px scrolls sideways (${scroll} px)`);
        // Nor is anything cut off inside a card (a card clips what overflows it).
        const cut = await page.evaluate(() => [...document.querySelectorAll('.card')]
          .filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.querySelector('h2, h3')?.textContent));
        assert.deepEqual(cut, [], `${lang} at ${width} px: cards wider than the screen`);
        await page.screenshot({ path: join(dir, `dashboard-${lang}-${width}.png`), fullPage: true });
        await page.click(`[data-scheme=q-sales] [data-test=explanation] summary`);
      }
    }
    await page.context().close();
  });

  test('a session the server has ended returns to sign-in with a message', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
    // Ended behind the page's back (as expiry does): the next load is refused.
    await fetch(`${env.server.url}/api/sessions`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    await page.reload();
    await page.waitForURL('**/sign-in');
    assert.equal(await text(page, '[data-test=session-ended]'), 'Your session has ended. Sign in again.');
    await page.context().close();
  });

  test('client-side routes load from the server directly', async () => {
    const resp = await fetch(`${env.server.url}/dashboard`);
    assert.equal(resp.status, 200);
    assert.match(await resp.text(), /<title>Mitra/);
    const api404 = await fetch(`${env.server.url}/api/nowhere`);
    assert.equal(api404.status, 404);
    assert.equal((await api404.json()).error.code, 'not_found');
  });
});
