import { chromium } from 'playwright-core';
const url = process.env.URL || 'http://127.0.0.1:8099';
const out = '/tmp/mitra/shots';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
const pages = (process.env.PAGES || '/dashboard,/schemes/q-sales').split(',');
const langs = (process.env.LANGS || 'en,id').split(',');
const who = process.env.WHO || 'owner@sinar-jaya.demo';
for (const width of [360, 1280]) {
  for (const lang of langs) {
    const ctx = await b.newContext({ viewport: { width, height: 900 }, locale: lang });
    const p = await ctx.newPage();
    p.on('console', (m) => { if (m.type() === 'error') console.log('console', m.text()); });
    await p.goto(url + '/sign-in');
    await p.evaluate((l) => localStorage.setItem('mitra.locale', l), lang);
    if (process.env.PROGRAM) await p.evaluate((l) => localStorage.setItem('mitra.program', l), process.env.PROGRAM);
    await p.reload();
    await p.fill('input[type=email]', who);
    await p.fill('input[type=password]', 'mitra-demo');
    await p.click('button[type=submit]');
    await p.waitForURL('**/dashboard');
    for (const path of pages) {
      await p.goto(url + path);
      await p.waitForTimeout(1200);
      const sw = await p.evaluate(() => document.documentElement.scrollWidth);
      const name = `${out}/${path.replace(/\//g, '_')}-${lang}-${width}.png`;
      await p.screenshot({ path: name, fullPage: true });
      console.log(name, 'scrollWidth', sw);
    }
    await ctx.close();
  }
}
await b.close();
