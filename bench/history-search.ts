/**
 * Cold search over many runs of the JSON store (fresh process, import included): with no cache file, with the cache,
 * and right after one new run (the cache grows by one line; its base is not rewritten). The store of SEARCH_RUNS runs
 * (default 10,000) is built once and kept in bench/out; each measurement works on a copy. With BASELINE_CHECKOUT (a
 * built checkout, e.g. main), the same searches through its package on another copy, in the same run.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tracker } from '../src/index.js';
import { CHANGE_LOG, ChangeMark } from '../src/store/json/change-log.js';
import { fmt, median, scratch } from './stats.js';

const WORKER = join(import.meta.dirname, 'workers', 'search-json.mjs');

async function makeRuns(store: string, from: number, n: number): Promise<void> {
  const tracker = await Tracker.open({ store });
  for (let r = from; r < from + n; r++) {
    const run = await tracker.startRun({ experiment: 'search', name: `r${r}` });
    run.queueParams({ model: r % 2 ? 'rf' : 'knn', lr: r % 7 });
    run.logMetrics({ acc: ((r * 7919) % 1000) / 1000, loss: 1 / (r + 1) });
    await run.end();
  }
  await tracker.close();
}

/** The kept store of `runs` runs (built on first use; without a cache file). */
async function keptStore(runs: number): Promise<string> {
  const dir = join(import.meta.dirname, 'out', `search-${runs}`);
  if (!existsSync(join(dir, 'complete'))) {
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`bench: building ${runs} runs in ${dir} (once)...\n`);
    await makeRuns(dir, 0, runs);
    cpSync(join(dir, 'tracklab-store.json'), join(dir, 'complete'));
  }
  rmSync(join(dir, '.cache'), { recursive: true, force: true });
  // a store built before the change log existed gets one, as a store written by this version has from its first run
  if (!existsSync(join(dir, CHANGE_LOG))) new ChangeMark(dir, 'bench').close();
  return dir;
}

interface Timed {
  count: number;
  inProcessMs: number;
  wallMs: number;
}

function search(store: string, dist?: string): Timed {
  const t = performance.now();
  const r = spawnSync(process.execPath, [WORKER, store, ...(dist ? [dist] : [])], { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`search failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<Timed, 'wallMs'>), wallMs };
}

const row = (what: string, xs: Timed[], target: string): string =>
  `| ${what} | **${fmt(median(xs.map((x) => x.inProcessMs)), 0)}** | ${fmt(median(xs.map((x) => x.wallMs)), 0)} | ` +
  `${target} |`;

/** Prints the cold-search table. */
export async function searchCold(): Promise<void> {
  const runs = Number(process.env['SEARCH_RUNS'] ?? 10_000);
  const kept = await keptStore(runs);
  const { dir, done } = scratch('tl-bench-search-');
  const store = join(dir, 'store');
  cpSync(kept, store, { recursive: true });
  const cache = join(store, '.cache');
  const none: Timed[] = [];
  for (let i = 0; i < 5; i++) {
    rmSync(cache, { recursive: true, force: true });
    none.push(search(store));
  }
  const warm: Timed[] = [];
  for (let i = 0; i < 5; i++) warm.push(search(store));
  const base = statSync(join(cache, 'runs.json')).ino;
  const oneNew: Timed[] = [];
  for (let i = 0; i < 5; i++) {
    await makeRuns(store, runs + i, 1);
    oneNew.push(search(store));
  }
  const rewritten = statSync(join(cache, 'runs.json')).ino !== base;
  // the same searches with another checkout's build (its own cache format), on a copy: a baseline from this run
  const other = process.env['BASELINE_CHECKOUT'];
  const theirs = { none: [] as Timed[], warm: [] as Timed[] };
  if (other) {
    const dist = pathToFileURL(join(other, 'dist', 'index.js')).href;
    const copy = join(dir, 'baseline');
    cpSync(kept, copy, { recursive: true });
    for (let i = 0; i < 5; i++) {
      rmSync(join(copy, '.cache'), { recursive: true, force: true });
      theirs.none.push(search(copy, dist));
    }
    for (let i = 0; i < 5; i++) theirs.warm.push(search(copy, dist));
  }
  const empty: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    empty.push(performance.now() - t);
  }
  for (const r of [...none, ...warm]) if (r.count < runs / 3) throw new Error(`only ${r.count} runs matched`);
  done();
  console.log(`\n### Cold search over ${runs.toLocaleString('en-US')} runs (medians of 5 fresh processes)\n`);
  console.log('`metrics.acc > 0.5`, ordered by `metrics.acc DESC`, every match returned.\n');
  console.log('| case | import + open + search (ms) | whole process (ms) | target |\n|---|---:|---:|---|');
  console.log(row('no cache file (the search writes it)', none, '< 400 ms'));
  console.log(row('with the cache file', warm, '< 250 ms'));
  console.log(row('one new run since the cache (appended to it)', oneNew, '-'));
  if (other) {
    console.log(row(`baseline ${other}: no cache file`, theirs.none, '-'));
    console.log(row(`baseline ${other}: with its cache file`, theirs.warm, '-'));
  }
  const baseNote = `the cache's base rewritten by the new runs: ${rewritten ? 'yes (unexpected)' : 'no'}`;
  console.log(`\nEmpty \`node -e 0\` process: ${fmt(median(empty), 0)} ms; ${baseNote}.`);
}

if (import.meta.filename === process.argv[1]) await searchCold();
