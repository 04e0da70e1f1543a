/**
 * Cold search over many runs of the JSON store (fresh process, import included): with no cache file, with the cache,
 * and right after one new run (the cache grows by one line; its base is not rewritten). The store of SEARCH_RUNS runs
 * (default 10,000) is built once and kept in bench/out; each measurement works on a copy. With BASELINE_CHECKOUT (a
 * built checkout, e.g. main), the same searches through its package on another copy, interleaved with this one's.
 * Run: npm run build && BASELINE_CHECKOUT=<built checkout> node --import tsx bench/history-search.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tracker } from '../src/index.js';
import { childCpuMs, fmt, median, scratch } from './stats.js';

const WORKER = join(import.meta.dirname, 'workers', 'search-json.mjs');
const FLOOR = join(import.meta.dirname, 'workers', 'search-floor.mjs');

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
  return dir;
}

interface Timed {
  count: number;
  inProcessMs: number;
  /** CPU time of the process when it had its answer: less sensitive to other load than the clock */
  answerCpuMs: number;
  wallMs: number;
  cpuMs: number;
}

/** `page`: the default first page (1,000 runs) instead of every match. */
function search(store: string, dist?: string, page?: 'page'): Timed {
  return timed([WORKER, store, dist ?? '', ...(page ? [page] : [])]);
}

/**
 * What no search can skip (search-floor.mjs): `stat` each run log, or `read` and parse each (`read-nostat`: with no
 * fstat, through one buffer, as the search reads them).
 */
function floor(store: string, mode: 'stat' | 'read' | 'read-nostat'): Timed {
  return timed([FLOOR, store, mode]);
}

function timed(args: string[]): Timed {
  const cpu = childCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`search failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<Timed, 'wallMs' | 'cpuMs'>;
  return { ...out, wallMs, cpuMs: childCpuMs() - cpu };
}

/** The cache's base in `dir`: `runs-v<N>.json`, or `runs.json` as versions before the versioned names wrote it. */
function baseFile(dir: string): string {
  const name = readdirSync(dir).find((f) => /^runs(-v\d+)?\.json$/.test(f));
  if (name === undefined) throw new Error(`no run cache base in ${dir}`);
  return join(dir, name);
}

const med = (xs: Timed[], k: keyof Timed): string => fmt(median(xs.map((x) => x[k])), 0);
const row = (what: string, xs: Timed[], target: string): string =>
  `| ${what} | **${med(xs, 'inProcessMs')}** | ${med(xs, 'answerCpuMs')} | ${med(xs, 'wallMs')} | ${med(xs, 'cpuMs')} | ${target} |`;
/** Median over the pairs of this / baseline, in-process and CPU. */
const ratio = (ours: Timed[], theirs: Timed[]): string => {
  const r = (k: keyof Timed): string => fmt(median(ours.map((x, i) => x[k] / theirs[i]![k])), 2);
  return `${r('inProcessMs')}x in-process, ${r('answerCpuMs')}x CPU to the answer, ${r('cpuMs')}x CPU`;
};

const REPS = Number(process.env['SEARCH_REPS'] ?? 5);

/**
 * Prints the cold-search table. With BASELINE_CHECKOUT, each of this checkout's searches is followed by the same
 * search through the baseline's build on its own copy of the store (A B A B ...), so both see the same load.
 */
export async function searchCold(): Promise<void> {
  const runs = Number(process.env['SEARCH_RUNS'] ?? 10_000);
  const kept = await keptStore(runs);
  const { dir, done } = scratch('tl-bench-search-');
  const store = join(dir, 'store');
  cpSync(kept, store, { recursive: true });
  const cache = join(store, '.cache');
  const other = process.env['BASELINE_CHECKOUT'];
  const dist = other ? pathToFileURL(join(other, 'dist', 'index.js')).href : undefined;
  const copy = join(dir, 'baseline');
  if (other) cpSync(kept, copy, { recursive: true });
  const ours = { none: [] as Timed[], warm: [] as Timed[], page: [] as Timed[] };
  const floors = { stat: [] as Timed[], read: [] as Timed[], readNoStat: [] as Timed[] };
  const theirs = { none: [] as Timed[], warm: [] as Timed[], page: [] as Timed[] };
  for (let i = 0; i < REPS; i++) {
    rmSync(cache, { recursive: true, force: true });
    ours.none.push(search(store));
    floors.read.push(floor(store, 'read'));
    floors.readNoStat.push(floor(store, 'read-nostat'));
    if (!other) continue;
    rmSync(join(copy, '.cache'), { recursive: true, force: true });
    theirs.none.push(search(copy, dist));
  }
  for (let i = 0; i < REPS; i++) {
    ours.warm.push(search(store));
    floors.stat.push(floor(store, 'stat'));
    if (other) theirs.warm.push(search(copy, dist));
    ours.page.push(search(store, undefined, 'page'));
    if (other) theirs.page.push(search(copy, dist, 'page'));
  }
  const base = statSync(baseFile(cache)).ino;
  const oneNew: Timed[] = [];
  for (let i = 0; i < REPS; i++) {
    await makeRuns(store, runs + i, 1);
    oneNew.push(search(store));
  }
  const rewritten = statSync(baseFile(cache)).ino !== base;
  const empty: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    empty.push(performance.now() - t);
  }
  for (const r of [...ours.none, ...ours.warm]) if (r.count < runs / 3) throw new Error(`only ${r.count} runs matched`);
  for (const r of ours.page)
    if (r.count !== Math.min(1000, ours.warm[0]!.count)) throw new Error(`a page of ${r.count}`);
  done();
  console.log(`\n### Cold search over ${runs.toLocaleString('en-US')} runs (medians of ${REPS} fresh processes)\n`);
  console.log('`metrics.acc > 0.5`, ordered by `metrics.acc DESC`, every match returned (`maxResults` 50,000) unless');
  console.log('the row says "default page" (`maxResults` unset: the first 1,000, as in MLflow).\n');
  console.log(
    '| case | import + open + search (ms) | CPU to the answer (ms) | whole process (ms) | CPU (ms) | target |\n' +
      '|---|---:|---:|---:|---:|---|',
  );
  console.log(row('no cache file (the search writes it)', ours.none, '< 400 ms'));
  console.log(row('with the cache file', ours.warm, '< 250 ms'));
  console.log(row('with the cache file, default page', ours.page, '-'));
  console.log(row('one new run since the cache (appended to it)', oneNew, '-'));
  console.log(row('floor without the cache: import, list, read + JSON.parse every log', floors.read, '-'));
  console.log(
    row('floor without the cache, no stat: the same, each log read into one reused buffer', floors.readNoStat, '-'),
  );
  console.log(row('floor with the cache: import, list, one statSync per log', floors.stat, '-'));
  if (other) {
    console.log(row(`baseline ${other}: no cache file`, theirs.none, '-'));
    console.log(row(`baseline ${other}: with its cache file`, theirs.warm, '-'));
    console.log(row(`baseline ${other}: with its cache file, default page`, theirs.page, '-'));
    console.log(
      `\nThis / baseline, median of the ${REPS} pairs: no cache file ${ratio(ours.none, theirs.none)}; with the`,
    );
    console.log(`cache file ${ratio(ours.warm, theirs.warm)}; default page ${ratio(ours.page, theirs.page)}.`);
  }
  const baseNote = `the cache's base rewritten by the new runs: ${rewritten ? 'yes (unexpected)' : 'no'}`;
  console.log(`\nEmpty \`node -e 0\` process: ${fmt(median(empty), 0)} ms; ${baseNote}.`);
}

if (import.meta.filename === process.argv[1]) await searchCold();
