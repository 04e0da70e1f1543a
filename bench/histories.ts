/**
 * Metric histories: reading a 100k-point history (fresh process and warm) against MLflow 2.12.2's file and sqlite
 * stores holding the same points; a 1,000-point read of a long series; compaction against logging the same points.
 * Sizes: HISTORY_POINTS (default 100,000), LONG_POINTS (default 2,000,000), COMPACT_POINTS (default 1,000,000).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { openBackend } from '../src/store/resolve-store.js';
import { JsonStore } from '../src/store/json/json-store.js';
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

function run(cmd: string, args: string[]): Record<string, number> {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', GIT_PYTHON_REFRESH: 'quiet' },
  });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

async function readVsMlflow(): Promise<void> {
  const n = size('HISTORY_POINTS', 100_000);
  const { dir, done } = scratch('tl-bench-hist-');
  const json = join(dir, 'tracklab');
  const id = await logRun(json, n);
  await copyRun(json, id, join(dir, 'mlruns'));
  const sqliteId = python ? loadSqlite(join(dir, 'mlruns'), id, join(dir, 'mlflow.db')) : '';
  const worker = join(import.meta.dirname, 'workers', 'history-read.ts');
  const rows: [string, Record<string, number>[]][] = [['tracklab (JSON store, segment)', []]];
  if (python) rows.push(['MLflow file store', []], ['MLflow sqlite store', []]);
  for (let rep = 0; rep < 3; rep++) {
    rows[0]![1].push(run(process.execPath, ['--import', 'tsx', worker, json, id, 'loss']));
    if (!python) continue;
    rows[1]![1].push(
      run(python, [join(import.meta.dirname, 'workers', 'mlflow_history.py'), 'file', join(dir, 'mlruns'), id, 'loss']),
    );
    rows[2]![1].push(
      run(python, [
        join(import.meta.dirname, 'workers', 'mlflow_history.py'),
        'sqlite',
        join(dir, 'mlflow.db'),
        sqliteId,
        'loss',
      ]),
    );
  }
  const ours = rows[0]![1];
  for (const [name, results] of rows)
    if (results.some((r) => r['count'] !== n))
      throw new Error(`${name} read ${results[0]?.['count']} points, not ${n}`);
  console.log(`### Read one ${n.toLocaleString('en-US')}-point history (medians of 3 fresh processes)\n`);
  console.log('| reader | first read (ms) | warm read (ms) | first: x tracklab | warm: x tracklab |');
  console.log('|---|---:|---:|---:|---:|');
  const first = median(ours.map((r) => r['firstMs']!));
  const warm = median(ours.map((r) => r['warmMs']!));
  for (const [name, results] of rows) {
    const f = median(results.map((r) => r['firstMs']!));
    const w = median(results.map((r) => r['warmMs']!));
    console.log(`| ${name} | ${fmt(f)} | ${fmt(w)} | ${fmt(f / first)} | ${fmt(w / warm)} |`);
  }
  console.log(`\n1,000-bucket read of the same history: ${fmt(median(ours.map((r) => r['sampledMs']!)), 2)} ms`);
  if (!python) console.log('\n(MLflow not measured: no ../shared/mlflow-server/python.sh)');
  done();
}

async function longSeries(): Promise<void> {
  const n = size('LONG_POINTS', 2_000_000);
  const { dir, done } = scratch('tl-bench-long-');
  const id = await logRun(dir, n);
  const r = run(process.execPath, [
    '--import',
    'tsx',
    join(import.meta.dirname, 'workers', 'history-read.ts'),
    dir,
    id,
    'loss',
  ]);
  console.log(`\n### ${n.toLocaleString('en-US')}-point series (fresh process)\n`);
  console.log(`| read | ms |\n|---|---:|\n| 1,000 buckets (warm, median of 5) | ${fmt(r['sampledMs']!, 2)} |`);
  console.log(`| every point, first read | ${fmt(r['firstMs']!)} |\n| every point, warm | ${fmt(r['warmMs']!)} |`);
  done();
}

async function compaction(): Promise<void> {
  const n = size('COMPACT_POINTS', 1_000_000);
  const logs: number[] = [];
  const compacts: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const { dir, done } = scratch('tl-bench-compact-');
    const store = await JsonStore.open(dir);
    const runRecord = await store.createRun({ experimentId: '0', name: 'r', startTime: 1, user: 'u', tags: {} });
    const writer = await store.openRunWriter(runRecord.id);
    let t = performance.now();
    for (let i = 0; i < n; i++) writer.appendMetric('loss', Math.sin(i / 1000), i, 1_700_000_000_000 + (i >> 4));
    await writer.flush();
    logs.push(performance.now() - t);
    t = performance.now();
    await store.compactRun(runRecord.id);
    compacts.push(performance.now() - t);
    await store.close();
    done();
  }
  const l = median(logs);
  const c = median(compacts);
  console.log(`\n### Compaction of ${n.toLocaleString('en-US')} points (median of 3)\n`);
  console.log('| step | ms | x logging |\n|---|---:|---:|');
  console.log(`| logging the points (appendMetric + flush) | ${fmt(l)} | 1.0 |`);
  console.log(`| compacting them (read lines, write segment + levels) | ${fmt(c)} | ${fmt(c / l, 2)} |`);
}

await readVsMlflow();
await longSeries();
await compaction();
