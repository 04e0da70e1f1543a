/**
 * A history's points as plain `{ step, value, timestamp }` objects, made from float64 columns in one pass.
 *
 * Reading a long history as objects costs mostly the garbage collector: every object and every boxed number it holds
 * is copied when young objects are collected. A step that is a small integer is stored as one (not a boxed float), so
 * a point is one object and two numbers instead of three; -0 and steps outside that range keep their exact value.
 */

/** One point of a history as the tracker returns it. */
export interface HistoryPoint {
  step: number;
  value: number;
  timestamp: number;
}

/** One point (fields always in this order, so every point has the same shape). */
export function toHistoryPoint(step: number, value: number, timestamp: number): HistoryPoint {
  return { step: (step | 0) === step && !Object.is(step, -0) ? step | 0 : step, value, timestamp };
}

/** Every point of three columns as objects, in column order. */
export function toHistoryPoints(
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  timestamps: ArrayLike<number>,
): HistoryPoint[] {
  const out = new Array<HistoryPoint>(steps.length);
  fillHistoryPoints(out, 0, steps, values, timestamps);
  return out;
}

/** The points of three columns as objects, written to `out` from index `at` on. */
export function fillHistoryPoints(
  out: HistoryPoint[],
  at: number,
  steps: ArrayLike<number>,
  values: ArrayLike<number>,
  timestamps: ArrayLike<number>,
): void {
  for (let i = 0, j = at; i < steps.length; i++, j++) {
    const s = steps[i]!;
    // the same literal as toHistoryPoint, written out: a call per point costs before the loop is optimised
    out[j] = { step: (s | 0) === s && !Object.is(s, -0) ? s | 0 : s, value: values[i]!, timestamp: timestamps[i]! };
  }
}
