/**
 * The 1,000-bucket read of a LONG_POINTS-point series (default 10,000,000), first read in a fresh process and warm,
 * against reading the whole series as columns in the same processes (the baseline of this run).
 *
 * The store is built without logging, which takes minutes at this size: the points are generated as columns, the
 * JSON lines are written in the logging format, the run's summary is appended to its log, and the segment is written
 * by the compaction code (`writeSegment`) from the columns. It is kept in /tmp, keyed by the size and the store and
 * segment format, and checked before each use, so a rerun starts measuring at once.
 *
 * Usage: node --import tsx bench/long-series.ts   (or bench/histories.ts long)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricSummary } from '../src/core/entities.js';
import { foldPoint } from '../src/core/metric-summary.js';
import { numberToJson } from '../src/core/number-codec.js';
import { STORE_LAYOUT_VERSION } from '../src/core/version.js';
import { Tracker } from '../src/index.js';
import { SERIES_FILE } from '../src/store/json/metric-segment.js';
import { writeSegment } from '../src/store/json/series-compaction.js';
import { appendEvents, RUN_LOG } from '../src/store/json/run-log.js';
import { fmt, median } from './stats.js';

/** Bump when the generated store would differ (segment or line format, generated values). */
const BENCH_FORMAT = `layout${STORE_LAYOUT_VERSION}-seg1-gen1`;
const READER = join(import.meta.dirname, 'workers', 'history-read.mjs');
const KEY = 'loss';
/** Warm reads per process, after the first; their median is the warm figure. */
const WARM_READS = 50;

/** The generated points: a sine with a spike every 977 steps, 1,000 points per millisecond of time. */
function generate(n: number): { step: Float64Array; value: Float64Array; timestamp: Float64Array } {
  const step = new Float64Array(n);
  const value = new Float64Array(n);
  const timestamp = new Float64Array(n);
  const t0 = 1_780_000_000_000;
  for (let i = 0; i < n; i++) {
    step[i] = i;
    value[i] = Math.sin(i / 1000) + (i % 977 === 0 ? 5 : 0);
    timestamp[i] = t0 + Math.floor(i / 1000);
  }
  return { step, value, timestamp };
}

/** metrics.jsonl in the logging format (metric-log.ts); returns its length. */
function writeLines(file: string, cols: ReturnType<typeof generate>): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    const prefix = `{"key":${JSON.stringify(KEY)},"value":`;
    for (let from = 0; from < cols.step.length; from += 100_000) {
      let text = '';
      const to = Math.min(cols.step.length, from + 100_000);
      for (let i = from; i < to; i++) {
        const v = cols.value[i]!;
        const value = v !== 0 && Number.isFinite(v) ? v : numberToJson(v);
        text += `${prefix}${value},"step":${cols.step[i]},"timestamp":${cols.timestamp[i]}}\n`;
      }
      bytes += writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function summary(cols: ReturnType<typeof generate>): MetricSummary {
  const s = { value: cols.value[0]!, step: 0, timestamp: cols.timestamp[0]!, min: cols.value[0]!, max: 0, count: 1 };
  s.max = s.min;
  for (let i = 1; i < cols.step.length; i++) foldPoint(s, cols.value[i]!, cols.step[i]!, cols.timestamp[i]!);
  return s;
}

/** The kept store of one `n`-point series: reused when its marker names this format and a read finds every point. */
async function keptStore(n: number): Promise<{ store: string; id: string }> {
  const store = join(tmpdir(), `tracklab-bench-long-${n}-${BENCH_FORMAT}`);
  const marker = join(store, 'bench-run-id');
  if (existsSync(marker)) {
    const id = readFileSync(marker, 'utf8');
    if (readOnce(store, id, 'sampled')['count'] === n) return { store, id };
  }
  rmSync(store, { recursive: true, force: true });
  process.stderr.write(`bench: generating ${n.toLocaleString('en-US')} points into ${store} (once)...\n`);
  const tracker = await Tracker.open({ store });
  const run = await tracker.startRun({ experiment: 'bench' });
  await run.end();
  await tracker.close();
  const dir = join(store, 'runs', run.id);
  const cols = generate(n);
  const covered = writeLines(join(dir, SERIES_FILE), cols);
  const metrics = { [KEY]: summary(cols) };
  appendEvents(join(dir, RUN_LOG), [{ op: 'metrics', metrics }]);
  writeSegment(dir, covered, [{ key: KEY, points: cols }]);
  writeFileSync(marker, run.id);
  return { store, id: run.id };
}

function readOnce(store: string, id: string, mode: string, once = false): Record<string, number> {
  const t = performance.now();
  const r = spawnSync(process.execPath, [READER, store, id, KEY, mode, ...(once ? ['once'] : [])], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    env: { ...process.env, WARM_READS: String(WARM_READS) },
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0) return { count: -1 };
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>), wallMs };
}

/** Prints the table: sampled reads and whole-series column reads, medians of `REPEATS` fresh processes each. */
export async function longSeries(): Promise<void> {
  const n = Number(process.env['LONG_POINTS'] ?? 10_000_000);
  const repeats = Number(process.env['REPEATS'] ?? 5);
  const { store, id } = await keptStore(n);
  const sampled: Record<string, number>[] = [];
  const columns: Record<string, number>[] = [];
  const once: Record<string, number>[] = [];
  for (let i = 0; i < repeats; i++) {
    sampled.push(readOnce(store, id, 'sampled'));
    once.push(readOnce(store, id, 'sampled', true));
    columns.push(readOnce(store, id, 'columns', true));
  }
  for (const r of [...sampled, ...once, ...columns]) {
    if (r['count'] !== n) throw new Error(`a read counted ${r['count']} points, not ${n}`);
  }
  const m = (rs: Record<string, number>[], f: string): number => median(rs.map((r) => r[f]!));
  const first = m(sampled, 'firstMs');
  const full = m(columns, 'firstMs');
  console.log(
    `\n### 1,000-bucket read of a ${n.toLocaleString('en-US')}-point series (medians of ${repeats} processes)\n`,
  );
  console.log('| read | ms | vs whole series as columns | target |\n|---|---:|---:|---|');
  console.log(`| sampled, first read in a fresh process | **${fmt(first, 2)}** | ${fmt(full / first, 0)}x | < 5 ms |`);
  const warm = m(sampled, 'warmMs');
  console.log(
    `| sampled, warm (median of ${WARM_READS} in each process) | **${fmt(warm, 2)}** | ${fmt(full / warm, 0)}x | < 5 ms |`,
  );
  console.log(`| whole series as columns (\`getMetricColumns\`), first read | ${fmt(full, 0)} | 1x | - |`);
  console.log(`| whole process: import, open, one sampled read | ${fmt(m(once, 'wallMs'), 0)} | - | - |`);
}

if (import.meta.filename === process.argv[1]) await longSeries();
