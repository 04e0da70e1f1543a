/**
 * How far any client can beat MLflow's Python `log_batch` at logging many points to one run, on both backends an
 * MLflow 2.12 server runs locally: SQLite (serve.sh; the issue's local server) and an mlruns folder (`mlflow server`'s
 * own default in 2.x). For each: Python's time, the trivial client's (bodies encoded beforehand) with 1, 2 and 4
 * requests in flight, and tracklab's; then where one request's time goes, measured inside MLflow without HTTP
 * (bench/workers/mlflow_log_batch_cost.py).
 * Run: node --import tsx bench/mlflow-points-ceiling.ts (MLFLOW_BENCH_POINTS, default 30,000; MLFLOW_BENCH_REPS, 2;
 * MLFLOW_BENCH_WORKERS, gunicorn workers of the file-store server, 2 like serve.sh's).
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { python, serverSkip, sharedServerDir, startServer } from '../tests/mlflow/server.js';
import { logBatchFloor } from './mlflow-raw.js';
import { fmt, median, scratch, timeIt } from './stats.js';

const POINTS = Number(process.env['MLFLOW_BENCH_POINTS'] ?? 30_000);
const REPS = Number(process.env['MLFLOW_BENCH_REPS'] ?? 2);
const WORKERS = process.env['MLFLOW_BENCH_WORKERS'] ?? '2';
const IN_FLIGHT = [1, 2, 4];

/** An MLflow server on an mlruns folder in `dir`; stopped (its process group) by the returned function. */
async function startFileStoreServer(dir: string): Promise<{ url: string; stop: () => void }> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const shared = sharedServerDir();
  const args = ['server', '--backend-store-uri', `file://${dir}/mlruns`, '--artifacts-destination', `${dir}/artifacts`];
  args.push('--host', '127.0.0.1', '--port', port, '--workers', WORKERS);
  const [cmd, argv] = shared ? [join(shared, 'python.sh'), ['-m', 'mlflow', ...args]] : ['mlflow', args];
  const child = spawn(cmd, argv, { detached: true, stdio: 'ignore' });
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  const stop = (): void => void process.kill(-(child.pid as number), 'SIGTERM');
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`the file-store MLflow server did not start on ${url}`);
}

/** Milliseconds MLflow's Python client takes to log POINTS points to a new run, 1,000 per log_batch (as the suite). */
function pythonLogBatch(url: string): number {
  const seconds = python<number>(`import json, time
from mlflow import MlflowClient
from mlflow.entities import Metric
c = MlflowClient("${url}")
e = c.get_experiment_by_name("py") or c.get_experiment(c.create_experiment("py"))
t = time.perf_counter()
r = c.create_run(e.experiment_id)
now = int(time.time() * 1000)
pts = [Metric("loss", 1 / (i + 1), now, i) for i in range(${POINTS})]
for k in range(0, ${POINTS}, 1000): c.log_batch(r.info.run_id, metrics=pts[k:k + 1000])
c.set_terminated(r.info.run_id)
print(json.dumps(time.perf_counter() - t))`);
  return seconds * 1000;
}

async function tracklabPoints(url: string): Promise<number> {
  const tracker = await Tracker.open({ store: url, user: 'bench' });
  const run = await tracker.startRun({ experiment: 'ceiling' });
  const ms = await timeIt(async () => {
    for (let i = 0; i < POINTS; i += 1) run.logMetric('loss', 1 / (i + 1), { step: i });
    await run.end();
  });
  await tracker.close();
  return ms;
}

/** Python, the trivial client at each IN_FLIGHT and tracklab, taking turns in each rep; one table row per server. */
async function measure(name: string, url: string): Promise<string> {
  const py: number[] = [];
  const ours: number[] = [];
  const raw = new Map<number, number[]>(IN_FLIGHT.map((n) => [n, []]));
  for (let rep = 0; rep < REPS; rep += 1) {
    py.push(pythonLogBatch(url));
    for (const n of IN_FLIGHT) raw.get(n)?.push(await logBatchFloor(url, POINTS, n));
    ours.push(await tracklabPoints(url));
  }
  const p = median(py);
  const floors = IN_FLIGHT.map((n) => [n, median(raw.get(n) ?? [])] as const);
  const best = Math.min(...floors.map(([, ms]) => ms));
  const perRequest = (ms: number): string => `${fmt(ms / (POINTS / 1000), 0)} ms`;
  return (
    `| ${name} | ${fmt(p / 1000, 2)} s (${perRequest(p)} per 1,000 points) | ` +
    floors.map(([n, ms]) => `${n}: ${fmt(ms / 1000, 2)} s (${fmt(p / ms, 2)}x)`).join('; ') +
    ` | **${fmt(p / best, 2)}x** | ${fmt(median(ours) / 1000, 2)} s (**${fmt(p / median(ours), 2)}x**) |`
  );
}

async function main(): Promise<void> {
  if (serverSkip) {
    console.log(`skipped: ${serverSkip}`);
    return;
  }
  const { dir, done } = scratch('tracklab-bench-ceiling-');
  const rows: string[] = [];
  try {
    const sqlite = await startServer();
    try {
      rows.push(await measure('SQLite (serve.sh, 2 workers)', sqlite.url));
    } finally {
      await sqlite.dispose();
    }
    const files = await startFileStoreServer(dir);
    try {
      rows.push(await measure(`mlruns folder (${WORKERS} workers)`, files.url));
    } finally {
      files.stop();
    }
    const shared = sharedServerDir();
    const cost = execFileSync(
      shared ? join(shared, 'python.sh') : 'python3',
      [join(import.meta.dirname, 'workers', 'mlflow_log_batch_cost.py'), join(dir, 'cost'), '10'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    console.log(`${fmt(POINTS, 0)} points to one run, 1,000 per request, medians of ${REPS} reps:\n`);
    console.log(
      '| server backend | Python log_batch | trivial client by requests in flight (x Python) | ' +
        'ceiling for any client | tracklab (x Python) |\n|---|---|---|---|---|',
    );
    for (const row of rows) console.log(row);
    console.log(`\none 1,000-point request inside MLflow, median ms: ${cost.trim()}`);
  } finally {
    done();
  }
}

await main();
