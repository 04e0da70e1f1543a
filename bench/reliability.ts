/**
 * What fencing and the failure handling cost (issue 8). Run: npm run bench -- reliability
 * Each figure is compared with the same work done by tracklab as it was before them (commit BASELINE_COMMIT, checked
 * out once into a temp folder and imported beside the current code), alternating the two in one process.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The source tree of the baseline commit, with this checkout's node_modules. */
function baselineDir(): string {
  const dir = join(tmpdir(), `tracklab-bench-baseline-${BASELINE_COMMIT}`);
  if (!existsSync(join(dir, 'src'))) {
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${BASELINE_COMMIT} src package.json | tar -x -C ${dir}`, { cwd: repo });
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
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

const base = baselineDir();
const now = (await import('../src/index.js')) as unknown as Api;
const then = (await import(join(base, 'src', 'index.ts'))) as Api;
const NowRegistry = (await import('../src/store/json/json-registry.js')).JsonRegistry as unknown as RegistryCtor;
const ThenRegistry = (
  (await import(join(base, 'src', 'store', 'json', 'json-registry.ts'))) as { JsonRegistry: RegistryCtor }
).JsonRegistry;
const runs = { now: [] as number[], then: [] as number[] };
const regs = { now: [] as number[], then: [] as number[] };
for (let rep = 0; rep < 5; rep++) {
  runs.then.push(await thousandRuns(then));
  runs.now.push(await thousandRuns(now));
  regs.then.push(await hundredVersions(then, ThenRegistry));
  regs.now.push(await hundredVersions(now, NowRegistry));
}
const row = (what: string, xs: { now: number[]; then: number[] }, unit: (ms: number) => string): string => {
  const ratio = median(xs.now) / median(xs.then);
  return `| ${what} | ${unit(median(xs.now))} | ${unit(median(xs.then))} | **${fmt(ratio, 3)}x** (target <= 1.10x) |`;
};
console.log('| what (median of 5, alternating) | now | before (same run) | ratio |\n|---|---|---|---|');
console.log(row('1,000 runs x (5 params, 5 metrics), ended', runs, (ms) => `${fmt(ms / 1000, 2)} s`));
console.log(row('100 registrations of one model', regs, (ms) => `${fmt(ms, 0)} ms`));
