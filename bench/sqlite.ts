/**
 * The sqlite: backend against MLflow 2.12.2's own client on the same mlflow.db, same run (targets, 2 cores):
 *   search of 10,000 runs                    >= 5x faster than MLflow's search_runs
 *   reading a 100,000-point metric history   >= 5x faster than MLflow's get_metric_history
 *   report of a 1,000-run mlflow.db          <= 1.5x the same report from tracklab's JSON store
 * Timings are in-process medians after one warm-up call on each side. Databases are made once into bench/out/. Run:
 * node --import tsx bench/sqlite.ts [search|report] (needs ../shared/mlflow-server or TRACKLAB_MLFLOW_SERVER_DIR for
 * MLflow)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Tracker } from '../src/index.js';
import { openBackend } from '../src/store/resolve-store.js';
import { transfer } from '../src/transfer/index.js';
import { MLFLOW_SKIP, runMlflowPython } from '../tests/mlflow-python.js';
import { fmt, median } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench', 'out', 'sqlite');
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const QUERIES: [string, string[]][] = [
  ["metrics.acc > 0.5 and params.model = 'rf'", ['metrics.acc DESC']],
  ['', []],
];

/** 10,000 runs in experiment 1 (3 params, 2 tags, 3 metrics each) written as MLflow writes them, in one transaction. */
async function makeSearchDb(file: string): Promise<void> {
  const backend = await openBackend(`sqlite:///${file}`);
  const exp = await backend.tracking.createExperiment('bench');
  await backend.close();
  const db = new Sqlite(file);
  const run = db.prepare(`INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,
    start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, 'UNKNOWN', '', '', 'ada',
    'FINISHED', ?, ?, '', 'active', ?, ?)`);
  const param = db.prepare('INSERT INTO params ("key", value, run_uuid) VALUES (?, ?, ?)');
  const tag = db.prepare('INSERT INTO tags ("key", value, run_uuid) VALUES (?, ?, ?)');
  const metric = db.prepare(
    'INSERT INTO metrics ("key", value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, 0, 0)',
  );
  const latest = db.prepare(
    'INSERT INTO latest_metrics ("key", value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, 0, 0, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < 10_000; i += 1) {
      const id = i.toString(16).padStart(32, '0');
      const start = 1_700_000_000_000 + i * 1000;
      run.run(id, `run-${i}`, start, start + 500, `file:///tmp/bench/${id}/artifacts`, Number(exp.id));
      for (const [k, v] of [
        ['model', ['rf', 'cnn', 'svm'][i % 3]],
        ['lr', String(10 ** -(i % 4))],
        ['seed', String(i % 10)],
      ])
        param.run(k, v, id);
      for (const [k, v] of [
        ['mlflow.runName', `run-${i}`],
        ['team', i % 2 ? 'a' : 'b'],
      ])
        tag.run(k, v, id);
      for (const [k, v] of [
        ['acc', ((i * 7919) % 1000) / 1000],
        ['loss', ((i * 104729) % 997) / 997],
        ['f1', (i % 89) / 89],
      ] as const) {
        metric.run(k, v, start, id);
        latest.run(k, v, start, id);
      }
    }
  }).immediate();
  db.close();
}

/** One run with a 100,000-point history of "loss", logged through tracklab's run writer. */
async function makeHistoryDb(file: string): Promise<string> {
  const tracker = await Tracker.open({ store: `sqlite:///${file}` });
  const run = await tracker.startRun({ experiment: 'history', name: 'long' });
  for (let s = 0; s < 100_000; s += 1)
    run.logMetric('loss', Math.exp(-s / 30_000), { step: s, timestamp: 1_700_000_000_000 + s });
  await run.end();
  await tracker.close();
  return run.id;
}

async function timeOurs(fn: () => Promise<unknown>, repeat: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const MLFLOW_TIMING = `
import json, sys, time, statistics
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
def timed(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
out = {}
if sys.argv[2] == "search":
    for i, (f, o) in enumerate(json.loads(sys.argv[4])):
        run = lambda: c.search_runs([sys.argv[3]], f, order_by=o, max_results=1000)
        out[i] = {"ms": timed(run, 3), "ids": [r.info.run_id for r in run()]}
else:
    out["ms"] = timed(lambda: c.get_metric_history(sys.argv[3], "loss"), 3)
    out["points"] = len(c.get_metric_history(sys.argv[3], "loss"))
print(json.dumps(out))
`;

async function searchAndHistory(rows: string[][]): Promise<void> {
  const searchDb = path.join(OUT, 'search-10000.db');
  if (!existsSync(searchDb)) await makeSearchDb(searchDb);
  const historyDb = path.join(OUT, 'history-100000.db');
  if (existsSync(historyDb)) rmSync(historyDb);
  const runId = await makeHistoryDb(historyDb);
  const backend = await openBackend(`sqlite:///${searchDb}`);
  const exp = await backend.tracking.getExperimentByName('bench');
  const theirs = JSON.parse(runMlflowPython(MLFLOW_TIMING, searchDb, 'search', exp!.id, JSON.stringify(QUERIES))) as {
    ms: number;
    ids: string[];
  }[];
  for (const [i, [filter, orderBy]] of QUERIES.entries()) {
    const query = { experimentIds: [exp!.id], filter, orderBy, maxResults: 1000 };
    const ours = await timeOurs(() => backend.tracking.searchRuns(query), 7);
    const same =
      JSON.stringify((await backend.tracking.searchRuns(query)).runs.map((r) => r.id)) ===
      JSON.stringify(theirs[i]!.ids);
    rows.push([
      `search 10,000 runs, first 1,000: \`${filter || '(no filter)'}\` ${orderBy.join(', ')}`,
      `${fmt(ours)} ms`,
      `${fmt(theirs[i]!.ms)} ms`,
      `**${fmt(theirs[i]!.ms / ours)}x**`,
      same ? 'yes' : 'NO',
    ]);
  }
  await backend.close();
  const history = await openBackend(`sqlite:///${historyDb}`);
  const theirHistory = JSON.parse(runMlflowPython(MLFLOW_TIMING, historyDb, 'history', runId)) as {
    ms: number;
    points: number;
  };
  const ours = await timeOurs(() => history.tracking.getMetricHistory(runId, 'loss'), 7);
  const points = (await history.tracking.getMetricHistory(runId, 'loss')).length;
  rows.push([
    `metric history, ${points.toLocaleString('en-US')} points`,
    `${fmt(ours)} ms`,
    `${fmt(theirHistory.ms)} ms`,
    `**${fmt(theirHistory.ms / ours)}x**`,
    points === theirHistory.points ? 'yes' : 'NO',
  ]);
  await history.close();
}

async function makeReportStores(json: string, db: string): Promise<void> {
  const tracker = await Tracker.open({ store: json });
  for (let r = 0; r < 1000; r += 1) {
    const run = await tracker.startRun({ experiment: 'bench', name: `run-${r}`, tags: { team: r % 2 ? 'a' : 'b' } });
    await run.logParams({ model: ['rf', 'knn', 'logreg'][r % 3], lr: 10 ** -(r % 4), depth: r % 7 });
    for (let m = 0; m < 5; m += 1) {
      for (let s = 0; s < 100; s += 1)
        run.logMetric(`m${m}`, Math.exp(-s / 30) + 0.01 * ((r * 7 + s * 13 + m) % 10), {
          step: s,
          timestamp: 1_700_000_000_000 + s * 1000,
        });
    }
    await run.end('FINISHED');
  }
  await tracker.close();
  const t = performance.now();
  const summary = await transfer([json], `sqlite:///${db}`);
  console.error(
    `imported ${summary.runs.copied} runs, ${summary.metricPoints} points into mlflow.db in ${fmt((performance.now() - t) / 1000)} s`,
  );
}

function build(store: string, out: string): number {
  rmSync(out, { recursive: true, force: true });
  const text = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/report-build-worker.ts'), store, out],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return (JSON.parse(text.trim().split('\n').pop() as string) as { ms: number }).ms;
}

function report(rows: string[][]): void {
  const json = path.join(OUT, 'report-json');
  const db = path.join(OUT, 'report-1000.db');
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    base.push(build(json, path.join(OUT, 'site-json')));
    ours.push(build(`sqlite:///${db}`, path.join(OUT, 'site-sqlite')));
  }
  rows.push([
    'report, 1,000 runs x 5 metrics x 100 steps (build in its own process)',
    `${fmt(median(ours) / 1000, 2)} s`,
    `JSON store: ${fmt(median(base) / 1000, 2)} s`,
    `**${fmt(median(ours) / median(base), 2)}x** (target <= 1.5x)`,
    '-',
  ]);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const rows: string[][] = [];
  const only = process.argv[2];
  if (MLFLOW_SKIP !== false) console.error(`skipping the MLflow comparisons: ${MLFLOW_SKIP}`);
  else if (only !== 'report') await searchAndHistory(rows);
  const db = path.join(OUT, 'report-1000.db');
  if (!existsSync(db)) {
    rmSync(path.join(OUT, 'report-json'), { recursive: true, force: true });
    await makeReportStores(path.join(OUT, 'report-json'), db);
  }
  if (only !== 'search') report(rows);
  console.log('| measurement | tracklab (sqlite:) | baseline, same run | speed-up / ratio | same answer |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

await main();
