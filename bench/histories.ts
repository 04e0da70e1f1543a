/**
 * Metric histories: reading a 100k-point history (fresh process and warm) against MLflow 2.12.2's file and sqlite
 * stores holding the same points; a 1,000-point read of a long series; cold search over many runs
 * (history-search.ts); compaction against logging the same points, and logging against a baseline checkout.
 * Usage: node --import tsx bench/histories.ts [read|long|search|compaction]
 * Sizes: HISTORY_POINTS (default 100,000), LONG_POINTS (default 10,000,000; the store is generated once into /tmp),
 * SEARCH_RUNS (default 10,000), COMPACT_POINTS (default 1,000,000), READ_REPS (fresh processes per reader, default
 * 3). BASELINE_CHECKOUT: another checkout of tracklab (e.g. main) whose logging is measured beside this one's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { openBackend } from '../src/store/resolve-store.js';
import { searchCold } from './history-search.js';
import { longSeries } from './long-series.js';
import { fmt, median, mlflowPython, scratch } from './stats.js';

const python = mlflowPython();
const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/** Logs `n` points of 'loss' into a new run of the store at `location`; returns the run id. */
async function logRun(location: string, n: number): Promise<string> {
  const tracker = await Tracker.open({ store: location });
  const run = await tracker.startRun({ experiment: 'bench' });
  for (let i = 0; i < n; i++) run.logMetric('loss', Math.sin(i / 1000) + (i % 977 === 0 ? 5 : 0), { step: i });
  await run.end();
  await tracker.close();
  return run.id;
}

/** The same points into an MLflow store through its backend in tracklab (keeps the run id). */
async function copyRun(from: string, runId: string, to: string): Promise<void> {
  const source = await Tracker.open({ store: from });
  const points = await source.getMetricHistory(runId, 'loss');
  await source.close();
  const backend = await openBackend(to);
  const exp = await backend.tracking.ensureExperiment('bench');
  await backend.tracking.createRun({ id: runId, experimentId: exp.id, name: 'r', startTime: 1, user: 'u', tags: {} });
  const writer = await backend.tracking.openRunWriter(runId);
  for (const p of points) writer.appendMetric('loss', p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2);
  await backend.close();
}

/** MLflow writes the sqlite copy itself (from the mlruns copy), so its store holds what MLflow would log. */
function loadSqlite(mlruns: string, runId: string, db: string): string {
  const script = join(import.meta.dirname, 'workers', 'mlflow_load_sqlite.py');
  const r = spawnSync(python!, [script, mlruns, runId, 'loss', db], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`loading MLflow's sqlite store failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

interface Timed extends Record<string, number> {
  wallMs: number;
}

function run(cmd: string, args: string[]): Timed {
  const t = performance.now();
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', GIT_PYTHON_REFRESH: 'quiet' },
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>), wallMs };
}

const READER = join(import.meta.dirname, 'workers', 'history-read.mjs');
const MLFLOW_READER = join(import.meta.dirname, 'workers', 'mlflow_history.py');

/** Readers of the same history: name, command for a process that reads first + warm, and one that reads once. */
function readers(dir: string, id: string, sqliteId: string): [string, (once: string[]) => [string, string[]]][] {
  const ours = (mode: string) => (once: string[]) =>
    [process.execPath, [READER, join(dir, 'tracklab'), id, 'loss', mode, ...once]] as [string, string[]];
  const list: [string, (once: string[]) => [string, string[]]][] = [
    ['tracklab, columns (`getMetricColumns`)', ours('columns')],
    ['tracklab, objects (`getMetricHistory`)', ours('objects')],
    ['floor: the same objects from columns in memory, no store', ours('floor')],
  ];
  if (!python) return list;
  const theirs = (kind: string, where: string, runId: string) => (once: string[]) =>
    [python, [MLFLOW_READER, kind, where, runId, 'loss', ...once]] as [string, string[]];
  list.push(['MLflow file store', theirs('file', join(dir, 'mlruns'), id)]);
  list.push(['MLflow sqlite store', theirs('sqlite', join(dir, 'mlflow.db'), sqliteId)]);
  return list;
}

async function readVsMlflow(): Promise<void> {
  const n = size('HISTORY_POINTS', 100_000);
  const { dir, done } = scratch('tl-bench-hist-');
  const id = await logRun(join(dir, 'tracklab'), n);
  await copyRun(join(dir, 'tracklab'), id, join(dir, 'mlruns'));
  const sqliteId = python ? loadSqlite(join(dir, 'mlruns'), id, join(dir, 'mlflow.db')) : '';
  const list = readers(dir, id, sqliteId);
  const results = list.map(() => ({ inside: [] as Timed[], once: [] as Timed[] }));
  const reps = size('READ_REPS', 3);
  for (let rep = 0; rep < reps; rep++) {
    list.forEach(([, command], i) => {
      results[i]!.inside.push(run(...command([])));
      results[i]!.once.push(run(...command(['once'])));
    });
  }
  list.forEach(([name], i) => {
    const bad = [...results[i]!.inside, ...results[i]!.once].find((r) => r['count'] !== n);
    if (bad) throw new Error(`${name} read ${bad['count']} points, not ${n}`);
  });
  const m = (i: number, f: (r: Timed) => number, which: 'inside' | 'once' = 'inside'): number =>
    median(results[i]![which].map(f));
  console.log(`### Read one ${n.toLocaleString('en-US')}-point history (medians of ${reps} fresh processes each)\n`);
  console.log(
    'In-process: the first read after `Tracker.open` (MLflow: after the store object is made), then the median',
  );
  console.log('of warm reads in the same process. Whole process: a process that imports, opens, reads once and exits,');
  console.log(
    'timed from spawn to exit. "x" = that reader\'s time / tracklab columns\' time, each measured the same way.\n',
  );
  console.log('| reader | first read (ms) | warm read (ms) | whole process (ms) | first: x | warm: x | process: x |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const first0 = m(0, (r) => r['firstMs']!);
  const warm0 = m(0, (r) => r['warmMs']!);
  const wall0 = m(0, (r) => r.wallMs, 'once');
  list.forEach(([name], i) => {
    const f = m(i, (r) => r['firstMs']!);
    const w = m(i, (r) => r['warmMs']!);
    const p = m(i, (r) => r.wallMs, 'once');
    console.log(
      `| ${name} | ${fmt(f)} | ${fmt(w)} | ${fmt(p, 0)} | ${fmt(f / first0)} | ${fmt(w / warm0)} | ${fmt(p / wall0)} |`,
    );
  });
  if (!python) console.log('\n(MLflow not measured: no ../shared/mlflow-server/python.sh)');
  else {
    targetRatios(list.map(([name], i) => [name, m(i, (r) => r['firstMs']!), m(i, (r) => r['warmMs']!)]));
    pairedRatios(list, results);
  }
  done();
}

/** The read targets: each tracklab read against each MLflow store, first and warm (MLflow's time / tracklab's). */
function targetRatios(rows: [string, number, number][]): void {
  const [columns, objects, floor, file, sqlite] = rows as [[string, number, number], ...[string, number, number][]];
  console.log('\n| tracklab read | vs MLflow file store, first / warm | vs MLflow sqlite, first / warm |');
  console.log('|---|---:|---:|');
  for (const [name, first, warm] of [columns, objects!, floor!]) {
    const x = (other: [string, number, number]): string => `${fmt(other[1] / first)}x / ${fmt(other[2] / warm)}x`;
    console.log(`| ${name} | ${x(file!)} | ${x(sqlite!)} |`);
  }
  console.log('\nTargets: at least 10x the file store and 50x sqlite, first read and warm.');
}

/**
 * The same ratios against the file store taken round by round (each round runs every reader once, in turn), then the
 * median: a machine whose speed drifts during the bench moves both sides of a round alike.
 */
function pairedRatios(list: [string, unknown][], results: { inside: Timed[] }[]): void {
  const file = results[list.findIndex(([name]) => name === 'MLflow file store')]!.inside;
  const paired = (i: number, f: (r: Timed) => number): string =>
    fmt(median(file.map((r, round) => f(r) / f(results[i]!.inside[round]!))));
  console.log(`\nRound by round (median of ${file.length} rounds), vs the file store, first / warm:`);
  for (let i = 0; i < 3; i++)
    console.log(`- ${list[i]![0]}: ${paired(i, (r) => r['firstMs']!)}x / ${paired(i, (r) => r['warmMs']!)}x`);
}

const LOGGER = join(import.meta.dirname, 'workers', 'log-points.ts');

function logPoints(checkout: string, n: number): Timed {
  const { dir, done } = scratch('tl-bench-log-');
  try {
    return run(process.execPath, ['--import', 'tsx', LOGGER, checkout, dir, String(n)]);
  } finally {
    done();
  }
}

async function compaction(): Promise<void> {
  const n = size('COMPACT_POINTS', 1_000_000);
  const here = join(import.meta.dirname, '..');
  const baseline = process.env['BASELINE_CHECKOUT'];
  const ours: Timed[] = [];
  const theirs: Timed[] = [];
  const reps = size('READ_REPS', 3);
  for (let rep = 0; rep < reps; rep++) {
    ours.push(logPoints(here, n));
    if (baseline) theirs.push(logPoints(baseline, n));
  }
  const l = median(ours.map((r) => r['logMs']!));
  const c = median(ours.map((r) => r['compactMs']!));
  const d = median(ours.map((r) => r['directMs']!));
  console.log(`\n### Compaction of ${n.toLocaleString('en-US')} points, and logging (medians of 3 processes)\n`);
  console.log('| step | ms | compaction / this |\n|---|---:|---:|');
  console.log(`| the same bytes (metrics.jsonl) built and written directly | ${fmt(d)} | **${fmt(c / d, 2)}x** |`);
  console.log(`| logging the points (appendMetric + flush) | ${fmt(l)} | ${fmt(c / l, 2)}x |`);
  console.log(`| compacting them (read lines, write segment + levels) | ${fmt(c)} | 1.00x |`);
  if (baseline) {
    const b = median(theirs.map((r) => r['logMs']!));
    console.log(`\nLogging with this checkout / with ${baseline}, same points, same run: **${fmt(l / b, 2)}x** `);
    const bc = median(theirs.map((r) => r['compactMs']!));
    console.log(`(${fmt(l)} / ${fmt(b)} ms); compaction there: ${fmt(bc)} ms.`);
  }
}

const parts: Record<string, () => Promise<void>> = {
  read: readVsMlflow,
  long: longSeries,
  search: searchCold,
  compaction,
};
const only = process.argv[2];
for (const [name, part] of Object.entries(parts)) if (!only || only === name) await part();
