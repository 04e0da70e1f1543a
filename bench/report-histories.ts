/**
 * The history part of a report build, today's path against the one before chunks, in the same run (alternating
 * pairs, medians): read every history of 1,000 runs x 5 metrics x 1,000 steps, encode it as the site publishes it and
 * write the files. Before: full histories read, downsampled in the report, numbers as text in each run's data file.
 * Now: the stores' sampling path, one binary chunk per history, the drawn ones packed in the run's data file
 * (src/report/publish-histories.ts).
 * Run: node --expose-gc --import tsx bench/report-histories.ts [--runs N] [--pairs N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Tracker } from '../src/index.js';
import { RUN_CONCURRENCY } from '../src/report/build.js';
import { sourceFromTracker } from '../src/report/collect.js';
import { publishHistories, runDataScript } from '../src/report/publish-histories.js';
import { encodeHistories } from './baseline/encode-histories-v1.js';
import { generate } from './report-store.js';
import { median, numberArg } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench', 'out');
const arg = numberArg;
const RUNS = arg('runs', 1000);
const PAIRS = arg('pairs', 5);
const DISPLAY = 1000;
/** runs at once; 1 times the runs one after another, as the bench did before */
const CONCURRENCY = arg('concurrency', RUN_CONCURRENCY);

interface Phase {
  ms: number;
  /** CPU time of the process (user + system), less sensitive than `ms` to other processes on a loaded machine */
  cpu: number;
  bytes: number;
}

type Put = (rel: string, data: string | Uint8Array) => Promise<void>;

async function phase(
  store: string,
  out: string,
  each: (t: Tracker, id: string, keys: string[], put: Put) => Promise<void>,
) {
  rmSync(out, { recursive: true, force: true });
  let bytes = 0;
  const dirs = new Set<string>();
  const put: Put = async (rel, data) => {
    const file = path.join(out, rel);
    if (!dirs.has(path.dirname(file))) {
      await mkdir(path.dirname(file), { recursive: true });
      dirs.add(path.dirname(file));
    }
    await writeFile(file, data);
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  };
  // each phase starts with a clean heap and no dirty pages: the garbage of the one before and the writeback of its
  // files are not charged to it (on this VM, 1,000 files written while the last phase's ~100 MB are still being
  // written back cost 0.6 s of system time instead of 40 ms)
  (globalThis as { gc?: () => void }).gc?.();
  spawnSync('sync');
  const t = performance.now();
  const cpu = process.cpuUsage();
  const tracker = await Tracker.open({ store });
  const { runs } = await tracker.searchRuns({ maxResults: 50_000 });
  // runs at the build's concurrency (build.ts writeAllRuns): one run's reads and writes overlap another's encoding
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let r = runs[next++]; r; r = runs[next++])
      await each(tracker, r.id, Object.keys(r.metricSummaries).sort(), put);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await tracker.close();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpu: (used.user + used.system) / 1000, bytes } satisfies Phase;
}

/** The path before chunks: full histories, downsampled and written as text by the report. */
const before = (store: string, out: string): Promise<Phase> =>
  phase(store, out, async (tracker, id, keys, put) => {
    const all = await tracker.getMetricHistories(id);
    const { series, full } = encodeHistories(
      keys.map((key) => ({ key, points: all[key] ?? [] })),
      DISPLAY,
    );
    if (full) await put(`${id}.full.js`, `tracklabRunHistory(${JSON.stringify(id)},[${full.join(',')}]);\n`);
    await put(`${id}.js`, `tracklabRunData({"id":${JSON.stringify(id)},"series":[${series.join(',')}]});\n`);
  });

/** Today's path. */
const now = (store: string, out: string): Promise<Phase> =>
  phase(store, out, async (tracker, id, keys, put) => {
    const { published, texts, files } = await publishHistories(sourceFromTracker(tracker), id, keys, DISPLAY);
    for (const f of files) await put(f.rel, f.bytes);
    await put(`${id}.js`, runDataScript({ id, histories: published }, texts));
  });

async function main(): Promise<void> {
  const store = path.join(OUT, `report-store-${RUNS}`);
  if (!existsSync(store)) await generate(store, RUNS, 5, 1000, 'bench');
  const old: Phase[] = [];
  const cur: Phase[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const [a, b] = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    const run = (which: string): Promise<Phase> =>
      which === 'old' ? before(store, path.join(OUT, 'hist-old')) : now(store, path.join(OUT, 'hist-new'));
    const first = await run(a);
    const second = await run(b);
    const [o, n] = a === 'old' ? [first, second] : [second, first];
    old.push(o);
    cur.push(n);
    ratios.push(n.ms / o.ms);
    cpuRatios.push(n.cpu / o.cpu);
    console.error(
      `pair ${i + 1}: before ${o.ms.toFixed(0)} ms (CPU ${o.cpu.toFixed(0)}), now ${n.ms.toFixed(0)} ms (CPU ${n.cpu.toFixed(0)})`,
    );
  }
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB (${(b / 1e6).toFixed(1)} MB)`;
  console.log(`| history part of the build, ${RUNS} runs x 5 metrics x 1,000 steps (median of ${PAIRS}) | result |`);
  console.log('|---|---|');
  console.log(
    `| before chunks: read full, downsample, write text | ${(median(old.map((x) => x.ms)) / 1000).toFixed(2)} s |`,
  );
  console.log(`| now: sampling path, binary chunks | ${(median(cur.map((x) => x.ms)) / 1000).toFixed(2)} s |`);
  console.log(
    `| now / before (median of per-pair ratios) | **${(median(ratios) * 100).toFixed(1)}%** (target < 25%) |`,
  );
  console.log(`| CPU time now / before (median of per-pair ratios) | ${(median(cpuRatios) * 100).toFixed(1)}% |`);
  console.log(`| histories published before | ${mib(old[0]!.bytes)} |`);
  console.log(`| histories published now | **${mib(cur[0]!.bytes)}** (target < 40 MB) |`);
  console.log(`| load average at the end | ${(await import('node:os')).loadavg()[0]!.toFixed(1)} |`);
}

await main();
