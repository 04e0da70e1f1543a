/**
 * tracklab against a real MLflow 2.12 tracking server, side by side with MLflow's own Python client on the same server
 * in the same run. Run: node --import tsx bench/mlflow-server.ts [report|runs|points|offline ...] (all when none is
 * named; needs ../shared/mlflow-server or `pip install mlflow`).
 */
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { buildReport } from '../src/report/index.js';
import { transfer } from '../src/transfer/index.js';
import { python, serverSkip, startServer } from '../tests/mlflow/server.js';
import { logBatchFloor, reportTransfer, runsFloor } from './mlflow-raw.js';
import { fmt, median, scratch, timeIt } from './stats.js';

const REPS = 3;
const rows: string[][] = [];

/** Seconds MLflow's Python client takes for `body` (timed inside Python, imports excluded). */
function py(url: string, body: string): number {
  return (
    python<number>(`import json, time
from mlflow import MlflowClient
from mlflow.entities import Metric, Param
c = MlflowClient("${url}")
e = c.get_experiment_by_name("py") or c.get_experiment(c.create_experiment("py"))
t = time.perf_counter()
${body}
print(json.dumps(time.perf_counter() - t))`) * 1000
  );
}

/** Points logged to one run (MLFLOW_BENCH_POINTS for a shorter trial). */
const POINTS = Number(process.env['MLFLOW_BENCH_POINTS'] ?? 100_000);

async function points100k(tracker: Tracker, url: string): Promise<void> {
  const ts: number[] = [];
  const ps: number[] = [];
  const floor1: number[] = [];
  const floor2: number[] = [];
  for (let rep = 0; rep < 2; rep += 1) {
    const run = await tracker.startRun({ experiment: 'bench' });
    ts.push(
      await timeIt(async () => {
        for (let i = 0; i < POINTS; i += 1) run.logMetric('loss', 1 / (i + 1), { step: i });
        await run.end();
      }),
    );
    ps.push(
      py(
        url,
        `r = c.create_run(e.experiment_id)
now = int(time.time() * 1000)
pts = [Metric("loss", 1 / (i + 1), now, i) for i in range(${POINTS})]
for k in range(0, ${POINTS}, 1000): c.log_batch(r.info.run_id, metrics=pts[k:k + 1000])
c.set_terminated(r.info.run_id)`,
      ),
    );
    floor1.push(await logBatchFloor(url, POINTS, 1));
    floor2.push(await logBatchFloor(url, POINTS, 2));
  }
  const [t, p, f1, f2] = [median(ts), median(ps), median(floor1), median(floor2)];
  const kps = (ms: number): string => `${fmt(POINTS / ms, 1)} k points/s`;
  rows.push([
    `${fmt(POINTS, 0)} metric points to one run (incl. end)`,
    `**${kps(t)}** (${fmt(t / 1000, 2)} s)`,
    `Python MlflowClient.log_batch x1000: ${kps(p)} (${fmt(p / 1000, 2)} s); **ratio ${fmt(p / t, 2)}x** (target >= 5x)`,
  ]);
  rows.push([
    `the server alone: the same ${fmt(POINTS / 1000, 0)} log-batch bodies, encoded beforehand, from a trivial client`,
    `1 in flight: ${kps(f1)}; 2 in flight: ${kps(f2)}`,
    `the most any client can beat Python by on this server: **${fmt(p / Math.min(f1, f2), 2)}x**; ` +
      `tracklab is ${fmt(t / Math.min(f1, f2), 2)}x the trivial client's time`,
  ]);
}

/** Reps of the runs section (MLFLOW_BENCH_RUN_REPS): its ratio is close to 1, so it needs more than the others. */
const RUN_REPS = Number(process.env['MLFLOW_BENCH_RUN_REPS'] ?? 7);

/** 100 runs from tracklab, as a user writes them: params acknowledged by await, metrics, end. */
async function tracklabRuns(tracker: Tracker): Promise<{ ms: number; tags: Record<string, string> }> {
  let first = '';
  const ms = await timeIt(async () => {
    for (let r = 0; r < 100; r += 1) {
      const run = await tracker.startRun({ experiment: 'bench-runs' });
      await run.logParams({ a: 1, b: 2, c: 3, d: 4, e: 5 });
      run.logMetrics({ m1: 1, m2: 2, m3: 3, m4: 4, m5: 5 });
      await run.end();
      if (r === 0) first = run.id;
    }
  });
  return { ms, tags: (await tracker.getRun(first)).tags };
}

const PY_RUNS = `for _ in range(100):
    r = c.create_run(e.experiment_id)
    now = int(time.time() * 1000)
    c.log_batch(r.info.run_id, metrics=[Metric(f"m{i}", i, now, 0) for i in range(1, 6)], params=[Param(k, str(i)) for i, k in enumerate("abcde")])
    c.set_terminated(r.info.run_id)`;

/**
 * tracklab and Python take turns (which goes first alternates), each rep giving one paired ratio; the trivial client
 * sends both plans in the same rep, so the server's share of each is known under the same load.
 */
async function runs100(tracker: Tracker, url: string): Promise<void> {
  const ts: number[] = [];
  const ps: number[] = [];
  const ratios: number[] = [];
  const floorTracklab: number[] = [];
  const floorPython: number[] = [];
  let tags: Record<string, string> = {};
  for (let rep = 0; rep < RUN_REPS; rep += 1) {
    const pyFirst = rep % 2 === 1 ? py(url, PY_RUNS) : undefined;
    const ours = await tracklabRuns(tracker);
    const [t, p] = [ours.ms, pyFirst ?? py(url, PY_RUNS)];
    tags = ours.tags;
    ts.push(t);
    ps.push(p);
    ratios.push(t / p);
    floorTracklab.push(await runsFloor(url, 100, tags));
    floorPython.push(await runsFloor(url, 100));
  }
  const [t, p, ft, fp] = [median(ts), median(ps), median(floorTracklab), median(floorPython)];
  const sorted = [...ratios].sort((a, b) => a - b);
  rows.push([
    `100 runs x (5 params, 5 metrics), ended, ${RUN_REPS} paired reps`,
    `**${fmt(t / 1000, 2)} s**`,
    `Python MlflowClient (create_run, log_batch, set_terminated): ${fmt(p / 1000, 2)} s; **median paired ratio ` +
      `${fmt(median(ratios), 2)}x** (target <= 1; reps ${sorted.map((r) => fmt(r, 2)).join(', ')})`,
  ]);
  rows.push([
    'the server alone: 100 such runs from a trivial client (create, one log-batch, update)',
    `with tracklab's ${Object.keys(tags).length} reproducibility tags in the create: ${fmt(ft / 1000, 2)} s; ` +
      `tracklab is ${fmt(t / ft, 2)}x this`,
    `without tags (Python's requests): ${fmt(fp / 1000, 2)} s; **ratio ${fmt(ft / fp, 2)}x** (the server's part ` +
      `of tracklab / Python); Python is ${fmt(p / fp, 2)}x this`,
  ]);
}

async function report200(tracker: Tracker, url: string): Promise<void> {
  for (let r = 0; r < 200; r += 1) {
    const run = await tracker.startRun({ experiment: 'bench-report' });
    await run.logParams({ r });
    for (let s = 0; s < 100; s += 1) run.logMetrics({ loss: 1 / (s + 1), acc: s / 100, lr: 0.1 }, { step: s });
    await run.end();
  }
  const { dir, done } = scratch('tracklab-bench-report-');
  await transfer([url], join(dir, 'local'));
  const fromServer: number[] = [];
  const fromLocal: number[] = [];
  const histories: number[] = [];
  const everything: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    fromServer.push(
      await timeIt(() => buildReport({ store: url, out: join(dir, `s${rep}`), experiments: ['bench-report'] })),
    );
    fromLocal.push(
      await timeIt(() =>
        buildReport({ store: join(dir, 'local'), out: join(dir, `l${rep}`), experiments: ['bench-report'] }),
      ),
    );
    histories.push(await reportTransfer(url, 'bench-report', ['acc', 'loss', 'lr'], false));
    everything.push(await reportTransfer(url, 'bench-report', ['acc', 'loss', 'lr'], true));
  }
  done();
  const [s, l, h, all] = [median(fromServer), median(fromLocal), median(histories), median(everything)];
  const met = s <= 2 * l + h ? 'met' : '**not met**';
  rows.push([
    'report of a 200-run experiment (3 metrics x 100 steps each)',
    `**${fmt(s / 1000, 2)} s** from the server`,
    `the same runs in a local JSON store: ${fmt(l / 1000, 2)} s (ratio ${fmt(s / l, 2)}x); transfer: ` +
      `${fmt(h / 1000, 2)} s (runs + bulk histories, trivial client), ${fmt(all / 1000, 2)} s with artifact listings; ` +
      `**${fmt(s / 1000, 2)} s vs 2 x local + transfer = ${fmt((2 * l + h) / 1000, 2)} s: ${met}**`,
  ]);
}

async function offline(): Promise<void> {
  const { dir, done } = scratch('tracklab-bench-spool-');
  process.env['TRACKLAB_SPOOL_DIR'] = join(dir, 'spool');
  process.env['TRACKLAB_HTTP_RETRIES'] = '0';
  const down = await Tracker.open({ store: 'http://127.0.0.1:9' });
  const local = await Tracker.open({ store: join(dir, 'json') });
  const log = async (t: Tracker): Promise<number> => {
    const run = await t.startRun({ experiment: 'offline' });
    return timeIt(async () => {
      for (let i = 0; i < 500_000; i += 1) run.logMetric('loss', 1 / (i + 1), { step: i });
      await run.end();
    });
  };
  const spooled: number[] = [];
  const json: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    spooled.push(await log(down));
    json.push(await log(local));
  }
  await down.close();
  await local.close();
  done();
  const s = median(spooled);
  const j = median(json);
  rows.push([
    '500,000 points while the server is down (offline queue)',
    `**${fmt(500 / s, 2)} M points/s** (${fmt(s, 0)} ms)`,
    `the same into the JSON store: ${fmt(500 / j, 2)} M points/s (${fmt(j, 0)} ms); **ratio ${fmt(s / j, 2)}x** (target <= 1)`,
  ]);
}

/** Sections named on the command line (report, runs, points, offline); all when none is. */
const chosen = process.argv.slice(2);
const wanted = (section: string): boolean => chosen.length === 0 || chosen.includes(section);

async function main(): Promise<void> {
  if (serverSkip) {
    console.log(`skipped: ${serverSkip}`);
    return;
  }
  const server = await startServer();
  try {
    const tracker = await Tracker.open({ store: server.url, user: 'bench' });
    // the report first: its local baseline is a copy of the whole server, and serving a 100,000-point history takes
    // MLflow's server tens of seconds on a loaded machine (see BENCHMARKS.md)
    if (wanted('report')) await report200(tracker, server.url);
    if (wanted('runs')) await runs100(tracker, server.url);
    if (wanted('points')) await points100k(tracker, server.url);
    await tracker.close();
    if (wanted('offline')) await offline();
  } finally {
    await server.dispose();
  }
  console.log('| measurement | tracklab (median) | baseline, same run |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

await main();
