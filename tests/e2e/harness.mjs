// Starts a mitra-server on a free port with a fresh demo database, and a headless Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const TODAY = '2026-11-15';
export const PASSWORD = 'mitra-demo';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer at ${url} within ${ms} ms`);
}

export async function startServer() {
  const bin = process.env.MITRA_SERVER_BIN;
  const dist = process.env.MITRA_DIST;
  if (!bin || !dist) throw new Error('MITRA_SERVER_BIN and MITRA_DIST must be set (scripts/test.sh sets them)');
  const dir = mkdtempSync(join(tmpdir(), 'mitra-e2e-'));
  const port = await freePort();
  // Its request log (standard error) only for warnings and errors, unless MITRA_LOG says otherwise.
  const child = spawn(bin, ['--db', join(dir, 'mitra.db'), '--addr', `127.0.0.1:${port}`, '--dist', dist, '--today', TODAY, '--demo'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MITRA_LOG: process.env.MITRA_LOG || 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/me`, 30000);
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/// A new page with English chosen, signed in as `email`, on the dashboard. `options` are the
/// browser context's (e.g. `{ serviceWorkers: 'block' }`).
export async function signIn(browser, url, email, options = {}) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => localStorage.getItem('mitra.locale') || localStorage.setItem('mitra.locale', 'en'));
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.waitForURL('**/sign-in');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  await page.waitForSelector('[data-test=points-balance]');
  return page;
}

/// A server and a browser for one test file, started before its tests and stopped after:
/// `const env = useServerAndBrowser();` then `env.server.url`, `env.browser`.
export function useServerAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/// An element's text, with Intl's no-break spaces as plain spaces.
export async function text(page, selector) {
  return (await page.locator(selector).first().innerText()).replace(/\u00a0/g, ' ').trim();
}
