/** The running summary of a metric that every backend keeps beside its points, folded the same way everywhere. */
import type { MetricSummary } from './entities.js';

/**
 * Folds one point into a summary, in place. "Latest" is the point with the largest (step, timestamp, value), as in
 * MLflow; min and max skip NaN unless every point so far was NaN.
 *
 * @example
 * const s = { value: 1, step: 0, timestamp: 5, min: 1, max: 1, count: 1 };
 * foldPoint(s, 0.5, 1, 6); // s.value === 0.5, s.min === 0.5, s.count === 2
 */
export function foldPoint(s: MetricSummary, value: number, step: number, timestamp: number): void {
  s.count += 1;
  if (value < s.min || Number.isNaN(s.min)) s.min = value;
  if (value > s.max || Number.isNaN(s.max)) s.max = value;
  if (
    step > s.step ||
    (step === s.step && (timestamp > s.timestamp || (timestamp === s.timestamp && value > s.value)))
  ) {
    s.value = value;
    s.step = step;
    s.timestamp = timestamp;
  }
}
