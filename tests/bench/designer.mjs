// The designer's preview on a big program, in headless Chromium (a designer's desktop: no CPU
// throttling): 12 schemes, 10,000 partners, 120 generated facts each, served by the `designer`
// example of mitra-server on loopback.
//
// - ready: from opening the editor to the preview's first figures painted (the data fetched,
//   decoded into a FactTable, the published version and the draft each run over every partner);
// - an edit: a rate typed in the form, timed from the input event to the frame that paints the
//   changed cost; the longest main-thread task meanwhile (PerformanceObserver, long tasks).
//
// Run by scripts/bench.sh; by hand: cargo build --release -p mitra-server --example designer,
// then MITRA_DIST=dist node tests/bench/designer.mjs
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, PASSWORD } from '../e2e/harness.mjs';

const EDITS = 5;
const bin = process.env.MITRA_DESIGNER_EXAMPLE || join(process.env.CARGO_TARGET_DIR || 'target', 'release/examples/designer');
const server = spawn(bin, ['--serve'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
const url = await new Promise((done, fail) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    process.stdout.write(d);
    const m = out.match(/serving at (\S+)/);
    if (m) done(m[1]);
  });
  server.once('exit', (code) => fail(new Error(`the designer example exited (${code})`)));
});

const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.addInitScript(() => localStorage.setItem('mitra.locale', 'en'));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`console: ${m.text()}`); });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${url}/sign-in`);
  await page.fill('input[name=email]', 'designer@nusantara.demo');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL('**/designer/');
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  const t0 = Date.now();
  await page.evaluate(() => performance.mark('mitra-open-editor'));
  await page.click('a[href="/designer/programs/synthetic"] >> nth=0');
  await page.waitForSelector('[data-test=costs]', { timeout: 300_000 });
  const ready = Date.now() - t0;
  const factsReady = await page.evaluate(() => {
    const [nav] = performance.getEntriesByName('mitra-open-editor');
    const [mark] = performance.getEntriesByName('mitra-facts-ready');
    return mark && nav ? mark.startTime - nav.startTime : null;
  });
  console.log(`FactTable ready (fetch, decode, build): ${Math.round(factsReady)} ms`);
  console.log(`ready (fetch, decode, FactTable, two population runs, paint): ${ready} ms`);
  const longest = async () => page.evaluate(() => Math.max(0, ...window.longTasks));
  console.log(`longest main-thread task while loading: ${Math.round(await longest())} ms`);

  const field = page.locator('[data-path^="payout."]:not([data-path$="from"]) input[inputmode=decimal]').first();
  const original = await field.inputValue();
  const times = [];
  for (let i = 0; i < EDITS; i++) {
    await page.evaluate(() => { window.longTasks = []; });
    const before = await page.locator('[data-test=cost-total] [data-test=cost-total-draft]').first().innerText();
    // Timed in the page: from the input event's time stamp to the frame after the figure
    // changed (seen by a MutationObserver on the preview).
    const wait = page.evaluate((before) => new Promise((done) => {
      const input = document.querySelector('[data-path^="payout."]:not([data-path$="from"]) input[inputmode=decimal]');
      let start = null;
      input.addEventListener('input', (ev) => { start = ev.timeStamp; }, { once: true, capture: true });
      const preview = document.querySelector('[data-test=preview]');
      const seen = new MutationObserver(() => {
        const now = document.querySelector('[data-test=cost-total] [data-test=cost-total-draft]')?.innerText;
        if (start !== null && now !== undefined && now !== before) {
          seen.disconnect();
          requestAnimationFrame(() => done(performance.now() - start));
        }
      });
      seen.observe(preview, { subtree: true, childList: true, characterData: true });
    }), before);
    await field.fill(`${original}${i + 1}`);
    times.push(await wait);
    console.log(`edit ${i + 1}: ${Math.round(times[i])} ms, longest task ${Math.round(await longest())} ms`);
  }
  times.sort((a, b) => a - b);
  console.log(`edit to painted preview: median ${Math.round(times[Math.floor(times.length / 2)])} ms, worst ${Math.round(times[times.length - 1])} ms`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
