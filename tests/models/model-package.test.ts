import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerFlavor } from '../../src/models/flavor.js';
import { registerJsonLoader } from '../../src/models/json-flavor.js';
import { TRACKLAB_VERSION } from '../../src/core/version.js';
import { TAGS } from '../../src/core/entities.js';
import { openTemp, rejectsWith } from '../registry/helpers.js';

test('logModel writes the model and a manifest (tracklab-model.json) with an inferred signature', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const run = await tracker.startRun();
  const model = { weights: [0.5, -1], bias: 2 };
  const logged = await run.logModel(model, {
    path: 'model',
    flavor: 'json',
    inputExample: [{ x1: 1.5, x2: 2 }],
    metadata: { owner: 'ml-team' },
  });
  assert.equal(logged.uri, `runs:/${run.id}/model`);
  const folder = join(dir, 'runs', run.id, 'artifacts', 'model');
  const manifest = JSON.parse(readFileSync(join(folder, 'tracklab-model.json'), 'utf8')) as typeof logged.manifest;
  assert.deepEqual(manifest, logged.manifest);
  assert.equal(manifest.flavor, 'json');
  assert.deepEqual(manifest.flavors, { json: { data: 'model.json', loader: null } });
  assert.equal(manifest.runId, run.id);
  assert.equal(manifest.artifactPath, 'model');
  assert.equal(manifest.tracklabVersion, TRACKLAB_VERSION);
  assert.match(manifest.modelUuid, /^[0-9a-f]{32}$/);
  assert.equal(new Date(manifest.utcTimeCreated).getTime(), manifest.createdAt);
  assert.deepEqual(manifest.files, ['input_example.json', 'model.json']);
  assert.equal(
    manifest.sizeBytes,
    readFileSync(join(folder, 'model.json')).length + readFileSync(join(folder, 'input_example.json')).length,
  );
  assert.deepEqual(manifest.signature, {
    inputs: [
      { name: 'x1', type: 'double', required: true },
      { name: 'x2', type: 'long', required: true },
    ],
  });
  assert.equal(manifest.inputExample, 'input_example.json');
  assert.deepEqual(manifest.metadata, { owner: 'ml-team' });
  assert.deepEqual(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')), model);
  const history = JSON.parse((await tracker.getRun(run.id)).tags[TAGS.logModelHistory] ?? '[]') as {
    artifact_path: string;
  }[];
  assert.deepEqual(
    history.map((h: { artifact_path: string }) => h.artifact_path),
    ['model'],
  );
  assert.deepEqual(await tracker.loadModel(logged.uri), model);
  await run.end();
});

test('json flavor: functions need a loader; the loader recreates predict when it is registered', async (t) => {
  const { tracker } = await openTemp(t);
  const run = await tracker.startRun();
  const linear = {
    w: 2,
    b: 1,
    predict(xs: number[]) {
      return xs.map((x) => this.w * x + this.b);
    },
  };
  await rejectsWith(
    run.logModel(linear),
    'INVALID_PARAMETER_VALUE',
    /model property "predict" is a function, which JSON cannot store; register a loader/,
  );
  const logged = await run.logModel(linear, { loader: 'linear-test', inputExample: [1, 2] });
  assert.deepEqual(
    logged.manifest.signature,
    {
      inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }],
      outputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }],
    },
    "outputs inferred from the model's predictions",
  );
  assert.deepEqual(await tracker.loadModel(logged.uri), { w: 2, b: 1 }, 'without the loader: the logged data');
  registerJsonLoader('linear-test', (data) => {
    const m = data as { w: number; b: number };
    return { ...m, predict: (xs: number[]) => xs.map((x) => m.w * x + m.b) };
  });
  const loaded = await tracker.loadModel<{ predict(xs: number[]): number[] }>(logged.uri);
  assert.deepEqual(loaded.predict([1, 2, 3]), [3, 5, 7]);
  await run.end();
});

test('a model path is written once; bad paths, flavors and values are refused', async (t) => {
  const { tracker } = await openTemp(t);
  const run = await tracker.startRun();
  await run.logModel({ a: 1 });
  await rejectsWith(
    run.logModel({ a: 2 }),
    'RESOURCE_ALREADY_EXISTS',
    /already has artifacts at "model"; log the model under another path/,
  );
  await rejectsWith(
    run.logModel({ a: 1 }, { path: '../x' }),
    'INVALID_PARAMETER_VALUE',
    /model path "\.\.\/x" is refused/,
  );
  await rejectsWith(run.logModel({ a: 1 }, { path: '' }), 'INVALID_PARAMETER_VALUE', /give a folder name/);
  await rejectsWith(
    run.logModel({ a: 1 }, { path: 'm2', flavor: 'onnx' }),
    'INVALID_STATE',
    /flavor "onnx" is not registered in this process/,
  );
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  await rejectsWith(
    run.logModel(cyclic, { path: 'm3' }),
    'INVALID_PARAMETER_VALUE',
    /cannot be saved by the json flavor/,
  );
  await rejectsWith(run.logModel(10n, { path: 'm4' }), 'INVALID_PARAMETER_VALUE', /cannot be saved by the json flavor/);
  await run.end();
  await rejectsWith(run.logModel({ a: 1 }, { path: 'late' }), 'INVALID_STATE', /has ended/);
});

test('custom flavors plug in with registerFlavor and are picked by detect()', async (t) => {
  const { tracker } = await openTemp(t);
  class Poly {
    constructor(readonly coef: number[]) {}
    at(x: number): number {
      return this.coef.reduce((s, c, i) => s + c * x ** i, 0);
    }
  }
  registerFlavor<Poly>({
    name: 'poly-test',
    detect: (m) => m instanceof Poly,
    save: (m) => ({ files: { 'coef.txt': m.coef.join(',') }, config: { degree: m.coef.length - 1 } }),
    load: async (files, config) => {
      assert.equal(config['degree'], 2);
      return new Poly((await files.readText('coef.txt')).split(',').map(Number));
    },
  });
  const run = await tracker.startRun();
  const logged = await run.logModel(new Poly([1, 0, 3]));
  assert.equal(logged.flavor, 'poly-test');
  const poly = await tracker.loadModel<Poly>(logged.uri);
  assert.ok(poly instanceof Poly);
  assert.equal(poly.at(2), 13);
  registerFlavor({ name: 'bad-files', save: () => ({ files: { '../escape': 'x' } }), load: () => null });
  await rejectsWith(
    run.logModel({}, { path: 'm5', flavor: 'bad-files' }),
    'INVALID_PARAMETER_VALUE',
    /file name from flavor "bad-files" "\.\.\/escape" is refused/,
  );
  registerFlavor({ name: 'bad-manifest', save: () => ({ files: { 'tracklab-model.json': '{}' } }), load: () => null });
  await rejectsWith(run.logModel({}, { path: 'm6', flavor: 'bad-manifest' }), 'INVALID_PARAMETER_VALUE', /is reserved/);
  assert.throws(
    () => registerFlavor({ name: 'Bad Name', save: () => ({ files: {} }), load: () => null }),
    /flavor name "Bad Name" is invalid/,
  );
  await run.end();
});

test('a damaged manifest is reported with its location', async (t) => {
  const { tracker, dir } = await openTemp(t);
  const run = await tracker.startRun();
  await run.logModel({ a: 1 });
  await run.end();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'runs', run.id, 'artifacts', 'model', 'tracklab-model.json'), '{"flavor": 1}');
  await rejectsWith(
    tracker.loadModel(`runs:/${run.id}/model`),
    'CORRUPT_STORE',
    /runs:\/.*\/model\/tracklab-model.json does not hold a model manifest/,
  );
});
