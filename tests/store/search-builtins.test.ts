/**
 * A cold search of the JSON store, and a first history read, import no Node builtin as an ES module except node:path:
 * each one imported that way gets a facade module built in every fresh process (node:fs: ~3 ms, a share of the cold
 * search's budget and of a first read's), so the modules on those paths take builtins with `process.getBuiltinModule`.
 * The built package, in real processes, with a resolve hook that records which builtins the package's modules import.
 * And a first read of a compacted run loads one module, the readers' (each module costs a cold process ~0.5-1 ms).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { distCli, tempDir } from '../helpers.js';

const DIST_INDEX = pathToFileURL(join(distCli, '..', '..', 'index.js')).href;
const ALLOWED = new Set(['node:path']);

/** Runs `script` (an ES module) in a fresh process under the module hooks of source `hooks`; returns its output. */
function runWithHooks(dir: string, name: string, hooks: string, script: string): { stdout: string; stderr: string } {
  writeFileSync(join(dir, `${name}-hooks.mjs`), hooks);
  const register = join(dir, `${name}.mjs`);
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister('./${name}-hooks.mjs', import.meta.url);\n`,
  );
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

/** The builtins the package's modules import while `script` runs in a fresh process, as "builtin <- module". */
function builtinsImported(dir: string, script: string): string[] {
  const hooks = `import { builtinModules } from 'node:module';
const builtin = (s) => s.startsWith('node:') || builtinModules.includes(s);
export async function resolve(specifier, context, next) {
  if (builtin(specifier) && context.parentURL?.includes('/dist/')) console.error('BUILTIN ' + specifier + ' <- ' + context.parentURL);
  return next(specifier, context);
}\n`;
  const r = runWithHooks(dir, 'record', hooks, script);
  assert.match(r.stdout, /^(found|read) \d+/m, r.stdout);
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('BUILTIN '))
    .map((l) => l.slice('BUILTIN '.length).replace(/file:\/\/.*\/dist\//, 'dist/'));
}

describe('the cold search path', () => {
  it('imports no builtin as an ES module but node:path, without the cache file and with it', async () => {
    const dir = tempDir();
    const store = join(dir, 'store');
    const tracker = await Tracker.open({ store });
    // more runs than a store needs before the search writes its cache
    for (let i = 0; i < 220; i++) {
      const run = await tracker.startRun({ experiment: 'e' });
      run.logMetric('acc', i / 220);
      await run.end();
    }
    await tracker.close();
    const script = `const { Tracker } = await import(${JSON.stringify(DIST_INDEX)});
const t = await Tracker.open({ store: ${JSON.stringify(store)} });
const { runs } = await t.searchRuns({ experiments: ['e'], filter: 'metrics.acc > 0.5', orderBy: ['metrics.acc DESC'] });
console.log('found', runs.length);
await t.close();`;
    for (const which of ['no cache file', 'with the cache file']) {
      const unwanted = builtinsImported(dir, script).filter((l) => !ALLOWED.has(l.split(' ')[0]!));
      assert.deepEqual(unwanted, [], `${which}: take these with process.getBuiltinModule instead`);
    }
  });
});

/** A store with one run of 6,000 points of 'loss', compacted when it ended (more than COMPACT_AT_END_BYTES). */
async function compactedRun(): Promise<{ dir: string; store: string; run: { id: string } }> {
  const dir = tempDir();
  const store = join(dir, 'store');
  const tracker = await Tracker.open({ store });
  const run = await tracker.startRun({ experiment: 'e' });
  for (let i = 0; i < 6000; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
  await run.end();
  await tracker.close();
  // the reads go through the segment the run's end wrote
  assert.ok(existsSync(join(store, 'runs', run.id, 'metrics.seg')));
  return { dir, store, run };
}

describe('a first history read', () => {
  it('imports no builtin as an ES module but node:path: every point, a sampled read and the columns', async () => {
    const { dir, store, run } = await compactedRun();
    const script = `const { Tracker } = await import(${JSON.stringify(DIST_INDEX)});
const t = await Tracker.open({ store: ${JSON.stringify(store)} });
const points = await t.getMetricHistory(${JSON.stringify(run.id)}, 'loss');
const { total } = await t.getMetricHistory(${JSON.stringify(run.id)}, 'loss', { maxPoints: 100 });
const { steps } = await t.getMetricColumns(${JSON.stringify(run.id)}, 'loss');
if (points.length + total + steps.length !== 3 * 6000) throw new Error('read ' + [points.length, total, steps.length]);
console.log('read', points.length);
await t.close();`;
    const unwanted = builtinsImported(dir, script).filter((l) => !ALLOWED.has(l.split(' ')[0]!));
    assert.deepEqual(unwanted, [], 'take these with process.getBuiltinModule instead');
  });
});

describe('importing the package', () => {
  it('does not load node:crypto (~2.5 ms with the streams it loads): it is taken on the first digest or random id', () => {
    const script = `await import(${JSON.stringify(DIST_INDEX)});
console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (crypto|zlib)$/.test(m))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });
});

/** The package's modules loaded (in load order) after `Tracker.open` while `reads` runs against `store`. */
function modulesLoadedByReads(dir: string, store: string, reads: string): string[] {
  const log = join(dir, 'loads.log');
  writeFileSync(log, '');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.includes('/dist/')) appendFileSync(${JSON.stringify(log)}, url.replace(/.*\\/dist\\//, '') + '\\n');
  return next(url, context);
}\n`;
  const script = `import { appendFileSync } from 'node:fs';
const { Tracker } = await import(${JSON.stringify(DIST_INDEX)});
const t = await Tracker.open({ store: ${JSON.stringify(store)} });
appendFileSync(${JSON.stringify(log)}, 'OPENED\\n');
${reads}
await t.close();`;
  runWithHooks(dir, 'loads', hooks, script);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  return lines.slice(lines.indexOf('OPENED') + 1);
}

describe('a first read', () => {
  it('loads no module: the readers, the line reader and the columns builder come with the store', async () => {
    const { dir, store, run } = await compactedRun();
    const id = JSON.stringify(run.id);
    const reads = [
      `await t.getMetricHistory(${id}, 'loss', { maxPoints: 100 });`,
      `await t.getMetricHistory(${id}, 'loss');`,
      `await t.getMetricColumns(${id}, 'loss');`,
    ];
    for (const read of reads) assert.deepEqual(modulesLoadedByReads(dir, store, read), [], read);
    // a point logged after the segment: its lines are read too
    appendFileSync(
      join(store, 'runs', run.id, 'metrics.jsonl'),
      '{"key":"loss","value":1,"step":6000,"timestamp":1}\n',
    );
    for (const read of reads) assert.deepEqual(modulesLoadedByReads(dir, store, read), [], `${read} (with lines)`);
  });
});
