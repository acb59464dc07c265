// The installable app: manifest, icons and catalog images are served; the service worker keeps
// the app shell, every page's piece of wasm and the last dashboard, so an offline reload shows
// it marked offline and other pages still open; signing out forgets the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

test('the manifest, its icons and the catalog images are served, and a missing image is a 404', async () => {
  const manifest = await (await fetch(`${env.server.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.start_url, '/dashboard');
  for (const icon of manifest.icons) {
    const r = await fetch(`${env.server.url}${icon.src}`);
    assert.equal(r.status, 200, icon.src);
  }
  for (const img of ['pulsa', 'grab', 'spray-gun', 'bali', 'school']) {
    const r = await fetch(`${env.server.url}/img/${img}.svg`);
    assert.equal(r.status, 200, img);
    assert.match(r.headers.get('content-type'), /image\/svg\+xml/);
  }
  assert.equal((await fetch(`${env.server.url}/img/nope.svg`)).status, 404);
});

test('offline, a reload shows the last dashboard marked offline; signing out forgets it', async () => {
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  // The worker takes control, then a reload lets it keep the figures.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  await page.reload();
  await page.waitForSelector('[data-test=points-balance]');
  assert.equal(await page.locator('[data-test=offline]').count(), 0);
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('[data-test=points-balance]');
  assert.equal(await text(page, '[data-test=points-balance]'), '120,000');
  assert.match(await text(page, '[data-test=offline]'), /^Offline: these figures are as of /);
  // A page never opened in this session opens offline too: its piece of wasm was kept when the
  // worker installed, not only when first visited.
  const fetched = [];
  page.on('requestfinished', (r) => { if (r.url().endsWith('.wasm')) fetched.push(new URL(r.url()).pathname); });
  await page.click('a[href="/tier"]');
  await page.waitForSelector('[data-test=tier-standing]');
  assert.ok(fetched.some((path) => /^\/split_progress-[0-9a-f]{16}\.wasm$/.test(path)), `pieces fetched: ${fetched}`);
  await page.context().setOffline(false);
  await page.click('[data-test=sign-out]');
  await page.waitForURL('**/sign-in');
  await page.waitForFunction(async () => !(await caches.has('mitra-data-v1')));
  await page.context().close();
});
