/**
 * What fencing and the failure handling cost. Run: npm run bench -- reliability
 * Each figure is compared with the same work done by tracklab as it was before them (commit BASELINE_COMMIT, checked
 * out once into a temp folder and imported beside the current code), alternating the two in one process.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, scratch, timeIt } from './stats.js';

const BASELINE_COMMIT = '56b4660';
const repo = join(import.meta.dirname, '..');

interface TrackerLike {
  ensureExperiment(name: string): Promise<unknown>;
  startRun(o: { experiment: string; name: string }): Promise<{
    logParams(p: Record<string, unknown>): Promise<void>;
    logMetrics(m: Record<string, number>): void;
    end(): Promise<void>;
  }>;
  close(): Promise<void>;
}
interface Api {
  Tracker: { open(o: { store: string }): Promise<TrackerLike> };
}
interface RegistryCtor {
  new (root: string): { createModelVersion(name: string, v: unknown): Promise<unknown> };
}

/**
 * The source tree of the baseline commit, with this checkout's node_modules plus the one dependency the baseline had
 * and this checkout dropped (proper-lockfile, installed once, pinned, into the temp folder).
 */
function baselineDir(): string {
  const dir = join(tmpdir(), `tracklab-bench-baseline-${BASELINE_COMMIT}`);
  if (!existsSync(join(dir, 'node_modules', 'proper-lockfile'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    execSync(`git archive ${BASELINE_COMMIT} src package.json | tar -x -C ${dir}`, { cwd: repo });
    const extra = join(dir, 'extra');
    execSync(
      `npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --prefix ${extra} proper-lockfile@4.1.2`,
      { stdio: 'ignore' },
    );
    for (const from of [join(repo, 'node_modules'), join(extra, 'node_modules')]) {
      for (const name of readdirSync(from)) {
        const link = join(dir, 'node_modules', name);
        if (!existsSync(link)) symlinkSync(join(from, name), link);
      }
    }
  }
  return dir;
}

async function thousandRuns(api: Api): Promise<number> {
  const { dir, done } = scratch('tl-bench-rel-');
  const tracker = await api.Tracker.open({ store: join(dir, 'store') });
  await tracker.ensureExperiment('bench');
  const ms = await timeIt(async () => {
    for (let r = 0; r < 1000; r++) {
      const run = await tracker.startRun({ experiment: 'bench', name: `r${r}` });
      await run.logParams({ a: r, b: 2, c: 3, d: 4, e: 5 });
      run.logMetrics({ m1: r, m2: 2, m3: 3, m4: 4, m5: 5 });
      await run.end();
    }
  });
  await tracker.close();
  done();
  return ms;
}

/** 100 versions of one model: the registry's lock, re-read, change and durable rewrite (the part fencing touches). */
async function hundredVersions(api: Api, Registry: RegistryCtor): Promise<number> {
  const { dir, done } = scratch('tl-bench-rel-');
  await (await api.Tracker.open({ store: dir })).close();
  const registry = new Registry(dir);
  const version = { source: 's', runId: 'r', path: 'model', description: '', tags: {}, user: 'bench' };
  const ms = await timeIt(async () => {
    for (let i = 0; i < 100; i++) await registry.createModelVersion('m', version);
  });
  done();
  return ms;
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall and CPU (user + system) time of `fn`. */
async function sample(fn: () => Promise<number>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const wall = await fn();
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Alternates now and before, each pair in the other order than the last, and keeps each pair's ratio: load from other
 * processes changes slowly compared with one pair, so it cancels out of the ratio more than out of separate medians.
 */
async function pairs(n: number, now: () => Promise<number>, then: () => Promise<number>): Promise<Sample[][]> {
  const out: Sample[][] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const b = await sample(then);
      out.push([await sample(now), b]);
    } else {
      const a = await sample(now);
      out.push([a, await sample(then)]);
    }
  }
  return out;
}

const base = baselineDir();
const now = (await import('../src/index.js')) as unknown as Api;
const then = (await import(join(base, 'src', 'index.ts'))) as Api;
const NowRegistry = (await import('../src/store/json/json-registry.js')).JsonRegistry as unknown as RegistryCtor;
const ThenRegistry = (
  (await import(join(base, 'src', 'store', 'json', 'json-registry.ts'))) as { JsonRegistry: RegistryCtor }
).JsonRegistry;
const PAIRS = Number(process.env['TRACKLAB_BENCH_PAIRS'] ?? 9);
const loadBefore = loadavg();
// one of each first, so module loading and JIT warm-up fall on neither side
await thousandRuns(then);
await thousandRuns(now);
const runs = await pairs(
  PAIRS,
  () => thousandRuns(now),
  () => thousandRuns(then),
);
const regs = await pairs(
  PAIRS,
  () => hundredVersions(now, NowRegistry),
  () => hundredVersions(then, ThenRegistry),
);

const row = (what: string, xs: Sample[][], unit: (ms: number) => string): string => {
  const ratio = (k: keyof Sample): number => median(xs.map(([a, b]) => (a as Sample)[k] / (b as Sample)[k]));
  const nowMs = median(xs.map(([a]) => (a as Sample).wall));
  const thenMs = median(xs.map(([, b]) => (b as Sample).wall));
  return (
    `| ${what} | ${unit(nowMs)} | ${unit(thenMs)} | **${fmt(ratio('wall'), 3)}x** | ${fmt(ratio('cpu'), 3)}x | ` +
    `${xs.map(([a, b]) => fmt((a as Sample).wall / (b as Sample).wall, 2)).join(', ')} |`
  );
};
const loads = (xs: number[]): string => xs.map((l) => fmt(l, 1)).join(' ');
console.log(`load average (1, 5, 15 min) at the start: ${loads(loadBefore)}`);
console.log(
  `| what (${PAIRS} alternating pairs) | now, median | before, median | wall ratio, median of pairs (target <= 1.10x) ` +
    '| CPU ratio, median | each pair (wall) |\n|---|---|---|---|---|---|',
);
console.log(row('1,000 runs x (5 params, 5 metrics), ended', runs, (ms) => `${fmt(ms / 1000, 2)} s`));
console.log(row('100 registrations of one model', regs, (ms) => `${fmt(ms, 0)} ms`));
console.log(`load average at the end: ${loads(loadavg())}`);
