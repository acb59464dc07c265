import { chromium } from 'playwright-core';
const [,, path = '/designer/', out = '/tmp/shot', width = '1280', lang = 'en', action = ''] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: Number(width), height: 900 } });
await ctx.addInitScript((l) => localStorage.setItem('mitra.locale', l), lang);
const page = await ctx.newPage();
page.on('console', (m) => { if (m.type() === 'error') console.log('console:', m.text()); });
await page.goto('http://127.0.0.1:8099/sign-in');
await page.fill('input[name=email]', 'designer@nusantara.demo');
await page.fill('input[name=password]', 'mitra-demo');
await page.click('button[type=submit]');
await page.waitForURL('**/designer/');
await page.waitForTimeout(800);
if (path !== '/designer/') { await page.goto('http://127.0.0.1:8099' + path); await page.waitForTimeout(1500); }
if (action) await eval(action);
console.log(await page.evaluate(() => [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')).join(' ')));
console.log('scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth));
await page.screenshot({ path: `${out}.png`, fullPage: true });
await browser.close();
