/**
 * Report benchmarks (2 cores, Debian's Chromium):
 *   build 1,000 runs x 5 metrics x 1,000 steps    < 15 s, < 120 MB of site, < 1 GB RSS
 *   incremental rebuild after one new run          < 2 s
 *   experiment page with 1,000 runs: filter + table < 1 s, sort < 150 ms, scroll p95 frame < 50 ms, no task > 200 ms
 *   compare 10 runs x 5 metrics x 10,000 steps     drawn < 1.5 s, a smoothing change < 200 ms
 * Stores are generated once into bench/out/ (git-ignored) with the Tracker API. Run: node --import tsx bench/report.ts
 * [--runs N] [--repeat N] [--page-repeat N] [--skip-build] [--page experiment|compare] [--baseline COMMIT]
 * [--baseline-checkout DIR] [--quiet-chrome-ui]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Tracker } from '../src/index.js';
import { generate } from './report-store.js';
import type { Browser } from 'playwright-core';
import { serve, launch, chartsSettled } from '../tests/report/browser.js';

import { numberArg } from './stats.js';
import { launchQuiet } from './quiet-browser.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench', 'out');
const arg = numberArg;
const RUNS = arg('runs', 1000);
const REPEAT = arg('repeat', 3);
/** `--page experiment` or `--page compare` measures one page only (with `--skip-build`, to iterate on the client). */
const PAGE_REPEAT = arg('page-repeat', 5);
const PAGE = process.argv.includes('--page') ? process.argv[process.argv.indexOf('--page') + 1] : '';
/**
 * `--baseline <commit>` also measures each page with that commit's page script and stylesheet, alternating with the
 * current ones in the same browser: the same-run baseline of the browser figures.
 */
const BASELINE = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1] : '';
/**
 * `--baseline-checkout <dir>` builds both sites again with the code of another checkout (e.g. `git archive main` with
 * its node_modules linked) and measures them alternating with the current ones: the same-run baseline of a change to
 * the pages' HTML, which `--baseline` (page script and stylesheet only) cannot show.
 */
const BASE_CHECKOUT = process.argv.includes('--baseline-checkout')
  ? path.resolve(process.argv[process.argv.indexOf('--baseline-checkout') + 1]!)
  : '';
/**
 * `--quiet-chrome-ui` measures in a Chromium that does not build its address bar's popup in each new window (see
 * quiet-browser.ts): the pages' own time, without the browser's work for the window the harness opens per measurement.
 */
const QUIET = process.argv.includes('--quiet-chrome-ui');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface BuildResult {
  ms: number;
  maxRssMb: number;
  pages: number;
  bytes: number;
}

function buildOnce(store: string, out: string, incremental = false, root = ROOT): BuildResult {
  const text = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'bench/report-build-worker.ts'),
      store,
      out,
      incremental ? 'incremental' : 'full',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(text.trim().split('\n').pop() as string) as BuildResult;
}

async function main(): Promise<void> {
  const big = path.join(OUT, `report-store-${RUNS}`);
  const skipBuild = process.argv.includes('--skip-build');
  // `--skip-build --page compare` needs neither the 1,000-run store nor its site.
  const needBig = !(skipBuild && PAGE === 'compare');
  if (needBig && !existsSync(big)) {
    const t = performance.now();
    await generate(big, RUNS, 5, 1000, 'bench');
    console.error(
      `generated ${RUNS} runs x 5 metrics x 1000 steps in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const site = path.join(OUT, 'report-site');
  const full: ReturnType<typeof buildOnce>[] = [];
  for (let i = 0; i < (skipBuild ? 0 : REPEAT); i++) {
    rmSync(site, { recursive: true, force: true });
    full.push(buildOnce(big, site));
    console.error(`full build ${i + 1}: ${JSON.stringify(full[full.length - 1])}`);
  }
  // Baseline, same run: only reading what a report needs (every run and every metric history), nothing rendered or
  // written.
  const readOnly: number[] = [];
  for (let i = 0; i < (full.length ? REPEAT : 0); i++) {
    const t = performance.now();
    const tracker = await Tracker.open({ store: big });
    const { runs } = await tracker.searchRuns({ maxResults: 50_000 });
    for (const run of runs) await tracker.getMetricHistories(run.id);
    await tracker.close();
    readOnly.push(performance.now() - t);
  }
  const incr: number[] = [];
  for (let i = 0; i < (full.length ? REPEAT : 0); i++) {
    await generate(big, 1, 5, 1000, 'bench');
    incr.push(buildOnce(big, site, true).ms);
    console.error(`incremental build ${i + 1}: ${incr[incr.length - 1]} ms`);
  }

  if (!full.length && needBig) {
    // The site is reused: give it the current page script and stylesheet, so client changes are what is measured.
    for (const f of ['report.js', 'report.css'])
      copyFileSync(path.join(ROOT, 'templates/assets', f), path.join(site, 'assets', f));
  }
  const cmpStore = path.join(OUT, 'report-compare-store-5');
  const cmpSite = path.join(OUT, 'report-compare-site');
  let cmpIds: string[];
  if (!existsSync(cmpStore)) await generate(cmpStore, 10, 5, 10_000, 'compare');
  {
    const tracker = await Tracker.open({ store: cmpStore });
    cmpIds = (await tracker.searchRuns({ experiments: ['compare'] })).runs.map((r) => r.id);
    await tracker.close();
  }
  rmSync(cmpSite, { recursive: true, force: true });
  buildOnce(cmpStore, cmpSite);

  const browser = QUIET ? await launchQuiet() : await launch();
  const srv = await serve(site, '/bench/');
  const srvCmp = await serve(cmpSite, '/cmp/');
  const base = BASELINE
    ? await baselineSites(site, cmpSite)
    : BASE_CHECKOUT
      ? await checkoutSites(big, cmpStore)
      : null;
  const { readdirSync, statSync } = await import('node:fs');
  // The bench experiment is the biggest page (the store also holds an empty Default experiment).
  const expPage = needBig
    ? readdirSync(path.join(site, 'experiments'))
        .map((f) => ({ f, size: statSync(path.join(site, 'experiments', f)).size }))
        .sort((a, b) => b.size - a.size)[0]!.f
    : '';
  const expBytes = needBig ? statSync(path.join(site, 'experiments', expPage)).size : 0;
  const cmpHash = `compare.html#runs=${cmpIds.join(',')}`;
  const page1k = emptyExperiment();
  const cmp = emptyCompare();
  const page1kBase = emptyExperiment();
  const cmpBase = emptyCompare();
  // Current and baseline alternate, so a change in the machine's load falls on both.
  for (let i = 0; i < PAGE_REPEAT; i++) {
    if (PAGE !== 'compare') {
      merge(page1k, await experimentPage(browser, `${srv.base}experiments/${expPage}`));
      if (base) merge(page1kBase, await experimentPage(browser, `${base.exp}experiments/${expPage}`));
    }
    if (PAGE !== 'experiment') {
      merge(cmp, await comparePage(browser, `${srvCmp.base}${cmpHash}`));
      if (base) merge(cmpBase, await comparePage(browser, `${base.cmp}${cmpHash}`));
    }
  }
  await browser.close();
  await srv.close();
  await srvCmp.close();
  await base?.close();

  const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `| report benchmark (median${QUIET ? ', Chromium without its address bar popup' : ''}) | result | target |`,
  );
  console.log(`|---|---|---|`);
  if (full.length) {
    console.log(
      `| build ${RUNS} runs x 5 metrics x 1,000 steps (${full[0]!.pages} pages) | ${f(median(full.map((x) => x.ms)))} | < 15 s |`,
    );
    console.log(`| site size | ${(full[0]!.bytes / 2 ** 20).toFixed(1)} MB | < 120 MB |`);
    console.log(`| baseline, same run: read every run and history, render nothing | ${f(median(readOnly))} | - |`);
    console.log(`| peak RSS of that build | ${median(full.map((x) => x.maxRssMb))} MB | < 1 GB |`);
    console.log(`| incremental rebuild after one new run | ${f(median(incr))} | < 2 s |`);
  }
  if (PAGE !== 'compare') printExperiment(page1k, expBytes);
  if (PAGE !== 'experiment') printCompare(cmp);
  if (base) {
    const what = BASELINE ? `page script and stylesheet of ${BASELINE}` : `sites built by ${BASE_CHECKOUT}`;
    console.log(`| **baseline, same run: ${what}** | | |`);
    if (PAGE !== 'compare') printExperiment(page1kBase, expBytes);
    if (PAGE !== 'experiment') printCompare(cmpBase);
  }
}

const emptyExperiment = () => ({
  ready: [] as number[],
  baseline: [] as number[],
  sort: [] as number[],
  scrollP95: [] as number[],
  longest: [] as number[],
  bareLongest: [] as number[],
});
const emptyCompare = () => ({ draw: [] as number[], pageDraw: [] as number[], smooth: [] as number[] });

function merge<T extends Record<string, number[]>>(into: T, from: T): void {
  for (const k of Object.keys(into)) into[k]!.push(...from[k]!);
}

/** The two baseline sites served under the same prefixes as the current ones. */
async function serveBaseline(copies: string[]) {
  const exp = await serve(copies[0]!, '/bench/');
  const cmp = await serve(copies[1]!, '/cmp/');
  return {
    exp: exp.base,
    cmp: cmp.base,
    close: async () => {
      await exp.close();
      await cmp.close();
    },
  };
}

/** Copies of both sites with the baseline commit's page script and stylesheet, served like the current ones. */
async function baselineSites(site: string, cmpSite: string) {
  const { cpSync, writeFileSync } = await import('node:fs');
  const copies = [path.join(OUT, 'report-site-baseline'), path.join(OUT, 'report-compare-site-baseline')];
  for (const [from, to] of [
    [site, copies[0]!],
    [cmpSite, copies[1]!],
  ] as const) {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    for (const f of ['report.js', 'report.css'])
      writeFileSync(
        path.join(to, 'assets', f),
        execFileSync('git', ['show', `${BASELINE}:templates/assets/${f}`], { cwd: ROOT, maxBuffer: 1 << 26 }),
      );
  }
  return serveBaseline(copies);
}

/** Both sites built by the baseline checkout's own code (the experiment site only when that page is measured). */
async function checkoutSites(big: string, cmpStore: string) {
  const copies = [path.join(OUT, 'report-site-baseline'), path.join(OUT, 'report-compare-site-baseline')];
  for (const [store, to] of [
    [big, copies[0]!],
    [cmpStore, copies[1]!],
  ] as const) {
    if (store === big && PAGE === 'compare') continue;
    rmSync(to, { recursive: true, force: true });
    buildOnce(store, to, false, BASE_CHECKOUT);
  }
  return serveBaseline(copies);
}

function printExperiment(page1k: Awaited<ReturnType<typeof experimentPage>>, expBytes: number): void {
  const m = (ms: number): string => `${Math.round(ms)} ms`;
  console.log(
    `| experiment page, ${RUNS} runs (${(expBytes / 1024).toFixed(0)} KB HTML): filter applied and table drawn | ${m(median(page1k.ready))} | < 1 s |`,
  );
  console.log(
    `| baseline, same run: the same page without JavaScript, load event | ${m(median(page1k.baseline))} | - |`,
  );
  console.log(`| sort by a metric (click to table drawn) | ${m(median(page1k.sort))} | < 150 ms |`);
  console.log(`| scrolling the table: p95 frame | ${m(median(page1k.scrollP95))} | < 50 ms |`);
  console.log(`| longest task while the page loads and draws its charts | ${m(median(page1k.longest))} | < 200 ms |`);
  console.log(
    `| baseline, same run: longest task of the same page with its script blocked | ${m(median(page1k.bareLongest))} | - |`,
  );
}

function printCompare(cmp: Awaited<ReturnType<typeof comparePage>>): void {
  const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const m = (ms: number): string => `${Math.round(ms)} ms`;
  console.log(
    `| compare 10 runs x 5 metrics x 10,000 steps: every chart drawn (bench clock: goto called to data-drawn seen) | ${f(median(cmp.draw))} | < 1.5 s |`,
  );
  console.log(
    `| the same, page clock: navigation start to data-drawn set (what a reader waits) | ${f(median(cmp.pageDraw))} | < 1.5 s |`,
  );
  const all = (xs: number[]): string => xs.map((x) => Math.round(x)).join(' ');
  console.error(`compare drawn, every sample (ms): bench clock ${all(cmp.draw)}; page clock ${all(cmp.pageDraw)}`);
  console.log(`| a smoothing change redrawn | ${m(median(cmp.smooth))} | < 200 ms |`);
}

const LONG_TASKS = `window.__longest = 0; window.__tasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__longest = Math.max(window.__longest, e.duration); window.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]); } }).observe({ type: 'longtask', buffered: true });`;

async function experimentPage(browser: Browser, url: string) {
  const out = emptyExperiment();
  {
    const plain = await browser.newPage({ javaScriptEnabled: false });
    let t = performance.now();
    await plain.goto(url, { waitUntil: 'load' });
    out.baseline.push(performance.now() - t);
    await plain.close();
    // The same page with its script blocked: the long tasks that are the browser's own (parsing and laying out the
    // HTML), which no page script can split.
    const bare = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await bare.addInitScript(LONG_TASKS);
    await bare.route('**/assets/report.js', (r) => r.abort());
    await bare.goto(url, { waitUntil: 'load' });
    await bare.waitForTimeout(1000);
    out.bareLongest.push(await bare.evaluate(() => (window as unknown as { __longest: number }).__longest));
    await bare.close();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(LONG_TASKS);
    t = performance.now();
    await page.goto(`${url}#f=${encodeURIComponent('params.model = "rf" and metrics.m0 < 1')}`, {
      waitUntil: 'commit',
    });
    await page.waitForFunction(() => /of \d+ runs/.test(document.getElementById('filter-status')?.textContent ?? ''));
    out.ready.push(performance.now() - t);
    await chartsSettled(page, '#history-charts .chart, #more-charts .chart', 60_000);
    await page.waitForTimeout(500);
    out.longest.push(await page.evaluate(() => (window as unknown as { __longest: number }).__longest));
    // With TRACKLAB_BENCH_TASKS=1, every long task (start, duration in ms) goes to stderr, to see which one is longest.
    if (process.env.TRACKLAB_BENCH_TASKS)
      console.error(
        url,
        JSON.stringify(await page.evaluate(() => (window as unknown as { __tasks: number[][] }).__tasks)),
      );
    // Sorting once the page is idle: what a reviewer's click costs, not the charts still drawing.
    out.sort.push(
      await page.evaluate(async () => {
        const button = document.querySelector<HTMLElement>('#runs th[data-col="2"] button')!;
        const start = performance.now();
        button.click();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - start;
      }),
    );

    out.scrollP95.push(
      await page.evaluate(async () => {
        const box = document.getElementById('runs-scroll')!;
        box.scrollIntoView();
        const frames: number[] = [];
        let last = performance.now();
        for (let k = 0; k < 60; k++) {
          box.scrollTop += 120;
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          frames.push(now - last);
          last = now;
        }
        frames.sort((a, b) => a - b);
        return frames[Math.floor(frames.length * 0.95)] as number;
      }),
    );
    await page.close();
  }
  return out;
}

/**
 * Records the page's own clock (from its navigation start, the time origin) when the charts' `data-drawn` is first
 * set: the reader's wait, without the harness's part (the goto's round trips, a new renderer process, the polling
 * that sees the attribute).
 */
const DRAWN_AT = `new MutationObserver((_, o) => { if (document.getElementById('history-charts')?.hasAttribute('data-drawn')) { window.__drawnAt = performance.now(); o.disconnect(); } }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });`;

async function comparePage(browser: Browser, url: string) {
  const out = emptyCompare();
  {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(DRAWN_AT);
    const t = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector('#history-charts[data-drawn]', { timeout: 60_000 });
    out.draw.push(performance.now() - t);
    out.pageDraw.push(await page.evaluate(() => (window as unknown as { __drawnAt: number }).__drawnAt));
    const before = Number(await page.getAttribute('#history-charts', 'data-drawn'));
    const s = performance.now();
    await page.evaluate(() => {
      const slider = document.getElementById('history-smoothing') as HTMLInputElement;
      slider.value = '0.8';
      slider.dispatchEvent(new Event('input'));
    });
    await page.waitForFunction(
      (b) => Number(document.getElementById('history-charts')?.getAttribute('data-drawn')) > b,
      before,
    );
    out.smooth.push(performance.now() - s);
    await page.close();
  }
  return out;
}

await main();
