/**
 * Autolog for ml.js estimators (ml-random-forest, ml-cart, ml-knn, ...): their params are the options they were built
 * with, kept either as an `options` object (ml-cart) or as the estimator's own fields (ml-random-forest).
 */
import { logStep, targetRun, type AutologOptions } from './target.js';

type ParamValue = string | number | boolean;

/**
 * Logs an ml.js estimator's options as params (nested option objects as `treeOptions.maxDepth`) plus `estimator`, its
 * class name, and returns what it logged. Call it before `train()`: afterwards some estimators also hold fields learned
 * from the data (e.g. `numberFeatures`), which would be logged as params too.
 *
 * @example
 * import { logEstimator } from 'tracklab';
 * const rf = new RandomForestClassifier({ nEstimators: 50, maxFeatures: 0.8, seed: 3 });
 * await logEstimator(rf);            // estimator=RandomForestClassifier, nEstimators=50, ...
 * rf.train(X, y);
 */
export async function logEstimator(
  estimator: object,
  options: AutologOptions = {},
): Promise<Record<string, ParamValue>> {
  const run = targetRun('logEstimator()', options);
  const params: Record<string, ParamValue> = { estimator: estimator.constructor.name };
  const own = estimator as Record<string, unknown>;
  const source = isPlain(own.options) ? own.options : own;
  flatten(source, '', params, 0);
  await run.logParams(params);
  await run.setTag('tracklab.autolog', 'mljs');
  return params;
}

/**
 * Logs evaluation results of an estimator as metrics at a step (default 0), shown live in the notebook.
 * @example logScores({ accuracy: 0.96, oob: 0.94 });
 */
export function logScores(scores: Record<string, number>, options: AutologOptions & { step?: number } = {}): void {
  logStep(targetRun('logScores()', options), scores, options.step ?? 0);
}

/** Primitive option values, nested plain objects flattened with dots; arrays, matrices and functions are state. */
function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, ParamValue>, depth: number): void {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' || typeof v === 'boolean') {
      out[prefix + k] = v as ParamValue;
    } else if (depth < 2 && isPlain(v)) {
      flatten(v, `${prefix}${k}.`, out, depth + 1);
    }
  }
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
