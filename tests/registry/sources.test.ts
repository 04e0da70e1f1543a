/** Every kind of refused model source, through registerModel (and loadModel where it applies). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTemp, rejectsWith, runWithModel } from './helpers.js';

test('sources outside the store are refused: absolute paths, file://, http(s)://, other schemes', async (t) => {
  const { tracker, dir } = await openTemp(t);
  for (const source of [
    '/etc/passwd',
    `${dir}/runs`,
    'file:///etc/passwd',
    `file://${dir}/runs`,
    'http://evil.example/model',
    'https://x.example/m',
    's3://bucket/model',
    'models:/other/1',
    'model',
    '',
  ]) {
    await rejectsWith(
      tracker.registerModel('m', source),
      'INVALID_PARAMETER_VALUE',
      /model source .* is refused: only artifacts of a run in this store/,
    );
  }
  // the registry loads on first use: a refused call may leave no registry folder at all, and never a file in it
  const models = join(dir, 'registry', 'models');
  assert.deepEqual(existsSync(models) ? readdirSync(models) : [], []);
});

test('traversal in any spelling is refused', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  const cases: [string, RegExp][] = [
    [`runs:/${runId}/../../../etc`, /climbs out with "\.\."/],
    [`runs:/${runId}/model/../../other`, /climbs out with "\.\."/],
    [`runs:/${runId}/%2e%2e/%2e%2e/etc`, /percent-encoded/],
    [`runs:/${runId}/%252e%252e/etc`, /percent-encoded/],
    [`runs:/${runId}/..\\..\\etc`, /backslash/],
    [`runs:/${runId}/C:../x`, /drive letter/],
    [`runs:/${runId}/a#/../x`, /"#" or "\?"/],
    [`runs:/${runId}/a?../x`, /"#" or "\?"/],
    [`runs:/${runId}/model\0`, /NUL byte/],
    [`runs:/${runId}//etc/passwd`, /it is absolute/],
    [`runs:/${runId}/./model`, /empty or "\." segment/],
    ['runs:/../../etc/model', /run id "\.\." is invalid/],
    ['runs:/a%2fb/model', /run id "a%2fb" is invalid/],
  ];
  for (const [source, why] of cases)
    await rejectsWith(tracker.registerModel('m', source), 'INVALID_PARAMETER_VALUE', why);
});

test('a run id that does not exist in this store is refused', async (t) => {
  const { tracker } = await openTemp(t);
  await rejectsWith(
    tracker.registerModel('m', 'runs:/0123456789abcdef0123456789abcdef/model'),
    'RESOURCE_DOES_NOT_EXIST',
    /run 0123456789abcdef0123456789abcdef does not exist in store file:/,
  );
  await rejectsWith(
    tracker.loadModel('runs:/0123456789abcdef0123456789abcdef/model'),
    'RESOURCE_DOES_NOT_EXIST',
    /does not exist/,
  );
});

test('a path that is not an artifact (or not a model) of that run is refused', async (t) => {
  const { tracker } = await openTemp(t);
  const run = await tracker.startRun();
  await run.logModel({ w: 1 }, { path: 'model' });
  await run.logText('hello', 'notes/readme.md');
  await run.end();
  await rejectsWith(
    tracker.registerModel('m', `runs:/${run.id}/missing`),
    'RESOURCE_DOES_NOT_EXIST',
    /"missing" is not an artifact of run/,
  );
  await rejectsWith(
    tracker.registerModel('m', `runs:/${run.id}/notes`),
    'INVALID_PARAMETER_VALUE',
    /"notes" in run .* is not a logged model \(no tracklab-model.json\)/,
  );
  await rejectsWith(
    tracker.registerModel('m', `runs:/${run.id}/notes/readme.md`),
    'INVALID_PARAMETER_VALUE',
    /is not a logged model/,
  );
  await rejectsWith(
    tracker.loadModel(`runs:/${run.id}/notes`),
    'RESOURCE_DOES_NOT_EXIST',
    /is not a logged model \(no tracklab-model.json\)/,
  );
  // a model of ANOTHER run is not an artifact of this one
  const other = await runWithModel(tracker, { w: 2 }, 'other-model');
  await rejectsWith(
    tracker.registerModel('m', `runs:/${run.id}/other-model`),
    'RESOURCE_DOES_NOT_EXIST',
    /not an artifact of run/,
  );
  assert.equal((await tracker.registerModel('m', `runs:/${other}/other-model`)).version, 1);
});

test('a symlink in the artifacts pointing outside the store is refused', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const run = await tracker.startRun();
  await run.logText('x', 'placeholder.txt');
  await run.end();
  const outside = join(dir, '..', `outside-${run.id}`);
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'tracklab-model.json'), '{}');
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  symlinkSync(outside, join(dir, 'runs', run.id, 'artifacts', 'model'));
  await rejectsWith(
    tracker.registerModel('m', `runs:/${run.id}/model`),
    'PERMISSION_DENIED',
    /symlink that points outside the store/,
  );
  await rejectsWith(
    tracker.loadModel(`runs:/${run.id}/model`),
    'PERMISSION_DENIED',
    /symlink that points outside the store/,
  );
});

test('a deleted run is refused until restored', async (t) => {
  const { tracker } = await openTemp(t);
  const runId = await runWithModel(tracker);
  await tracker.deleteRun(runId);
  await rejectsWith(
    tracker.registerModel('m', `runs:/${runId}/model`),
    'INVALID_STATE',
    /run .* is deleted; restore it/,
  );
  await tracker.restoreRun(runId);
  assert.equal((await tracker.registerModel('m', `runs:/${runId}/model`)).version, 1);
});
