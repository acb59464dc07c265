// Catalog search as a cheap phone sees it: 5,000 rewards in the program's catalog, headless
// Chromium with the CPU throttled 4× (DevTools' Emulation.setCPUThrottlingRate). Each of 30
// searches types a word letter by letter (trusted key presses, 30 ms apart, as a quick typist)
// and is timed from the last keystroke's input event to the start of the frame that paints the
// results for the whole word (the list carries the query it shows in `data-query`): the pause
// before searching, the request (the API pages: the app asks for one page of 24), and the render
// included. Prints p50 and p95.
//
// Run by scripts/bench.sh; by hand: MITRA_SERVER_BIN=… MITRA_DIST=dist node tests/bench/catalog.mjs
import { launchBrowser, startServer, PASSWORD } from '../e2e/harness.mjs';

const ITEMS = 5000;
const SEARCHES = 30;
const CPU_SLOWDOWN = 4;
const WORDS = ['lamp', 'kettle', 'voucher', 'drill', 'umbrella', 'helmet', 'speaker', 'jacket', 'ladder', 'tablet'];
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function token(url, email) {
  const r = await fetch(`${url}/api/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await r.json()).token;
}

async function seed(url) {
  const designer = await token(url, 'designer@nusantara.demo');
  const add = async (n) => {
    const word = WORDS[n % WORDS.length];
    const item = {
      program: 'nusantara-2026', id: `bench-${n}`, name: `${word[0].toUpperCase()}${word.slice(1)} model ${n}`,
      kind: 'merchandise', category: `category-${n % 12}`, price: 1000 + ((n * 7919) % 900000),
      stock: 100, per_partner_limit: null, min_tier: null, image: '', description: `A ${word} for the shop, series ${n % 97}`,
    };
    const r = await fetch(`${url}/api/catalog`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${designer}` }, body: JSON.stringify(item),
    });
    if (r.status !== 201) throw new Error(`item ${n}: ${r.status} ${await r.text()}`);
  };
  for (let n = 0; n < ITEMS; n += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => add(n + i)));
  }
}

const server = await startServer();
const browser = await launchBrowser();
try {
  await seed(server.url);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.addInitScript(() => localStorage.setItem('mitra.locale', 'en'));
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name=email]', 'owner@sinar-jaya.demo');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-test=points-balance]');
  await page.click('nav >> text=Rewards');
  await page.waitForSelector('.catalog[data-query=""]');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const times = [];
  for (let i = 0; i < SEARCHES; i++) {
    const word = WORDS[i % WORDS.length] + (i >= WORDS.length ? ` ${i % 10}` : '');
    await page.fill('[data-test=reward-search]', '');
    await page.waitForSelector('.catalog[data-query=""]');
    await page.evaluate(() => {
      const input = document.querySelector('[data-test=reward-search]');
      input.addEventListener('input', (e) => { window.__last = e.timeStamp; });
    });
    await page.focus('[data-test=reward-search]');
    await page.keyboard.type(word, { delay: 30 });
    const ms = await page.evaluate((w) => new Promise((done) => {
      const check = (frame) => {
        const shown = document.querySelector('[data-query]');
        if (shown && shown.dataset.query === w) done(frame - window.__last);
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }), word);
    times.push(ms);
  }
  const count = await page.locator('[data-test=catalog-count]').innerText().catch(() => '');
  console.log(`catalog search, ${ITEMS} items, CPU ${CPU_SLOWDOWN}× slower, ${SEARCHES} searches (last: ${count}):`);
  console.log(`  last keystroke → results painted: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
} finally {
  await browser.close();
  await server.stop();
}
