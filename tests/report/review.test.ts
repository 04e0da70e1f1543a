/**
 * The reviewer's path on a realistic store, in Debian's Chromium: every page type at 1440x900 and 390x844 in light and
 * dark (no sideways scrolling, numbers on one line, axe-core clean), then the interactions a review needs (best run
 * after one click, the view in the address, colours per run, registry evidence, notebooks, print).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildReport, createMemorySource } from '../../src/report/index.js';
import { galleryPages } from '../../scripts/screenshots.js';
import { chartsSettled, hasChromium, launch, serve, watch, type Watch } from './browser.js';
import { reviewStore, SWEEP } from './review-store.js';
import { tempDir } from '../helpers.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const data = reviewStore();
const sweep = data.runs.filter((r) => r.experimentId === SWEEP);
const PAGES = galleryPages(data);
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

describe('review path in Chromium', { skip: !hasChromium && 'no /usr/bin/chromium' }, () => {
  let browser: Browser;
  let server: { base: string; close: () => Promise<void> };
  let desktop: BrowserContext;

  before(async () => {
    const out = path.join(tempDir('tracklab-review-'), 'site');
    await buildReport({ source: createMemorySource(data), out, title: 'Review test' });
    server = await serve(out, '/review/');
    browser = await launch();
    desktop = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(rel: string, context = desktop): Promise<{ page: Page; w: Watch }> {
    const page = await context.newPage();
    const w = watch(page, server.base);
    await page.goto(server.base + rel);
    return { page, w };
  }
  const clean = (w: Watch, where: string): void => {
    assert.deepEqual(w.errors, [], `${where}: console errors`);
    assert.deepEqual(w.dialogs, [], `${where}: dialogs`);
    assert.deepEqual(w.foreign, [], `${where}: requests to other hosts`);
  };
  const settle = async (page: Page, name: string): Promise<void> => {
    if (name === 'experiment' || name === 'run' || name === 'compare')
      await chartsSettled(page, '#history-charts .chart');
  };

  test('every page type, both sizes, both themes: no sideways scroll, numbers on one line, axe clean', async () => {
    const problems: string[] = [];
    const check = (ok: boolean, text: string): void => {
      if (!ok) problems.push(text);
    };
    for (const viewport of VIEWPORTS) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport, colorScheme, bypassCSP: true });
        for (const p of PAGES) {
          const where = `${p.name} ${viewport.width} ${colorScheme}`;
          const { page, w } = await open(p.rel, context);
          await settle(page, p.name);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          check(wide <= 0, `${where}: page is ${wide}px wider than the viewport`);
          const multiline = await page.$$eval('td.num', (cells) =>
            cells
              .filter((c) => {
                const r = document.createRange();
                r.selectNodeContents(c);
                // Boxes of a smaller font on the same line start a few pixels lower; a new line starts a line lower.
                const tops = Array.from(r.getClientRects())
                  .filter((x) => x.width > 0)
                  .map((x) => x.top);
                return tops.length > 0 && Math.max(...tops) - Math.min(...tops) > 10;
              })
              .map((c) => c.textContent),
          );
          check(multiline.length === 0, `${where}: numeric cells on more than one line: ${multiline.join(' | ')}`);
          await page.addScriptTag({ content: AXE });
          const violations = await page.evaluate(async () => {
            const axe = (
              window as unknown as {
                axe: {
                  run: (
                    o: unknown,
                  ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
                };
              }
            ).axe;
            const result = await axe.run({ resultTypes: ['violations'] });
            return result.violations
              .filter((v) => v.impact === 'critical' || v.impact === 'serious')
              .map(
                (v) =>
                  `${v.id}: ${v.nodes
                    .slice(0, 3)
                    .map((n) => n.target.join(' '))
                    .join(', ')}`,
              );
          });
          check(violations.length === 0, `${where}: axe critical/serious: ${violations.join(' | ')}`);
          check(
            w.errors.length + w.dialogs.length + w.foreign.length === 0,
            `${where}: ${[...w.errors, ...w.dialogs, ...w.foreign].join(' | ')}`,
          );
          await page.close();
        }
        await context.close();
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the table: header and run name stay in view while scrolling inside the table', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    // the charts above the table are drawn after it: until they are, the table moves down as each one takes its size
    await settle(page, 'experiment');
    const scroller = page.locator('#runs-scroll');
    await scroller.evaluate((s) => {
      s.scrollTop = 600;
      s.scrollLeft = 400;
    });
    // both boxes in one task, so no layout change can fall between them
    const [box, head] = await page.evaluate(() =>
      [document.getElementById('runs-scroll')!, document.querySelector('#runs thead th[data-col="0"]')!].map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, height: r.height };
      }),
    );
    assert.ok(box && head);
    assert.ok(Math.abs(head.y - box.y) <= 2, `header at ${head.y}, container at ${box.y}`);
    assert.ok(Math.abs(head.x - box.x - 32) <= 3, `run column at ${head.x}, container at ${box.x}`);
    const rowsInView = await page.$$eval(
      '#runs tbody tr',
      (rows, bottom) => rows.filter((r) => r.getBoundingClientRect().bottom < bottom).length,
      box.y + box.height,
    );
    assert.ok(rowsInView >= 18, `${rowsInView} rows fit at 1440x900`);
    clean(w, 'sticky');
    await page.close();
  });

  test('best FINISHED run first after one click on the main metric; flat puts it on row one', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    const best = await page.getAttribute('#best-link', 'href');
    const bestId = path.basename(best!, '.html');
    assert.equal(sweep.find((r) => r.id === bestId)!.status, 'FINISHED');
    await page.locator('#runs th button.sort', { hasText: 'accuracy' }).click();
    assert.equal(await page.getAttribute('#runs thead th[data-col="2"]', 'aria-sort'), 'descending');
    const ids = (): Promise<string[]> =>
      page.$$eval('#runs tbody tr[data-run]', (n) => n.map((r) => r.getAttribute('data-run') ?? ''));
    const tree = await ids();
    assert.equal(tree[0], sweep.find((r) => r.id === bestId)!.parentRunId, "the best run's family comes first");
    assert.equal(tree[1], bestId);
    assert.equal(await page.locator('#runs tbody tr').nth(1).locator('.best-mark').count(), 1);
    await page.check('#flat');
    assert.equal((await ids())[0], bestId);
    await page.locator('#runs th button.sort', { hasText: 'val_loss' }).click();
    assert.equal(
      await page.getAttribute('#runs thead th[aria-sort="ascending"]', 'data-col'),
      await page.locator('#runs thead th', { hasText: 'val_loss' }).getAttribute('data-col'),
    );
    clean(w, 'best');
    await page.close();
  });

  test('the view lives in the address: reload restores it, Back walks it, selection stays consistent after compare', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    const order = (): Promise<string[]> =>
      page.$$eval('#runs tbody tr[data-run]', (n) => n.slice(0, 8).map((r) => r.getAttribute('data-run') ?? ''));
    await page.fill('#filter', 'params.optimizer = "adam"');
    await page.press('#filter', 'Enter');
    await page.locator('#runs th button.sort', { hasText: 'accuracy' }).click();
    await page.check('#diff-only');
    await page.selectOption('#group-by', 'param:batch_size');
    const ticked = await page.$$eval('#runs tbody input.pick', (n) =>
      n.slice(0, 2).map((b) => (b as HTMLInputElement).value),
    );
    for (const id of ticked) await page.check(`input.pick[value="${id}"]`);
    const before = {
      order: await order(),
      hash: new URL(page.url()).hash,
      groups: await page.locator('tr.group-head').count(),
    };
    assert.match(before.hash, /f=.*sort=metric:accuracy&dir=desc&group=param:batch_size&diff=1&sel=/);
    assert.equal(before.groups, 5, 'four batch sizes and the parents without one');
    await page.reload();
    assert.deepEqual(await order(), before.order);
    assert.equal(await page.inputValue('#filter'), 'params.optimizer = "adam"');
    assert.ok(await page.isChecked('#diff-only'));
    assert.equal(await page.textContent('#compare-count'), '2');
    await page.selectOption('#group-by', '');
    assert.equal(await page.locator('tr.group-head').count(), 0);
    await page.goBack();
    assert.equal(await page.locator('tr.group-head').count(), 5, 'Back restores the grouping');
    await page.click('#compare-link');
    await page.waitForURL(/compare\.html#runs=/);
    await chartsSettled(page, '#history-charts .chart');
    assert.equal(await page.locator('#compare-runs thead th a').count(), 2);
    await page.goBack();
    await page.waitForURL(/experiments\//);
    assert.equal(await page.textContent('#compare-count'), '2');
    assert.equal(await page.locator('#runs tbody input.pick:checked').count(), 2);
    await page.fill('#filter', 'metrics.accuracy > 5');
    await page.press('#filter', 'Enter');
    assert.match((await page.textContent('#runs tbody'))!, /No runs match the filter metrics\.accuracy > 5/);
    clean(w, 'url state');
    await page.close();
  });

  test('columns: constant params, system tags and empty columns hidden behind "N more columns"; CSV export', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    const heads = (): Promise<string[]> =>
      page.$$eval('#runs thead th button', (n) => n.map((b) => b.lastChild?.textContent ?? ''));
    const shown = await heads();
    assert.deepEqual(shown.slice(0, 3), ['Run', 'Status', 'accuracy']);
    assert.ok(!shown.includes('dataset') && !shown.includes('mlflow.runName'));
    await page.click('#reveal-columns');
    assert.ok((await heads()).includes('dataset'));
    await page.click('#reveal-columns');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = readFileSync(await download.path(), 'utf8').split('\n');
    const labels = await page.$$eval('#runs thead th button', (n) =>
      n.map((b) => {
        const group = b.querySelector('.group')?.textContent;
        return group ? `${group}s.${b.lastChild?.textContent ?? ''}` : (b.lastChild?.textContent ?? '');
      }),
    );
    assert.equal(csv[0], ['run_id', ...labels].join(','));
    assert.equal(csv.filter(Boolean).length, sweep.length + 1);
    clean(w, 'columns');
    await page.close();
  });

  test('charts: curves of the top runs near the top, one colour per run across charts and table, NaN marked', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    await chartsSettled(page, '#history-charts .chart');
    assert.match((await page.textContent('#curves-note'))!, /^Top 10 of 60 runs by accuracy/);
    assert.deepEqual(await page.$$eval('#history-charts .chart', (n) => n.map((c) => c.getAttribute('data-metric'))), [
      'accuracy',
      'val_loss',
    ]);
    const strokes = (sel: string): Promise<string[]> =>
      page.$$eval(`${sel} svg .mark-path path`, (n) =>
        [...new Set(n.map((p) => p.getAttribute('stroke') ?? ''))].sort(),
      );
    const legend = await page.$$eval('#history-charts .legend line', (n) =>
      n.map((l) => l.getAttribute('stroke') ?? '').sort(),
    );
    assert.equal(new Set(legend).size, 10);
    assert.deepEqual(await strokes('[data-metric="accuracy"]'), legend);
    assert.deepEqual(await strokes('[data-metric="val_loss"]'), legend);
    const swatches = await page.$$eval('#runs .swatch rect', (n) => n.map((r) => r.getAttribute('fill') ?? '').sort());
    assert.deepEqual(swatches, legend);
    await page.locator('#more-charts').scrollIntoViewIfNeeded();
    await chartsSettled(page, '#more-charts .chart');
    assert.equal(await page.inputValue('#scatter-x'), 'p:lr', 'the param that moves accuracy most');
    const ticks = await page.$$eval('#chart-parallel svg .mark-text text', (n) => n.map((t) => t.textContent));
    assert.ok(ticks.includes('0.001') && ticks.includes('adam'), ticks.join(' '));
    clean(w, 'charts');
    await page.close();
    const diverged = sweep.find((r) => Number.isNaN(r.metrics['loss']))!;
    const run = await open(`runs/${diverged.id}.html`);
    await chartsSettled(run.page, '#history-charts .chart');
    const nan = await run.page.$$eval('[data-metric="loss"] svg .mark-symbol path', (n) =>
      n.map((p) => p.getAttribute('fill')),
    );
    assert.deepEqual(nan, ['#e03131'], 'one NaN marker where the loss diverged');
    assert.match((await run.page.textContent('[data-metric="loss"] + details'))!, /NaN from step 101/);
    clean(run.w, 'NaN run');
    await run.page.close();
  });

  test('compare: baseline deltas, best per metric, differences only for metrics, smoothing redraws', async () => {
    const { page, w } = await open(PAGES.find((p) => p.name === 'compare')!.rel);
    await chartsSettled(page, '#history-charts .chart');
    const rows = await page.$$eval('#compare-runs tbody th', (n) => n.map((t) => t.textContent));
    assert.deepEqual(rows, ['Status', 'Experiment', 'Start', 'Duration', 'User', 'Parent run', 'Run id']);
    assert.equal(await page.locator('#compare-metrics tr', { hasText: 'accuracy' }).locator('td.best-cell').count(), 1);
    assert.equal(await page.locator('#compare-metrics tr', { hasText: 'accuracy' }).locator('.delta').count(), 3);
    await page.locator('#compare-runs button[data-baseline]').first().click();
    await page.waitForURL(/base=/);
    await page.check('#compare-diff-only');
    assert.equal(await page.locator('#compare-params tbody tr:not([hidden])', { hasText: 'dataset' }).count(), 0);
    assert.ok((await page.locator('#compare-metrics tbody tr:not([hidden])').count()) >= 3);
    const before = await page.$$eval('#history-charts svg .mark-path path', (n) =>
      n.map((p) => p.getAttribute('d')).join(),
    );
    await page.$$eval('#history-charts svg', (n) => n.forEach((svg) => svg.setAttribute('data-probe', '1')));
    await page.locator('#history-smoothing').fill('0.9');
    await page.waitForFunction(
      (b) =>
        Array.from(document.querySelectorAll('#history-charts svg .mark-path path'))
          .map((p) => p.getAttribute('d'))
          .join() !== b,
      before,
    );
    assert.ok(
      (await page.locator('#history-charts svg:not([data-probe])').count()) === 0,
      'smoothing swaps the points into the drawn charts',
    );
    clean(w, 'compare');
    await page.close();
  });

  test('charts: the pointer over a curve reads out each run at the nearest step, best first', async () => {
    const { page, w } = await open(PAGES.find((p) => p.name === 'compare')!.rel);
    await chartsSettled(page, '#history-charts .chart');
    const figure = page.locator('#history-charts figure', { has: page.locator('.mark-path') }).first();
    await figure.scrollIntoViewIfNeeded();
    const svg = (await figure.locator('svg').boundingBox())!;
    await page.mouse.move(svg.x + svg.width * 0.6, svg.y + svg.height * 0.4);
    const tip = figure.locator('.chart-tip');
    await tip.waitFor({ state: 'visible' });
    assert.match((await tip.locator('.chart-tip-x').textContent())!, /^step \d/);
    const rows = await tip.locator('.chart-tip-row').allTextContents();
    const legend = await page.locator('#history-charts .legend li').count();
    assert.ok(rows.length >= 2 && rows.length <= legend, rows.join(' | '));
    const values = await tip
      .locator('.chart-tip-row')
      .evaluateAll((n) => n.map((r) => Number(r.lastChild?.textContent ?? 'NaN')));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'best (highest) first',
    );
    assert.equal(await figure.locator('.chart-rule').isVisible(), true);
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'hidden' });
    clean(w, 'hover');
    await page.close();
  });

  test('charts: the scatter reads out the run under the pointer; parallel coordinates name a run and its values', async () => {
    const { page, w } = await open(`experiments/${SWEEP}.html`);
    await chartsSettled(page, '#more-charts .chart');
    const figure = page.locator('figure.scatter');
    await figure.scrollIntoViewIfNeeded();
    // The last dots path is a top run's colour, drawn over the grey ones; aim at its first dot.
    const dots = page.locator('#chart-scatter svg .mark-path path').last();
    const box = (await dots.boundingBox())!;
    const first = await dots.evaluate((p) => {
      const m = /^M([\d.]+),([\d.]+)/.exec(p.getAttribute('d') ?? '')!;
      const ctm = (p as SVGGraphicsElement).getScreenCTM()!;
      return { x: Number(m[1]) * ctm.a + ctm.e, y: Number(m[2]) * ctm.d + ctm.f };
    });
    assert.ok(box.width > 0);
    await page.mouse.move(first.x + 2, first.y + 1);
    const tip = figure.locator('.chart-tip');
    await tip.waitFor({ state: 'visible' });
    const rows = await tip.locator('.chart-tip-row').allTextContents();
    assert.ok(
      sweep.some((r) => r.name === rows[0]),
      rows.join(' | '),
    );
    assert.match(rows[1]!, /^params\.lr\s*0\.0\d+$/);
    assert.match(rows[2]!, /^metrics\.accuracy\s*0\.\d+$/);
    const ticks = await page.$$eval('#chart-parallel svg .mark-text text', (n) => n.map((t) => t.textContent));
    assert.ok(ticks.includes('params.lr') && ticks.includes('0.001'), ticks.join(' '));
    assert.match((await page.getAttribute('#chart-parallel', 'aria-label'))!, /^Parallel coordinates of 60 runs/);
    // the bars rank the failed and killed runs last (here: below the 25 shown) and call only a finished run the best
    const bars = (await page.getAttribute('#chart-bars', 'aria-label'))!;
    const best = /Best: (.+) \(/.exec(bars)?.[1];
    assert.equal(sweep.find((r) => r.name === best)?.status, 'FINISHED', bars);
    const labels = await page.$$eval('#chart-bars svg .role-axis-label text', (n) => n.map((t) => t.textContent ?? ''));
    const shown = labels.flatMap((l) => sweep.filter((r) => r.name === l).map((r) => r.status));
    assert.equal(shown.length, 25, labels.join(' | '));
    assert.deepEqual(new Set(shown), new Set(['FINISHED']), labels.join(' | '));
    clean(w, 'scatter hover');
    await page.close();
  });

  test('phone: parallel coordinates keep room per axis and scroll sideways in their own box', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    for (const rel of [`experiments/${SWEEP}.html`, `compare.html#runs=${sweep.map((r) => r.id).join(',')}`]) {
      const { page, w } = await open(rel, phone);
      await chartsSettled(page, '#chart-parallel');
      const box = await page.$eval('#chart-parallel', (c) => ({
        client: c.clientWidth,
        scroll: c.scrollWidth,
        svg: c.querySelector('svg')!.getBoundingClientRect().width,
        axes: c.querySelectorAll('.mark-rule line').length,
        focusable: (c as HTMLElement).tabIndex === 0,
      }));
      assert.ok(box.axes >= 3, `${rel}: ${box.axes} axes`);
      // 110 px an axis (AXIS_ROOM in parallel-vega.ts): titles and tick values stay readable.
      assert.ok(box.svg >= box.axes * 100, `${rel}: ${box.svg}px for ${box.axes} axes`);
      assert.ok(box.scroll > box.client + 50, `${rel}: box ${box.client}px, chart ${box.scroll}px`);
      assert.ok(box.focusable, `${rel}: the scrolling box takes the keyboard focus`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `${rel}: page is ${wide}px wider than the viewport`);
      clean(w, `phone parallel ${rel}`);
      await page.close();
    }
    await phone.close();
  });

  test('no page preloads a file it does not use (Chromium warns a few seconds after load)', async () => {
    const pages = [...PAGES.map((p) => p.rel), 'compare.html'];
    const opened = await Promise.all(pages.map((rel) => open(rel)));
    await new Promise((r) => setTimeout(r, 4500));
    for (const [i, { page, w }] of opened.entries()) {
      assert.deepEqual(
        w.warnings.filter((m) => /preload/i.test(m)),
        [],
        pages[i],
      );
      await page.close();
    }
  });

  test('registry with evidence: names, metrics, compare link; run pages say how they are registered; index stages', async () => {
    const { page, w } = await open('index.html');
    assert.deepEqual(await page.$$eval('#h-models ~ div .badge', (n) => n.map((b) => b.textContent)), [
      'Production v2',
      'Staging v4',
      'Archived v1',
    ]);
    await page.click('text=mnist-classifier');
    assert.match(
      (await page.textContent('#versions tbody tr:nth-child(3)'))!,
      /adam-lr0\.003-bs32-do0\.1.*accuracy 0\.97/s,
    );
    assert.equal(await page.locator('#versions code').count(), 0, 'no bare run ids');
    await page.locator('#versions tbody tr:nth-child(3) a').first().click();
    assert.match((await page.textContent('.registered'))!, /mnist-classifier v2 \(Production, @champion\)/);
    clean(w, 'registry');
    await page.close();
  });

  test('notebooks render as notebooks and nothing in them runs', async () => {
    const run = PAGES.find((p) => p.name === 'run')!;
    const { page, w } = await open(run.rel);
    assert.equal(await page.locator('.notebook .nb-markdown h3').textContent(), 'MNIST sweep');
    assert.equal(await page.locator('.notebook .nb-code').count(), 3);
    assert.match((await page.getAttribute('.notebook img', 'src'))!, /^data:image\/png;base64,/);
    assert.equal(await page.locator('.notebook table').count(), 0, 'HTML output is not markup');
    assert.match((await page.textContent('.notebook .nb-html pre'))!, /<table>/);
    assert.match((await page.textContent('.notebook .nb-error'))!, /Error: boom/);
    clean(w, 'notebook');
    await page.close();
  });

  test('projector: at 1280x720 and 125% zoom the summary, best run and main chart show without scrolling; print has charts', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 576 }, deviceScaleFactor: 1.25 });
    const { page, w } = await open(`experiments/${SWEEP}.html`, context);
    await chartsSettled(page, '#history-charts .chart');
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const sel of ['#summary', '#best-link']) assert.ok((await page.locator(sel).boundingBox())!.y + 20 < 576, sel);
    const chart = (await page.locator('#history-charts .chart').first().boundingBox())!;
    assert.ok(chart.y + chart.height * 0.6 < 576, `main chart at ${chart.y}..${chart.y + chart.height}`);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await chartsSettled(page, '.chart');
    const empty = await page.$$eval(
      '.chart',
      (n) => n.filter((c) => !c.querySelector('svg') && !c.querySelector('.single-value')).length,
    );
    assert.equal(empty, 0);
    clean(w, 'projector');
    await context.close();
  });
  test('theme menu: dark chosen on a light system is remembered, set before the first paint, charts redrawn dark', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const { page, w } = await open(`experiments/${SWEEP}.html`, context);
    await chartsSettled(page, '#history-charts .chart');
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), 'rgb(255, 255, 255)');
    const menu = page.getByLabel('Theme');
    assert.equal(await menu.inputValue(), 'system');
    await Promise.all([page.waitForEvent('load'), menu.selectOption('dark')]);
    await chartsSettled(page, '#history-charts .chart');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await background(), 'rgb(13, 17, 23)');
    assert.equal(await page.getByLabel('Theme').inputValue(), 'dark');
    // No flash: the theme script blocks in <head>, so the first paint already has the chosen theme.
    const boot = await page.$eval(
      'head script[src$="assets/theme.js"]',
      (s) => !s.hasAttribute('defer') && !s.hasAttribute('async'),
    );
    assert.ok(boot, 'theme.js runs before the body is painted');
    const other = await context.newPage();
    await other.goto(server.base + 'index.html');
    assert.equal(await other.getAttribute('html', 'data-theme'), 'dark', 'remembered on the next page');
    await other.getByLabel('Theme').selectOption('system');
    await other.reload();
    assert.equal(await other.getAttribute('html', 'data-theme'), null);
    clean(w, 'theme');
    await context.close();
  });
});
