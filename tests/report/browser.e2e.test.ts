import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers.js';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildReport, createMemorySource } from '../../src/report/index.js';
import { modelSlug } from '../../src/report/paths.js';
import { chartsSettled, hasChromium, launch, serve, watch, type Watch } from './browser.js';
import { HOSTILE } from './fixtures.js';
import { fixtureData } from './fixtures.js';

const RUN0 = 'run0aaaaaaaaaaaaaaaaaaaaaaaaaaa';
const HOSTILE1 = 'hostile1aaaaaaaaaaaaaaaaaaaaaaaa';

describe('report in Chromium', { skip: !hasChromium && 'no /usr/bin/chromium' }, () => {
  let browser: Browser;
  let out: string;
  let server: { base: string; close: () => Promise<void> };
  const bases = (): [string, string][] => [
    ['http subpath', server.base],
    ['file://', `${pathToFileURL(out).href}/`],
  ];

  before(async () => {
    out = path.join(tempDir('tracklab-report-'), 'site');
    await buildReport({ source: createMemorySource(fixtureData()), out, title: 'Browser test' });
    server = await serve(out, '/tracklab-demo/');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(base: string, rel: string, js = true): Promise<{ page: Page; w: Watch }> {
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    const w = watch(page, base);
    await page.goto(base + rel);
    return { page, w };
  }
  const clean = (w: Watch, where: string): void => {
    assert.deepEqual(w.errors, [], `${where}: console errors`);
    assert.deepEqual(w.dialogs, [], `${where}: dialogs`);
    assert.deepEqual(w.foreign, [], `${where}: requests to other hosts`);
  };
  const marks = (page: Page, sel: string): Promise<number> =>
    page.$$eval(
      `${sel} svg .mark-line path, ${sel} svg .mark-path path, ${sel} svg .mark-symbol path, ${sel} svg .mark-rect path`,
      (n) => n.length,
    );

  test('every page loads clean over http under a subpath and from file://, charts drawn', async () => {
    const pages = [
      'index.html',
      'experiments/1.html',
      'experiments/2.html',
      `runs/${RUN0}.html`,
      `runs/${HOSTILE1}.html`,
      `compare.html#runs=${RUN0},${HOSTILE1}`,
      `models/${modelSlug('iris <classifier>')}.html`,
      ...readdirSync(path.join(out, 'runs'))
        .filter((f) => f.endsWith('.html'))
        .map((f) => `runs/${f}`),
    ];
    for (const [label, base] of bases()) {
      for (const rel of pages) {
        const { page, w } = await open(base, rel);
        if (/^(experiments|runs|compare)/.test(rel)) {
          await chartsSettled(page);
          const errors = await page.$$eval('.chart[data-chart="error"]', (n) => n.map((x) => x.textContent));
          assert.deepEqual(errors, [], `${label} ${rel}`);
          assert.ok((await marks(page, '.chart')) > 0, `${label} ${rel}: no marks`);
        }
        clean(w, `${label} ${rel}`);
        await page.context().close();
      }
    }
  });

  test('sorting by a column with mouse and keyboard, nested runs stay under their parent', async () => {
    const { page, w } = await open(server.base, 'experiments/1.html');
    const names = (): Promise<string[]> =>
      page.$$eval('#runs tbody tr[data-run] th.name a', (n) => n.map((x) => x.textContent ?? ''));
    const acc = page.locator('th button.sort', { hasText: 'acc' });
    const accHeader = page.locator('#runs thead th', { has: page.locator('button.sort', { hasText: 'acc' }) });
    await acc.click();
    // Better direction first; the FAILED run (logreg-3) after the others; families by their best member.
    assert.deepEqual(await names(), ['rf-4', 'rf-2', 'knn-1', 'rf-0', 'fold-1', 'logreg-3']);
    assert.equal(await accHeader.getAttribute('aria-sort'), 'descending');
    await page.locator('th button.sort', { hasText: 'acc' }).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await names(), ['rf-0', 'fold-1', 'knn-1', 'rf-2', 'rf-4', 'logreg-3']);
    assert.equal(await accHeader.getAttribute('aria-sort'), 'ascending');
    clean(w, 'sorting');
    await page.context().close();
  });

  test('filtering with the searchRuns syntax, and a clear message for a bad filter', async () => {
    const { page, w } = await open(server.base, 'experiments/1.html');
    const visible = (): Promise<string[]> =>
      page.$$eval('#runs tbody tr[data-run] th.name a', (n) => n.map((x) => x.textContent ?? ''));
    await page.fill('#filter', 'metrics.acc > 0.905 and params.model = "rf"');
    await page.press('#filter', 'Enter');
    assert.deepEqual(await visible(), ['rf-4']);
    await page.fill('#filter', 'params.fold = "1"');
    await page.press('#filter', 'Enter');
    assert.deepEqual(await visible(), ['rf-0', 'fold-1']);
    await page.fill('#filter', 'metrics.acc >');
    await page.press('#filter', 'Enter');
    assert.equal(await page.getAttribute('#filter-status', 'class'), 'error');
    assert.ok(((await page.textContent('#filter-status')) ?? '').length > 5);
    await page.fill('#filter', '');
    await page.press('#filter', 'Enter');
    assert.equal((await visible()).length, 6);
    clean(w, 'filtering');
    await page.context().close();
  });

  test('column chooser and differences only', async () => {
    const { page, w } = await open(server.base, 'experiments/1.html');
    const header = (label: string) => page.locator('#runs thead th', { hasText: label }).first();
    assert.ok(await header('n_estimators').isVisible());
    assert.equal(await header('seed').count(), 0, 'seed is 42 in every run: hidden by default');
    await page.click('#column-chooser summary');
    await page.locator('#column-list label', { hasText: 'params.n_estimators' }).locator('input').uncheck();
    assert.equal(await header('n_estimators').count(), 0);
    await page.locator('#column-list label', { hasText: 'params.seed' }).locator('input').check();
    assert.ok(await header('seed').isVisible());
    await page.check('#diff-only');
    assert.equal(await header('seed').count(), 0, 'no difference in seed');
    assert.ok(await header('model').isVisible());
    await page.uncheck('#diff-only');
    assert.ok(await header('seed').isVisible());
    clean(w, 'columns');
    await page.context().close();
  });

  test('checkboxes make a compare link that works when opened cold', async () => {
    const { page, w } = await open(server.base, 'experiments/1.html');
    await page.check(`input.pick[value="${RUN0}"]`);
    await page.check('input.pick[value="run3aaaaaaaaaaaaaaaaaaaaaaaaaaa"]');
    const href = await page.getAttribute('#compare-link', 'href');
    assert.match(href!, /^\.\.\/compare\.html#runs=[\w,]+$/);
    clean(w, 'select');
    const target = new URL(href!, page.url()).href;
    await page.context().close();
    for (const [label, base] of bases()) {
      const cold = await open(base, target.slice(server.base.length));
      await chartsSettled(cold.page);
      const heads = await cold.page.$$eval('#compare-params thead th a', (n) => n.map((x) => x.textContent));
      assert.deepEqual(heads, ['rf-0', 'logreg-3'], label); // the order they were picked in
      assert.equal(await cold.page.locator('#compare-params td.differs').count(), 4);
      assert.ok((await marks(cold.page, '#history-charts')) >= 2);
      clean(cold.w, `compare ${label}`);
      await cold.page.context().close();
    }
  });

  test('hostile data: no dialog, the exact text shows, javascript: is not a link', async () => {
    for (const [label, base] of bases()) {
      const { page, w } = await open(base, `runs/${HOSTILE1}.html`);
      await chartsSettled(page);
      assert.equal(await page.locator('main > h1').evaluate((h) => h.firstChild?.textContent?.trim()), HOSTILE.name);
      const cell = (key: string) =>
        page
          .locator('tr', { has: page.locator(`th:text-is("${key}")`) })
          .locator('td')
          .textContent();
      assert.equal(await cell('script'), HOSTILE.script);
      assert.equal(await cell('sep'), HOSTILE.lineSep);
      assert.equal(await cell('template'), HOSTILE.template);
      assert.equal(await cell('link'), HOSTILE.jsUrl);
      assert.equal(await page.locator('a[href^="javascript"]').count(), 0);
      assert.ok((await page.locator('.note').textContent())!.includes('<script>alert(1)</script>'));
      assert.equal(await page.locator('.history-charts .chart').count(), 3);
      clean(w, `hostile run ${label}`);
      await page.context().close();
      const exp = await open(base, 'experiments/2.html');
      await chartsSettled(exp.page);
      assert.equal(await exp.page.locator('main > h1').textContent(), HOSTILE.name);
      await exp.page.fill('#filter', `params.template = '${HOSTILE.template}'`);
      await exp.page.press('#filter', 'Enter');
      assert.equal(await exp.page.locator('#runs tbody tr:not([hidden])').count(), 1);
      clean(exp.w, `hostile experiment ${label}`);
      await exp.page.context().close();
    }
  });

  test('registry page: versions, stage and alias badges, timeline, link to the source run', async () => {
    const { page, w } = await open(server.base, 'index.html');
    await page.click('text=iris <classifier>');
    assert.equal(await page.locator('h1').textContent(), 'iris <classifier>');
    assert.deepEqual(await page.$$eval('#versions tbody th', (n) => n.map((x) => x.textContent)), ['v2', 'v1']);
    assert.equal(await page.locator('#versions .stage-production').textContent(), 'Production');
    assert.equal(await page.locator('#versions .badge.alias').textContent(), '@champion');
    assert.equal(await page.locator('ol.timeline li').count(), 3);
    assert.equal(await page.locator('.description').textContent(), HOSTILE.script);
    await page.click('#versions tbody tr:first-child a');
    assert.match(page.url(), /runs\/run2a+\.html$/);
    clean(w, 'registry');
    await page.context().close();
  });

  test('tables and key numbers work without JavaScript', async () => {
    const { page } = await open(server.base, 'experiments/1.html', false);
    assert.equal(await page.locator('#runs tbody tr').count(), 6);
    assert.match((await page.textContent('.summary'))!, /rf-4\s*acc = 0\.92/);
    await page.context().close();
  });
});
