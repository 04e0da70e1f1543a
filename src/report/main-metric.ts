/**
 * Which metric decides "best" on an experiment page, and in which direction. Pure and Node-free (bundled into the
 * page).
 */
import type { Experiment, Run } from '../core/entities.js';

export interface MainMetric {
  key: string;
  higherIsBetter: boolean;
}

/** The experiment tag that names the main metric explicitly: `accuracy`, `loss:min`, `f1:max`. */
export const MAIN_METRIC_TAG = 'tracklab.report.mainMetric';

// Matched against the metric name split into words, so `val_loss`, `eval/accuracy` and `top1-acc` all count.
const SCORE =
  /(^|[^a-z])(acc|accuracy|f1|f1_score|auc|roc_auc|r2|precision|recall|score|map|iou|bleu|rouge|dice)([^a-z]|$)/i;
const LOSS = /(^|[^a-z])(loss|error|err|rmse|mae|mse|mape|perplexity|ppl|nll|wer|cer)([^a-z]|$)/i;
const SCHEDULE =
  /(^|[^a-z])(lr|learning_rate|learning-rate|epoch|epochs|step|steps|time|duration|seconds|secs|ms|iter|iteration|batch|samples|throughput|memory|mem|gpu|momentum|weight_decay|grad_norm|count)([^a-z]|$)/i;

/** Direction by name: losses and errors are minimized, everything else maximized. */
export const higherIsBetterFor = (key: string): boolean => !LOSS.test(key);

/** True for schedules and counters (lr, epoch, time...): they have no better direction. */
export const isSchedule = (key: string): boolean => SCHEDULE.test(key);

/** `score`, `loss` or `other` by name; schedules and counters are `other` whatever else they match. */
export function metricKind(key: string): 'score' | 'loss' | 'other' {
  if (SCHEDULE.test(key)) return 'other';
  if (SCORE.test(key)) return 'score';
  if (LOSS.test(key)) return 'loss';
  return 'other';
}

/**
 * The experiment's main metric: the `tracklab.report.mainMetric` tag wins; otherwise a score-like metric (maximized),
 * else a loss-like metric (minimized), logged by at least half of the runs that logged any metric (most runs first,
 * validation before training, then alphabetical). Schedules and counters (lr, epoch, time...) are never chosen.
 *
 * @example mainMetric(exp, runs) // { key: 'accuracy', higherIsBetter: true }
 */
export function mainMetric(experiment: Experiment, runs: readonly Run[]): MainMetric | null {
  const tag = experiment.tags[MAIN_METRIC_TAG];
  if (tag && tag.trim()) {
    const m = /^(.*?)(?::(min|max))?$/.exec(tag.trim());
    const key = m?.[1] || tag.trim();
    return { key, higherIsBetter: m?.[2] ? m[2] === 'max' : higherIsBetterFor(key) };
  }
  const counts = new Map<string, number>();
  let withMetrics = 0;
  for (const r of runs) {
    const keys = Object.keys(r.metrics);
    if (keys.length > 0) withMetrics++;
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const common = [...counts.entries()].filter(([, c]) => c * 2 >= withMetrics);
  const rank = ([k, c]: [string, number]): [number, number, string] => [
    -c,
    /(^|[^a-z])(val|valid|validation|test|eval)([^a-z]|$)/i.test(k) ? 0 : 1,
    k,
  ];
  const order = (a: [string, number], b: [string, number]): number => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0);
  };
  const score = common.filter(([k]) => metricKind(k) === 'score').sort(order)[0];
  if (score) return { key: score[0], higherIsBetter: true };
  const loss = common.filter(([k]) => metricKind(k) === 'loss').sort(order)[0];
  if (loss) return { key: loss[0], higherIsBetter: false };
  return null;
}

/** A loss-like metric to chart beside a score-like main metric (most logged, validation first), or null. */
export function companionLoss(runs: readonly Run[], main: MainMetric | null): string | null {
  if (!main || !main.higherIsBetter) return null;
  const counts = new Map<string, number>();
  for (const r of runs)
    for (const k of Object.keys(r.metrics)) if (metricKind(k) === 'loss') counts.set(k, (counts.get(k) ?? 0) + 1);
  const sorted = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (/val/i.test(a[0]) ? -1 : /val/i.test(b[0]) ? 1 : a[0] < b[0] ? -1 : 1),
  );
  return sorted[0]?.[0] ?? null;
}

/** The best FINISHED run by the main metric (finite values only), or null. */
export function bestRun(runs: readonly Run[], metric: MainMetric): { value: number; run: Run } | null {
  let out: { value: number; run: Run } | null = null;
  for (const run of runs) {
    if (run.status !== 'FINISHED') continue;
    const v = run.metrics[metric.key];
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!out || (metric.higherIsBetter ? v > out.value : v < out.value)) out = { value: v, run };
  }
  return out;
}
