/**
 * Report benchmarks (targets for a 2-core machine):
 *   build 1,000 runs x 5 metrics x 1,000 steps    < 15 s, < 1 GB RSS
 *   incremental rebuild after one new run          < 2 s
 *   experiment page with 1,000 runs interactive    < 1.5 s (headless Chromium)
 *   compare 10 runs x 10,000 steps drawn           < 2 s
 * Stores are generated once into bench/out/ (git-ignored) with the Tracker API. Run: node --import tsx bench/report.ts [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Tracker } from '../src/index.js';
import { serve, launch, chartsSettled } from '../tests/report/browser.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench', 'out');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 1000);
const REPEAT = arg('repeat', 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function generate(store: string, runs: number, metrics: number, steps: number, experiment: string): Promise<string[]> {
  const tracker = await Tracker.open({ store });
  const ids: string[] = [];
  const t0 = Date.UTC(2024, 0, 1);
  for (let r = 0; r < runs; r++) {
    const run = await tracker.startRun({ experiment, name: `run-${r}`, tags: { team: r % 2 ? 'a' : 'b' } });
    await run.logParams({ model: ['rf', 'knn', 'logreg'][r % 3], lr: 10 ** -(r % 4), depth: r % 7, seed: 42 });
    for (let m = 0; m < metrics; m++) {
      for (let s = 0; s < steps; s++) run.logMetric(`m${m}`, Math.exp(-s / (steps / 3)) + 0.01 * ((r * 7 + s * 13 + m) % 10), { step: s, timestamp: t0 + s * 1000 });
    }
    await run.end('FINISHED');
    ids.push(run.id);
  }
  await tracker.close();
  return ids;
}

function buildOnce(store: string, out: string, incremental = false): { ms: number; maxRssMb: number; pages: number; bytes: number } {
  const text = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/report-build-worker.ts'), store, out, incremental ? 'incremental' : 'full'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(text.trim().split('\n').pop() as string);
}

async function main(): Promise<void> {
  const big = path.join(OUT, `report-store-${RUNS}`);
  if (!existsSync(big)) {
    const t = performance.now();
    await generate(big, RUNS, 5, 1000, 'bench');
    console.error(`generated ${RUNS} runs x 5 metrics x 1000 steps in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const site = path.join(OUT, 'report-site');
  const full: ReturnType<typeof buildOnce>[] = [];
  for (let i = 0; i < (process.argv.includes('--skip-build') ? 0 : REPEAT); i++) {
    rmSync(site, { recursive: true, force: true });
    full.push(buildOnce(big, site));
    console.error(`full build ${i + 1}: ${JSON.stringify(full[full.length - 1])}`);
  }
  // Baseline, same run: only reading what a report needs (every run and every metric history), nothing rendered or written.
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

  const cmpStore = path.join(OUT, 'report-compare-store');
  const cmpSite = path.join(OUT, 'report-compare-site');
  let cmpIds: string[];
  if (!existsSync(cmpStore)) await generate(cmpStore, 10, 10, 10_000, 'compare');
  {
    const tracker = await Tracker.open({ store: cmpStore });
    cmpIds = (await tracker.searchRuns({ experiments: ['compare'] })).runs.map((r) => r.id);
    await tracker.close();
  }
  rmSync(cmpSite, { recursive: true, force: true });
  buildOnce(cmpStore, cmpSite);

  const browser = await launch();
  const srv = await serve(site, '/bench/');
  const srvCmp = await serve(cmpSite, '/cmp/');
  const interactive: number[] = [];
  // The bench experiment is the biggest page (the store also holds an empty Default experiment).
  const { readdirSync, statSync } = await import('node:fs');
  const expPage = readdirSync(path.join(site, 'experiments'))
    .map((f) => ({ f, size: statSync(path.join(site, 'experiments', f)).size }))
    .sort((a, b) => b.size - a.size)[0]!.f;
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    const t = performance.now();
    await page.goto(`${srv.base}experiments/${expPage}`, { waitUntil: 'commit' });
    await page.waitForSelector('#toolbar:not([hidden])');
    await page.fill('#filter', 'params.model = "rf" and metrics.m0 < 1');
    await page.press('#filter', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr[hidden]').length > 0);
    interactive.push(performance.now() - t);
    await page.close();
  }
  const draw: number[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const t = performance.now();
    await page.goto(`${srvCmp.base}compare.html#runs=${cmpIds.join(',')}`, { waitUntil: 'commit' });
    await chartsSettled(page, '#history-charts .chart', 60_000);
    draw.push(performance.now() - t);
    await page.close();
  }
  await browser.close();
  await srv.close();
  await srvCmp.close();

  const f = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(`| report benchmark (median) | result | target |`);
  console.log(`|---|---|---|`);
  if (full.length) console.log(`| build ${RUNS} runs x 5 metrics x 1,000 steps (${full[0]!.pages} pages, ${(full[0]!.bytes / 2 ** 20).toFixed(0)} MB) | ${f(median(full.map((x) => x.ms)))} | < 15 s |`);
  if (full.length) console.log(`| baseline, same run: read every run and history, render nothing | ${f(median(readOnly))} | - |`);
  if (full.length) console.log(`| peak RSS of that build | ${median(full.map((x) => x.maxRssMb))} MB | < 1 GB |`);
  if (full.length) console.log(`| incremental rebuild after one new run | ${f(median(incr))} | < 2 s |`);
  console.log(`| experiment page, ${RUNS} runs: table rendered + filter applied (Chromium) | ${f(median(interactive))} | < 1.5 s |`);
  console.log(`| compare 10 runs x 10 metrics x 10,000 steps: all charts drawn | ${f(median(draw))} | < 2 s |`);
}

await main();
