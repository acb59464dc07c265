// axe-core on every page of the portal, in every language: no serious or critical violation
// (WCAG 2 A and AA rules), with the dashboard's explanation open and a what-if projected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { signIn, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

async function serious(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('no serious or critical accessibility violation on any page, in any language', async () => {
  const page = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  const anonymous = await (await env.browser.newContext()).newPage();
  for (const lang of ['en', 'id', 'ms', 'nl']) {
    await page.selectOption('[data-test=language]', lang);
    await page.goto(`${env.server.url}/dashboard`);
    await page.waitForSelector('[data-test=points-balance]');
    await page.click('[data-scheme=q-sales] [data-test=explanation] summary');
    await page.fill('[data-test=what-if-value]', '9500000');
    assert.deepEqual(await serious(page), [], `dashboard (${lang})`);
    for (const path of ['/tier', '/leaderboard', '/account', '/schemes/q-sales', '/schemes/mdf', '/rewards', '/rewards/history', '/statement', '/claims', '/claims/new', '/funds', '/rewards/spray-gun']) {
      await page.goto(`${env.server.url}${path}`);
      await page.waitForSelector('h1');
      assert.deepEqual(await serious(page), [], `${path} (${lang})`);
    }
    await anonymous.evaluate((l) => localStorage.setItem('mitra.locale', l), lang).catch(() => {});
    for (const path of ['/sign-in', '/set-password?token=x']) {
      await anonymous.goto(`${env.server.url}${path}`);
      await anonymous.evaluate((l) => localStorage.setItem('mitra.locale', l), lang);
      await anonymous.reload();
      await anonymous.waitForSelector('h1');
      assert.deepEqual(await serious(anonymous), [], `${path} (${lang})`);
    }
  }
  await page.context().close();
  await anonymous.context().close();
});
