// The portal's other pages: tiers and badges, the account, and setting a password through an
// invitation link, in more than one language; navigation by keyboard alone.
//
// Demo figures (crates/server/demo, today = 2026-11-15): Bangun Warna's last twelve months of
// sales are Q3 150 M + Q4 94.98 M = 244.98 M: Silver (150 M) reached, Gold (300 M) not. Its first
// positive sale line is dated 2026-07-03 (the first-sale badge).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();


describe('pages', () => {
  test('tiers and badges show where the partner stands', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@bangun-warna.demo');
    await page.click('nav >> text=Tier & badges');
    await page.waitForURL('**/tier');
    assert.equal(await text(page, '[data-tier=silver] [data-test=tier-threshold]'), 'IDR 150,000,000 of sales over 12 months');
    assert.equal(await text(page, '[data-tier=silver] [data-test=tier-standing]'), 'Reached: IDR 244,980,000 over that time');
    assert.equal(await text(page, '[data-tier=gold] [data-test=tier-standing]'), 'Not yet: IDR 244,980,000 over that time');
    assert.match(await text(page, '[data-tier=silver] h2'), /Your tier/);
    const firstSale = await text(page, '[data-badge=first-sale] [data-test=badge-status]');
    assert.match(firstSale, /^Earned on \d+ \w+ 2026$/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.selectOption('[data-test=language]', 'nl');
    assert.equal(await text(page, '[data-tier=gold] [data-test=tier-standing]'), 'Nog niet: IDR 244.980.000 over die periode');
    // The page declares the language it is read in (a screen reader speaks it so).
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await page.context().close();
  });

  test('the leaderboard shows the top, the partner\'s own row and the gap to the next rank', async () => {
    // Q4 sales so far (summed from crates/server/demo/facts.json): Bangun Warna 94.98 M, Bali
    // Paint Centre 55 M, Sinar Jaya 40.5 M, Depo Cat Medan 30 M, Makassar Warna Jaya 6 M.
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.click('nav >> text=Leaderboard');
    await page.waitForURL('**/leaderboard');
    const board = '[data-scheme=q-sales]';
    await page.waitForSelector(`${board} [data-test=own-row]`);
    const rows = await page.locator(`${board} tbody tr`).allInnerTexts();
    assert.deepEqual(rows.map((r) => r.replace(/\s+/g, ' ').trim()), [
      '1 Bangun Warna Distributor IDR 94,980,000',
      '2 Bali Paint Centre IDR 55,000,000',
      '3 Toko Cat Sinar Jaya You IDR 40,500,000',
      '4 Depo Cat Medan IDR 30,000,000',
      '5 Makassar Warna Jaya IDR 6,000,000',
    ]);
    assert.equal(await text(page, `${board} [data-test=gap-up]`), 'IDR 14,500,000 more to reach rank 2');
    await page.selectOption('[data-test=language]', 'id');
    assert.equal(await text(page, `${board} [data-test=gap-up]`), 'Rp 14.500.000 lagi untuk mencapai peringkat 2');
    await page.context().close();
  });

  test('the account page shows who is signed in', async () => {
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.goto(`${env.server.url}/account`);
    assert.equal(await text(page, '[data-test=account-email]'), 'owner@sinar-jaya.demo');
    await page.selectOption('[data-test=language]', 'id');
    assert.equal(await text(page, 'h1'), 'Akun Anda');
    await page.context().close();
  });

  test('an invited user sets a password from the link and signs in', async () => {
    const designer = await (await fetch(`${env.server.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'designer@nusantara.demo', password: 'mitra-demo' }),
    })).json();
    const invited = await (await fetch(`${env.server.url}/api/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${designer.token}` },
      body: JSON.stringify({ email: 'rep@sinar-jaya.demo', name: 'Rep', role: 'partner', partner: 'sinar-jaya' }),
    })).json();
    const context = await env.browser.newContext();
    await context.addInitScript(() => localStorage.getItem('mitra.locale') || localStorage.setItem('mitra.locale', 'id'));
    const page = await context.newPage();
    await page.goto(`${env.server.url}${invited.link}`);
    await page.fill('input[name=new-password]', 'short');
    await page.fill('input[name=repeat-password]', 'short');
    await page.click('button[type=submit]');
    assert.equal(await text(page, '[data-test=set-password-error]'), 'Gunakan minimal 10 karakter.');
    await page.fill('input[name=new-password]', 'a long enough secret');
    await page.fill('input[name=repeat-password]', 'a long enough secret');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-test=password-set]');
    // The link works once: the server's refusal is worded in the reader's language.
    await page.goto(`${env.server.url}${invited.link}`);
    await page.fill('input[name=new-password]', 'another long secret');
    await page.fill('input[name=repeat-password]', 'another long secret');
    await page.click('button[type=submit]');
    assert.equal(await text(page, '[data-test=set-password-error]'), 'Tautan ini tidak dapat digunakan lagi; mintalah yang baru.');
    const session = await fetch(`${env.server.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'rep@sinar-jaya.demo', password: 'a long enough secret' }),
    });
    assert.equal(session.status, 200);
    await context.close();
  });

  test('no page scrolls sideways on a 360 px phone, in any language (screenshots at 360 and 1280 px saved)', async () => {
    const dir = process.env.MITRA_SCREENSHOTS || join(tmpdir(), 'mitra-screenshots');
    mkdirSync(dir, { recursive: true });
    const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
    await page.setViewportSize({ width: 360, height: 800 });
    for (const lang of ['en', 'id', 'ms', 'nl']) {
      await page.evaluate((l) => localStorage.setItem('mitra.locale', l), lang);
      for (const [path, ready] of [['/leaderboard', '[data-test=own-row]'], ['/tier', '[data-tier=gold]'], ['/account', 'h1'], ['/schemes/q-sales', '[data-test=payout-chart]'], ['/schemes/spif-ultra', '[data-test=rules]'], ['/rewards', '[data-item=pulsa-50k]'], ['/rewards/history', 'h1'], ['/statement', '[data-test=statement-line]'], ['/claims', 'h1'], ['/claims/new', '[data-test=line-product]'], ['/funds', '[data-fund=mdf]'], ['/rewards/spray-gun', '[data-test=save-up]']]) {
        await page.goto(`${env.server.url}${path}`);
        await page.waitForSelector(ready);
        // The page's figures, not its loading line (some pages show their heading before).
        await page.waitForFunction(() => !document.querySelector('.loading'));
        // A page with a what-if shows its table of differences too.
        if (await page.$('[data-test=what-if-value]')) {
          await page.fill('[data-test=what-if-value]', '9500000');
          await page.waitForSelector('[data-test=what-if-total-points]');
        }
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${path} (${lang}) is ${width} px wide`);
        // Nor is anything cut off inside a card (a card clips what overflows it).
        const cut = await page.evaluate(() => [...document.querySelectorAll('.card')]
          .filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.querySelector('h2, h3')?.textContent));
        assert.deepEqual(cut, [], `${path} (${lang}): cards wider than the screen`);
        if (lang === 'en' || lang === 'id') {
          const name = path.slice(1).replace(/\W+/g, '-');
          await page.screenshot({ path: join(dir, `${name}-${lang}-360.png`), fullPage: true });
          await page.setViewportSize({ width: 1280, height: 800 });
          await page.screenshot({ path: join(dir, `${name}-${lang}-1280.png`), fullPage: true });
          await page.setViewportSize({ width: 360, height: 800 });
        }
      }
    }
    await page.context().close();
  });

  test('keyboard alone signs in and reaches the tier page', async () => {
    const context = await env.browser.newContext();
    await context.addInitScript(() => localStorage.getItem('mitra.locale') || localStorage.setItem('mitra.locale', 'en'));
    const page = await context.newPage();
    await page.goto(`${env.server.url}/sign-in`);
    await page.focus('input[name=email]');
    await page.keyboard.type('owner@sinar-jaya.demo');
    await page.keyboard.press('Tab');
    await page.keyboard.type('mitra-demo');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test=points-balance]');
    // Tab through the header to the tier link and follow it.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
      if (focused === '/tier') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL('**/tier');
    await context.close();
  });
});
