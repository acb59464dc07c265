// The program designer, driven as a designer would: change a slab rate in the no-code editor and
// see the cost change by the amount worked out here from the partners' own statements; a bad
// bound stopped at its field; publish, and a partner's dashboard shows the new figure; approve a
// claim; import a CSV with one bad row and see it named. axe on every designer page, in every
// language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { PASSWORD, signIn, text, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();
const PROGRAM = 'nusantara-2026';

/// A designer signed in through the portal's sign-in page, which hands over to the designer.
async function designer(browser, url) {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.getItem('mitra.locale') || localStorage.setItem('mitra.locale', 'en'));
  const page = await context.newPage();
  await page.goto(`${url}/sign-in`);
  await page.fill('input[name=email]', 'designer@nusantara.demo');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL('**/designer/');
  await page.waitForSelector('[data-test=program]');
  return page;
}

async function api(page, path, init = {}) {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
  const r = await fetch(`${env.server.url}/api${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers || {}) },
  });
  return r.json();
}

/// A figure as shown ("+40,500 poin", "-1,000 poin") as a number.
function amount(shown) {
  return Number(shown.replace(/[^0-9-]/g, ''));
}

async function openEditor(page) {
  await page.click(`a[href="/designer/programs/${PROGRAM}"] >> nth=0`);
  await page.waitForSelector('[data-test=costs]');
}

test('a slab rate changed in the form changes the cost by what the statements say; a bad bound is stopped; publishing reaches the partner', async () => {
  const page = await designer(env.browser, env.server.url);
  await openEditor(page);
  const total = '[data-test=cost-total][data-instrument=points] [data-test=cost-total-change]';
  assert.equal(amount(await text(page, total)), 0, 'an unchanged program costs nothing more');

  // Worked out from each partner's statement: the running quarter (Q4, the only q-sales period
  // ending on or after today) pays 0.1 % of sales under 50 M, times the tier multiplier. At
  // 0.2 % it pays twice the unrounded base; partners at or above 50 M are in another slab.
  let expected = 0;
  const paid = []; // each partner's Q4 payout under the draft
  for (const partner of ['sinar-jaya', 'bangun-warna', 'depo-medan', 'bali-paint', 'makassar-jaya']) {
    const st = await api(page, `/partners/${partner}/statement?program=${PROGRAM}`);
    const q4 = st.schemes.find((s) => s.scheme === 'q-sales').periods.find((p) => p.label === '2026-Q4');
    const measure = Number(q4.measure ?? 0);
    if (q4.eligible && measure < 50_000_000) {
      const draft = Math.round(measure * 0.002 * Number(q4.multiplier));
      expected += draft - Number(q4.payout);
      paid.push(draft);
    } else {
      paid.push(Number(q4.payout));
    }
  }
  assert.ok(expected > 0, `the demo has partners in the first slab (${expected})`);

  const rate = page.locator('[data-path="payout.slabs[0].pay.percent"] input');
  await rate.fill('0.2');
  await page.waitForFunction(
    ([sel, want]) => Number(document.querySelector(sel)?.innerText.replace(/[^0-9-]/g, '')) === want,
    [total, expected],
  );
  assert.equal(amount(await text(page, '[data-test=cost][data-scheme=q-sales] [data-test=cost-change]')), expected);
  assert.equal(await text(page, '[data-test=problem-count]'), 'No problems');
  // The histogram of the scheme's payouts: every partner in one band, those paid nothing first.
  const bins = await page.locator('[data-test=histogram-bin]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.draft)));
  assert.equal(bins.reduce((a, b) => a + b, 0), paid.length, `every partner in a band: ${bins}`);
  assert.equal(bins[0], paid.filter((x) => x === 0).length, `paid nothing: ${bins}`);

  // A bound below the one before it: the problem shows at that field, publishing is off.
  const bound = page.locator('[data-path="payout.slabs[2].from"] input');
  await bound.fill('10');
  const problem = page.locator('[data-path="payout.slabs[2].from"] [data-test=problem]');
  await problem.waitFor();
  assert.equal(await problem.getAttribute('data-code'), 'unordered_slabs');
  assert.equal(await problem.innerText(), 'Each slab must start above the one before it.');
  assert.ok(await page.locator('[data-test=publish]').isDisabled());
  await page.selectOption('[data-test=language]', 'nl');
  assert.equal(await problem.innerText(), 'Elke schijf moet boven de vorige beginnen.');
  await page.selectOption('[data-test=language]', 'en');
  await bound.fill('100000000');
  await problem.waitFor({ state: 'detached' });

  // Tiers in the form: Silver's threshold raised just under Gold's (300 M) empties it in the
  // draft's tier table (its one partner has 150–300 M over the last 12 months), then put back.
  await page.click('[data-test=pick-tiers]');
  const silver = page.locator('[data-test=tier][data-tier=silver] [data-path=threshold] input');
  const threshold = await silver.inputValue();
  const silverRow = '[data-test=tiers] tbody tr:nth-child(2) td:nth-child(3)';
  assert.equal(await text(page, silverRow), '1');
  await silver.fill('299999999');
  await page.waitForFunction((sel) => document.querySelector(sel)?.innerText.trim() === '0', silverRow);
  await silver.fill(threshold);
  await page.waitForFunction((sel) => document.querySelector(sel)?.innerText.trim() === '1', silverRow);
  await page.click('[data-test=pick-scheme][data-scheme=q-sales]');

  // The JSON view says the same program.
  await page.click('[data-test=mode-json]');
  const json = JSON.parse(await page.inputValue('[data-test=json]'));
  assert.equal(json.schemes[0].payout.slabs[0].pay.percent, '0.2');
  await page.click('[data-test=mode-form]');

  await page.click('[data-test=publish]');
  await page.waitForSelector('[data-test=confirm-publish]');
  assert.equal(amount(await text(page, `[data-test=confirm-publish] ${total}`)), expected);
  await page.click('[data-test=confirm]');
  await page.waitForSelector('[data-test=published]');
  assert.match(await text(page, '[data-test=published]'), /version 2.*15 Nov 2026/);

  // The versions page names the change.
  await page.click('.tabs >> text=Versions');
  await page.waitForSelector('[data-test=changes]');
  assert.equal(await page.locator('[data-test=version]').count(), 2);
  const change = page.locator('[data-test=change][data-path="schemes[q-sales].payout.slabs[0].pay.percent"]');
  assert.match(await change.innerText(), /0\.1\s+0\.2/);
  assert.equal(await page.locator('[data-test=change]').count(), 1, 'nothing else changed');

  // Sinar Jaya's running Q4: 40.5 M × 0.2 % = 81,000 (was 40,500).
  const partner = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  assert.equal(await text(partner, '[data-scheme=q-sales] [data-test=earned]'), '81,000 poin');
  await partner.context().close();
  await page.context().close();
});

test('a condition added in the form stops the payouts below it, by what the statements say; what counts is picked from what was sold', async () => {
  const page = await designer(env.browser, env.server.url);
  await openEditor(page);
  // Worked out from each partner's statement under the version in force: Q4 (the governed
  // period) pays nothing to a partner whose Q4 sales stay under 45 M once the condition holds.
  let expected = 0;
  for (const partner of ['sinar-jaya', 'bangun-warna', 'depo-medan', 'bali-paint', 'makassar-jaya']) {
    const st = await api(page, `/partners/${partner}/statement?program=${PROGRAM}`);
    const q4 = st.schemes.find((s) => s.scheme === 'q-sales').periods.find((p) => p.label === '2026-Q4');
    if (Number(q4.measure ?? 0) < 45_000_000) expected -= Number(q4.payout);
  }
  assert.ok(expected < 0, `some partner is under 45 M and paid (${expected})`);
  const total = '[data-test=cost-total][data-instrument=points] [data-test=cost-total-change]';
  await page.click('[data-test=add-gate]');
  await page.fill('[data-path="gates[0].value"] input', '45000000');
  await page.waitForFunction(
    ([sel, want]) => Number(document.querySelector(sel)?.innerText.replace(/[^0-9-]/g, '')) === want,
    [total, expected],
  );
  // The categories partners sold are boxes to tick.
  const categories = await page.locator('[data-path="counts.categories"] label').allInnerTexts();
  assert.ok(['exterior', 'interior', 'primer'].every((c) => categories.includes(c)), `${categories}`);
  await page.context().close();
});

test('a second designer saving an older revision is shown the other version and keeps their own', async () => {
  const one = await designer(env.browser, env.server.url);
  if ((await api(one, `/drafts?program=${PROGRAM}`)).length === 0) {
    const definition = await api(one, `/programs/${PROGRAM}`);
    await api(one, '/drafts', { method: 'POST', body: JSON.stringify({ definition }) });
  }
  const two = await designer(env.browser, env.server.url);
  // Both open the same draft at the same revision, as two tabs would.
  for (const p of [one, two]) await openEditor(p);
  const name = '[data-path="name"] input';
  await one.fill(name, 'Quarterly sales (first)');
  await one.click('[data-test=save]');
  await one.locator('[data-test=unsaved]').waitFor({ state: 'detached' });
  await two.fill(name, 'Quarterly sales (second)');
  await two.click('[data-test=save]');
  await two.waitForSelector('[data-test=conflict]');
  assert.match(await text(two, '[data-test=conflict]'), /Quarterly sales \(first\)/);
  assert.equal(await two.inputValue(name), 'Quarterly sales (second)', 'nothing typed is lost');
  await two.click('[data-test=keep-mine]');
  await two.locator('[data-test=conflict]').waitFor({ state: 'detached' });
  await two.locator('[data-test=unsaved]').waitFor({ state: 'detached' });
  const drafts = await api(two, `/drafts?program=${PROGRAM}`);
  const draft = await api(two, `/drafts/${drafts[0].id}`);
  assert.equal(draft.definition.schemes[0].name, 'Quarterly sales (second)');
  await one.context().close();
  await two.context().close();
});

test('a claim is approved from the queue, and a CSV with a bad row is refused naming the row', async () => {
  const partner = await signIn(env.browser, env.server.url, 'owner@sinar-jaya.demo');
  const token = await partner.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
  const claim = await (await fetch(`${env.server.url}/api/partners/sinar-jaya/claims`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'sale', program: PROGRAM, invoice: 'INV-E2E-77', date: '2026-11-14',
      lines: [{ sku: 'WS-20L', units: '2', value: '3000000', serials: ['SN-E2E-1', 'SN-E2E-2'] }] }),
  })).json();
  assert.equal(claim.status, 'pending', JSON.stringify(claim));

  const page = await designer(env.browser, env.server.url);
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/claims`);
  const row = page.locator(`[data-test=pending-claim][data-claim="${claim.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /INV-E2E-77/);
  assert.match(await row.innerText(), /SN-E2E-1, SN-E2E-2/);
  await row.locator('[data-test=approve]').click();
  await row.waitFor({ state: 'detached' });
  const decided = await api(page, `/partners/sinar-jaya/claims?program=${PROGRAM}`);
  assert.equal(decided.find((c) => c.id === claim.id).status, 'approved');
  // The partner's Q4 grows by the claimed 3 M, from 40.5 M to 43.5 M, at the first slab's rate
  // as now published (0.1 % in the demo, 0.2 % once the first test has published it).
  const program = await api(page, `/programs/${PROGRAM}`);
  const percent = Number(program.schemes.find((s) => s.id === 'q-sales').payout.slabs[0].pay.percent);
  await partner.reload();
  await partner.waitForSelector('[data-test=points-balance]');
  assert.equal(amount(await text(partner, '[data-scheme=q-sales] [data-test=earned]')), Math.round(43_500_000 * percent / 100));

  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/imports`);
  const csv = [
    'partner,invoice,line,date,sku,category,units,value',
    'sinar-jaya,INV-E2E-90,1,2026-11-10,WS-20L,exterior,1,1500000',
    'sinar-jaya,INV-E2E-91,1,2026-11-10,WS-20L,exterior,many,1500000',
  ].join('\n');
  const sales = page.locator('[data-test=import-sales]');
  await sales.locator('[data-test=file]').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await sales.locator('button[type=submit]').click();
  const bad = sales.locator('[data-test=bad-row]');
  await bad.waitFor();
  assert.equal(await bad.count(), 1);
  assert.equal(await bad.getAttribute('data-line'), '3');
  assert.match(await text(sales, '[data-test=import-error]'), /Nothing was imported: 1 row is wrong/);
  // The problem is worded from its column and code, not the server's English.
  assert.equal(await bad.getAttribute('data-codes'), 'not_a_number');
  assert.equal(await text(bad, 'td:nth-child(2)'), 'units: is not a number');
  // Fixed, it goes in.
  await sales.locator('[data-test=file]').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace('many', '1')) });
  await sales.locator('button[type=submit]').click();
  await sales.locator('[data-test=report-imported]').waitFor();
  assert.equal(await text(sales, '[data-test=report-imported]'), '2 imported');
  // Targets: a period the scheme does not have is refused at its column; a good file goes in.
  const targets = page.locator('[data-test=import-targets]');
  const upload = async (text) => {
    await targets.locator('[data-test=file]').setInputFiles({ name: 'targets.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    await targets.locator('button[type=submit]').click();
  };
  await upload('partner,scheme,period,value\nsinar-jaya,q-sales,2026-13,50000000\n');
  await targets.locator('[data-test=bad-row]').waitFor();
  assert.equal(await text(targets, '[data-test=bad-row] td:nth-child(2)'), 'period: is not a period of that scheme');
  await upload('partner,scheme,period,value\nsinar-jaya,q-sales,2026-Q4,50000000\n');
  await targets.locator('[data-test=report-imported]').waitFor();
  assert.equal(await text(targets, '[data-test=report-imported]'), '1 imported');
  await partner.context().close();
  await page.context().close();
});

test('a designer adjusts a partner\'s points with a reason and invites a person to the partner', async () => {
  const page = await designer(env.browser, env.server.url);
  const balance = async () => (await api(page, `/partners/sinar-jaya/ledger?program=${PROGRAM}`)).points;
  const before = Number(await balance());
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/partners`);
  const row = page.locator('[data-test=partner][data-partner=sinar-jaya]');
  await row.waitFor();
  await row.locator('[data-test=adjust-points]').fill('1.5');
  await row.locator('[data-test=adjust-reason]').fill('Store opening bonus');
  await row.locator('[data-test=adjust]').click();
  await row.locator('[role=alert]').waitFor();
  assert.equal(await row.locator('[role=alert]').innerText(), 'Give a whole number of points.');
  await row.locator('[data-test=adjust-points]').fill('500');
  await row.locator('[data-test=adjust]').click();
  await row.locator('[data-test=adjusted]').waitFor();
  assert.equal(Number(await balance()), before + 500);
  await row.locator('[data-test=invite-name]').fill('Sari');
  await row.locator('[data-test=invite-email]').fill('sari@sinar-jaya.demo');
  await row.locator('[data-test=invite]').click();
  await row.locator('[data-test=invite-link]').waitFor();
  assert.match(await row.locator('[data-test=invite-link]').innerText(), /^http:\/\/127\.0\.0\.1:\d+\/set-password\?token=\S+$/);
  await page.context().close();
});

test('closing is previewed, posts exactly the preview, and then has nothing left to post', async () => {
  const page = await designer(env.browser, env.server.url);
  // A late sale in Q3, which has ended and was posted: Sinar Jaya's Q3 goes from 80 M to 81 M,
  // in the 0.15 % slab: +1,500 poin; 2 % of it into the MDF: +IDR 20,000.
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mitra.session')).token);
  const r = await fetch(`${env.server.url}/api/programs/${PROGRAM}/imports/sales`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
    body: 'partner,invoice,line,date,sku,category,units,value\nsinar-jaya,INV-LATE-9,1,2026-09-20,WS-20L,exterior,1,1000000\n',
  });
  assert.equal(r.status, 200);
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/close`);
  await page.click('[data-test=close-preview]');
  await page.waitForSelector('[data-test=close-dry-run]');
  const row = (scheme) => `[data-test=close-posting][data-partner=sinar-jaya][data-scheme=${scheme}][data-period="2026-Q3"] [data-test=amount]`;
  assert.equal(await text(page, row('q-sales')), '+1,500 poin');
  assert.equal(await text(page, row('mdf')), '+IDR 20,000');
  assert.equal(await page.locator('[data-test=close-posting]').count(), 2);
  await page.click('[data-test=close-post]');
  await page.waitForSelector('[data-test=close-done]');
  assert.equal(await text(page, '[data-test=close-summary]'), 'Closed: 2 postings made.');
  await page.click('[data-test=close-preview]');
  await page.waitForSelector('[data-test=close-dry-run]');
  assert.match(await text(page, '[data-test=close-summary]'), /^Nothing to post/);
  await page.context().close();
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = join(ROOT, 'crates/server/demo');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

/// A plain static host for dist/: files as they are, nothing else (no API behind it).
function staticHost(dist) {
  return new Promise((done) => {
    const server = createServer((req, res) => {
      let path = join(dist, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
      if (!path.startsWith(dist) || !existsSync(path)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] || 'application/octet-stream' });
      createReadStream(path).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

test('on a static host, the designer opens a program, partners and facts from disk and totals them as mitra-eval does', async (t) => {
  const host = await staticHost(resolve(process.env.MITRA_DIST));
  // Closed even when the test fails: an open host would keep the test run from ending.
  t.after(() => {
    host.closeAllConnections();
    host.close();
  });
  const url = `http://127.0.0.1:${host.address().port}`;
  const context = await env.browser.newContext();
  await context.addInitScript(() => localStorage.setItem('mitra.locale', 'en'));
  const page = await context.newPage();
  await page.goto(`${url}/designer/`);
  await page.click('[data-test=files-link]');
  await page.setInputFiles('[data-test=program-file]', join(DEMO, 'program.json'));
  await page.setInputFiles('[data-test=partners-file]', join(DEMO, 'partners.json'));
  await page.setInputFiles('[data-test=facts-file]', join(DEMO, 'facts.json'));
  await page.fill('[data-test=as-of]', '2026-11-15');
  await page.click('[data-test=open-files]');
  await page.waitForSelector('[data-test=all-periods]');

  const bin = process.env.MITRA_EVAL_BIN || join(dirname(process.env.MITRA_SERVER_BIN), 'mitra-eval');
  const cli = JSON.parse(execFileSync(bin, ['--program', join(DEMO, 'program.json'), '--partners', join(DEMO, 'partners.json'),
    '--facts', join(DEMO, 'facts.json'), '--as-of', '2026-11-15', '--compact']).toString());
  assert.ok(cli.schemes.length >= 3);
  for (const s of cli.schemes) {
    const shown = await page.getAttribute(`[data-test=scheme-total][data-scheme="${s.scheme}"]`, 'data-value');
    assert.equal(shown, s.total, s.scheme);
  }
  // An edit recomputes, and the program downloads as JSON.
  await page.fill('[data-path="payout.slabs[0].pay.percent"] input', '0.2');
  await page.waitForFunction(() => document.querySelector('[data-test=cost-total][data-instrument=points] [data-test=cost-total-change]')?.innerText.startsWith('+'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download]')]);
  assert.equal(download.suggestedFilename(), 'program.json');
  const saved = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
  assert.equal(saved.schemes[0].payout.slabs[0].pay.percent, '0.2');
  // A bad file is refused naming it.
  await page.goto(`${url}/designer/`);
  await page.click('[data-test=files-link]');
  await page.setInputFiles('[data-test=program-file]', join(DEMO, 'program.json'));
  await page.setInputFiles('[data-test=partners-file]', { name: 'partners.csv', mimeType: 'text/csv', buffer: Buffer.from('id,name\nx,y\n') });
  await page.setInputFiles('[data-test=facts-file]', join(DEMO, 'facts.json'));
  await page.click('[data-test=open-files]');
  assert.match(await text(page, '[data-test=files-error]'), /partners\.csv: line 1 must be the header/);
  await context.close();
});

async function serious(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('a designer adds a partner to the program, who then appears in the preview; a taken id is refused at its field', async () => {
  const page = await designer(env.browser, env.server.url);
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/partners`);
  const form = page.locator('[data-test=new-partner]');
  const fill = async (values) => {
    for (const [k, v] of Object.entries(values)) await form.locator(`[data-test=new-partner-${k}]`).fill(v);
    await form.locator('[data-test=create-partner]').click();
  };
  await fill({ id: 'sinar-jaya', name: 'Another Sinar', type: 'retailer', region: 'Bali' });
  await form.locator('[data-test=create-partner-error]').waitFor();
  assert.equal(await form.locator('[data-test=create-partner-error]').getAttribute('data-code'), 'duplicate_partner');
  assert.equal(await form.locator('[data-test=new-partner-id]').getAttribute('aria-invalid'), 'true');
  await fill({ id: 'toko-sentosa', name: 'Toko Sentosa' });
  await form.locator('[data-test=partner-created]').waitFor();
  await page.locator('[data-test=partner][data-partner=toko-sentosa]').waitFor();
  // The preview counts the new partner (six now), with no figures of its own.
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}`);
  await page.waitForSelector('[data-test=costs]');
  assert.match(await text(page, '[data-test=preview] p.muted'), /Across all 6 partners/);
  assert.equal(await page.locator('#preview-partner option[value=toko-sentosa]').count(), 1);
  await page.context().close();
});

test('a designer edits a reward and changes its stock by units; the partner\'s catalog shows it', async () => {
  const page = await designer(env.browser, env.server.url);
  await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/catalog`);
  const gun = page.locator('[data-test=item][data-item=spray-gun]');
  await gun.waitFor();
  const before = Number(await gun.locator('[data-test=item-stock]').getAttribute('data-stock'));
  await gun.locator('[data-test=stock-add]').fill('5');
  await gun.locator('[data-test=restock]').click();
  await page.waitForFunction((want) => document.querySelector('[data-item=spray-gun] [data-test=item-stock]')?.dataset.stock === String(want), before + 5);
  // Taking away more than there is: refused, the stock unchanged.
  await gun.locator('[data-test=stock-add]').fill(String(-(before + 6)));
  await gun.locator('[data-test=restock]').click();
  await gun.locator('[data-test=restock-error]').waitFor();
  assert.equal(await gun.locator('[data-test=restock-error]').getAttribute('data-code'), 'stock_below_zero');
  assert.equal(await gun.locator('[data-test=restock-error]').innerText(), 'That would take the stock below zero.');
  // A new price, seen through the API as a partner's catalog lists it.
  await gun.locator('[data-test=edit-item]').click();
  await gun.locator('[data-test=item-price]').fill('425000');
  await gun.locator('[data-test=save-item]').click();
  await page.waitForFunction(() => /425,000 points/.test(document.querySelector('[data-item=spray-gun] [data-test=item-facts]')?.innerText ?? ''));
  const [listed] = await api(page, `/catalog?program=${PROGRAM}&id=spray-gun`);
  assert.deepEqual([listed.price, listed.stock], [425000, before + 5]);
  // A new item.
  const add = page.locator('[data-test=new-item]');
  await add.locator('[data-test=item-id]').fill('cap-2026');
  await add.locator('[data-test=item-name]').fill('Brand cap');
  await add.locator('[data-test=item-category]').fill('merchandise');
  await add.locator('[data-test=item-price]').fill('15000');
  await add.locator('[data-test=item-stock]').fill('40');
  await add.locator('[data-test=save-item]').click();
  await page.locator('[data-test=item][data-item=cap-2026]').waitFor();
  assert.equal(await page.locator('[data-item=cap-2026] [data-test=item-stock]').getAttribute('data-stock'), '40');
  await page.context().close();
});

test('no serious or critical accessibility violation on any designer page, in any language', async () => {
  const page = await designer(env.browser, env.server.url);
  for (const lang of ['en', 'id', 'ms', 'nl']) {
    await page.selectOption('[data-test=language]', lang);
    await page.goto(`${env.server.url}/designer/`);
    await page.waitForSelector('[data-test=program]');
    assert.deepEqual(await serious(page), [], `programs (${lang})`);
    await page.goto(`${env.server.url}/designer/programs/${PROGRAM}`);
    await page.waitForSelector('[data-test=costs]');
    assert.deepEqual(await serious(page), [], `editor (${lang})`);
    await page.click('[data-test=pick-tiers]');
    assert.deepEqual(await serious(page), [], `editor, tiers (${lang})`);
    await page.click('[data-test=pick-badges]');
    assert.deepEqual(await serious(page), [], `editor, badges (${lang})`);
    await page.click('[data-test=mode-json]');
    assert.deepEqual(await serious(page), [], `editor, JSON (${lang})`);
    await page.goto(`${env.server.url}/designer/files`);
    await page.waitForSelector('h1');
    assert.deepEqual(await serious(page), [], `files (${lang})`);
    for (const path of ['claims', 'imports', 'close', 'versions', 'partners', 'catalog']) {
      await page.goto(`${env.server.url}/designer/programs/${PROGRAM}/${path}`);
      await page.waitForSelector('h1');
      assert.deepEqual(await serious(page), [], `${path} (${lang})`);
    }
  }
  await page.context().close();
});
