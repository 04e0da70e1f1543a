/**
 * Tracking-core benchmarks. Run: npm run build && node --import tsx bench/tracking.ts
 * Prints a markdown table of medians; every target is compared with a baseline measured in this same process.
 */
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { fmt, median, scratch, timeIt } from './stats.js';

const rows: string[][] = [];
const report = (what: string, value: string, target: string, baseline: string): void => {
  rows.push([what, value, target, baseline]);
};

/** Baseline: build the same JSON lines as the store does and write them to one file directly. */
function directLines(file: string, n: number): void {
  const fd = openSync(file, 'a');
  let buf = '';
  const ts = Date.now();
  for (let i = 0; i < n; i++) {
    buf += `{"key":"loss","value":${1 / (i + 1)},"step":${i},"timestamp":${ts}}\n`;
    if (buf.length >= 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  fsyncSync(fd);
  closeSync(fd);
}

async function logMetricThroughput(): Promise<void> {
  const n = 2_000_000;
  const ours: number[] = [];
  const base: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const { dir, done } = scratch('tl-bench-');
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const run = await tracker.startRun({ experiment: 'bench' });
    const ts = Date.now();
    ours.push(
      await timeIt(async () => {
        for (let i = 0; i < n; i++) run.logMetric('loss', 1 / (i + 1), { step: i, timestamp: ts });
        await run.end();
      }),
    );
    base.push(await timeIt(() => directLines(join(dir, 'direct.jsonl'), n)));
    await tracker.close();
    done();
  }
  const o = median(ours);
  const b = median(base);
  report(
    'logMetric, 2M points in one run incl. end()',
    `${fmt(n / o / 1000, 2)} M points/s (${fmt(o, 0)} ms)`,
    '>= 2 M points/s',
    `direct JSON lines to one file: ${fmt(n / b / 1000, 2)} M/s (${fmt(b, 0)} ms); ratio ${fmt(o / b, 2)}x (target <= 1.5x)`,
  );
  const clock: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const { dir, done } = scratch('tl-bench-');
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const run = await tracker.startRun({ experiment: 'bench' });
    clock.push(
      await timeIt(async () => {
        for (let i = 0; i < n; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
        await run.end();
      }),
    );
    await tracker.close();
    done();
  }
  report(
    'logMetric, 2M points, timestamp from the clock (Date.now() per point)',
    `${fmt(n / median(clock) / 1000, 2)} M points/s (${fmt(median(clock), 0)} ms)`,
    '>= 2 M points/s',
    'same as the row above',
  );
}

async function logMetricMemory(): Promise<void> {
  const { dir, done } = scratch('tl-bench-');
  const tracker = await Tracker.open({ store: join(dir, 'store') });
  const run = await tracker.startRun({ experiment: 'bench' });
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const t = performance.now();
  for (let i = 0; i < 10_000_000; i++) {
    run.logMetric('loss', 1 / (i + 1), { step: i });
    if (i % 500_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  await run.end();
  peak = Math.max(peak, process.memoryUsage().rss);
  const ms = performance.now() - t;
  await tracker.close();
  done();
  report(
    'logMetric, 10M points: RSS growth',
    `${fmt((peak - before) / 2 ** 20)} MiB (${fmt(ms / 1000, 1)} s)`,
    'bounded',
    `points are 10M x ~60 B = ${fmt((10_000_000 * 60) / 2 ** 20, 0)} MiB of JSON if held in memory`,
  );
}

async function createRuns(): Promise<void> {
  const ours: number[] = [];
  const floors: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const { dir, done } = scratch('tl-bench-');
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    await tracker.ensureExperiment('bench');
    ours.push(
      await timeIt(async () => {
        for (let r = 0; r < 1000; r++) {
          const run = await tracker.startRun({ experiment: 'bench', name: `r${r}` });
          await run.logParams({ a: r, b: 2, c: 3, d: 4, e: 5 });
          run.logMetrics({ m1: r, m2: 2, m3: 3, m4: 4, m5: 5 });
          await run.end();
        }
      }),
    );
    const floorDir = join(dir, 'floor');
    mkdirSync(floorDir);
    floors.push(
      await timeIt(() => {
        for (let r = 0; r < 1000; r++) {
          mkdirSync(join(floorDir, `r${r}`));
          const fd = openSync(join(floorDir, `r${r}`, 'run.json'), 'w');
          writeSync(fd, `{"id":"r${r}","params":{"a":"${r}"}}`);
          fsyncSync(fd);
          closeSync(fd);
        }
      }),
    );
    await tracker.close();
    done();
  }
  const o = median(ours);
  const f = median(floors);
  report(
    '1,000 runs x (5 params, 5 metrics), ended',
    `${fmt(o / 1000, 2)} s`,
    '< 1.5 s, or <= 2x floor',
    `floor (mkdir + one fsynced file per run): ${fmt(f / 1000, 2)} s; ratio ${fmt(o / f, 2)}x`,
  );
}

function spawnWriter(store: string, runs: number, points: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'workers', 'writer.mjs'), store, String(runs), String(points)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve((JSON.parse(out) as { ms: number }).ms) : reject(new Error(`writer exited ${code}`)),
    );
  });
}

async function concurrentWriters(): Promise<void> {
  const runs = 100;
  const points = 10_000;
  const results: number[] = [];
  const single: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const { dir, done } = scratch('tl-bench-');
    await (await Tracker.open({ store: dir })).ensureExperiment('concurrent');
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => spawnWriter(dir, runs, points)));
    results.push(performance.now() - t);
    const t1 = performance.now();
    await spawnWriter(dir, runs, points);
    single.push(performance.now() - t1);
    done();
  }
  const wall = median(results);
  const one = median(single);
  report(
    '8 writer processes x 100 runs x 10k points',
    `${fmt((8 * runs) / (wall / 1000), 0)} runs/s, ${fmt((8 * runs * points) / (wall / 1000) / 1e6, 2)} M points/s aggregate (${fmt(wall / 1000, 2)} s)`,
    'reported',
    `one process alone: ${fmt(runs / (one / 1000), 0)} runs/s, ${fmt((runs * points) / (one / 1000) / 1e6, 2)} M points/s`,
  );
}

async function makeRuns(store: string, n: number): Promise<void> {
  const tracker = await Tracker.open({ store });
  for (let r = 0; r < n; r++) {
    const run = await tracker.startRun({ experiment: 'search', name: `r${r}` });
    run.queueParams({ model: r % 2 ? 'rf' : 'knn', lr: r % 7 });
    run.logMetrics({ acc: ((r * 7919) % 1000) / 1000, loss: 1 / (r + 1) });
    await run.end();
  }
  await tracker.close();
}

async function searchWarm(): Promise<void> {
  const { dir, done } = scratch('tl-bench-');
  await makeRuns(dir, 1000);
  const tracker = await Tracker.open({ store: dir });
  const query = { experiments: ['search'], filter: 'metrics.acc > 0.5', orderBy: ['metrics.acc DESC'] };
  await tracker.searchRuns(query);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) times.push(await timeIt(() => tracker.searchRuns(query)));
  // baseline: what the search itself costs on runs already in memory (no I/O at all)
  const all = (await tracker.searchRuns({ experiments: ['search'], maxResults: 50000 })).runs;
  const { searchInMemory } = await import('../src/core/search/index.js');
  const mem: number[] = [];
  for (let i = 0; i < 30; i++) mem.push(await timeIt(() => searchInMemory(all, query)));
  await tracker.close();
  done();
  report(
    'searchRuns `metrics.acc > 0.5`, 1,000 runs, warm',
    `${fmt(median(times), 2)} ms`,
    '< 20 ms',
    `filter + sort alone, in memory: ${fmt(median(mem), 2)} ms`,
  );
}

function coldSearch(store: string): Promise<{ inProcess: number; wall: number }> {
  const script = `
    const t0 = performance.now();
    const { Tracker } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.js'))});
    const tracker = await Tracker.open({ store: ${JSON.stringify(store)} });
    const { runs } = await tracker.searchRuns({ experiments: ['search'], filter: 'metrics.acc > 0.5', orderBy: ['metrics.acc DESC'], maxResults: 50000 });
    if (runs.length < 1000) throw new Error('too few runs ' + runs.length);
    console.log(performance.now() - t0);`;
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve({ inProcess: Number(out), wall: performance.now() - t }) : reject(new Error(`exit ${code}`)),
    );
  });
}

async function searchCold(): Promise<void> {
  const { dir, done } = scratch('tl-bench-');
  await makeRuns(dir, 10_000);
  const inside: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await coldSearch(dir);
    inside.push(r.inProcess);
    walls.push(r.wall);
  }
  const empty: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', resolve));
    empty.push(performance.now() - t);
  }
  done();
  report(
    'searchRuns `metrics.acc > 0.5`, 10,000 runs, cold process',
    `${fmt(median(inside), 0)} ms (import + open + search); process wall ${fmt(median(walls), 0)} ms`,
    '< 300 ms',
    `empty node process: ${fmt(median(empty), 0)} ms`,
  );
}

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  logMetric: logMetricThroughput,
  memory: logMetricMemory,
  createRuns,
  concurrent: concurrentWriters,
  searchWarm,
  searchCold,
};
for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}...\n`);
  await bench();
}
console.log('| measurement | result (median) | target | baseline, same run |\n|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
