/**
 * A metric history as the charts take it (columns, non-finite values as null), and the pure point reduction behind
 * every history chart: LTTB downsampling and TensorBoard's smoothing.
 */

/** The fields of a history the charts read; the report's published series have this shape. */
export interface ChartSeries {
  steps: number[];
  /** wall time of the first point, ms since the epoch */
  t0: number;
  /** ms after t0 */
  times: number[];
  values: (number | null)[];
  /** number of points before downsampling */
  total: number;
  /** steps whose value was NaN or infinite, with that value's name (at most MAX_NON_FINITE); absent when none */
  nonFinite?: [number, string][];
}

/** Non-finite points listed per series: enough to mark where a run diverged. */
export const MAX_NON_FINITE = 200;

/**
 * Largest-Triangle-Three-Buckets over (index-ordered x, y): keeps the shape, first and last point, at most `threshold`
 * points. Null values are dropped first (they cannot be drawn).
 *
 * @example lttbIndices([0, 1, 2, 3], [1, 5, 2, 8], 3) // [0, 1, 3]
 */
export function lttbIndices(xs: readonly number[], ys: readonly (number | null)[], threshold: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < ys.length; i++) if (ys[i] !== null && Number.isFinite(ys[i])) idx.push(i);
  if (threshold >= idx.length || threshold < 3) return idx;
  const out: number[] = [idx[0] as number];
  const every = (idx.length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const start = Math.floor((i + 1) * every) + 1;
    const end = Math.min(Math.floor((i + 2) * every) + 1, idx.length);
    let avgX = 0;
    let avgY = 0;
    for (let j = start; j < end; j++) {
      avgX += xs[idx[j] as number] as number;
      avgY += ys[idx[j] as number] as number;
    }
    const n = Math.max(end - start, 1);
    avgX /= n;
    avgY /= n;
    const rangeStart = Math.floor(i * every) + 1;
    const rangeEnd = Math.floor((i + 1) * every) + 1;
    const ax = xs[idx[a] as number] as number;
    const ay = ys[idx[a] as number] as number;
    let best = -1;
    let pick = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      const k = idx[j] as number;
      const area = Math.abs((ax - avgX) * ((ys[k] as number) - ay) - (ax - (xs[k] as number)) * (avgY - ay));
      if (area > best) {
        best = area;
        pick = j;
      }
    }
    out.push(idx[pick] as number);
    a = pick;
  }
  out.push(idx[idx.length - 1] as number);
  return out;
}

/**
 * TensorBoard's debiased exponential moving average; `weight` in [0, 1). Nulls stay null.
 *
 * @example smooth([1, 1, 1], 0.6) // [1, 1, 1]
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null) return null;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}
