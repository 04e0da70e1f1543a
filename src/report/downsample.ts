/**
 * Long metric histories are downsampled for display (the full data is published as CSV), and smoothed in the page.
 * Pure and Node-free: bundled into the browser too.
 */

/** A metric series in columns: compact in JSON, fast to chart. Non-finite values are null (not drawable). */
export interface Series {
  key: string;
  steps: number[];
  /** wall time of the first point, ms since the epoch */
  t0: number;
  /** ms after t0 (small numbers keep data files small) */
  times: number[];
  values: (number | null)[];
  /** number of points before downsampling */
  total: number;
  /** steps whose value was NaN or infinite, with that value's name (at most MAX_NON_FINITE); absent when none */
  nonFinite?: [number, string][];
}

/** Non-finite points listed per series: enough to mark where a run diverged. */
export const MAX_NON_FINITE = 200;

export const DISPLAY_POINTS = 1000;

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

/** Builds a display series from history points sorted by step, downsampled to `max` points. */
export function toSeries(
  key: string,
  points: readonly { step: number; timestamp: number; value: number }[],
  max = DISPLAY_POINTS,
): Series {
  const sorted = [...points].sort((p, q) => p.step - q.step || p.timestamp - q.timestamp);
  const steps = sorted.map((p) => p.step);
  const values = sorted.map((p) => (Number.isFinite(p.value) ? p.value : null));
  const keep = sorted.length > max ? lttbIndices(steps, values, max) : sorted.map((_, i) => i);
  const t0 = sorted[0]?.timestamp ?? 0;
  const bad = sorted
    .filter((p) => !Number.isFinite(p.value))
    .slice(0, MAX_NON_FINITE)
    .map((p): [number, string] => [p.step, String(p.value)]);
  return {
    key,
    steps: keep.map((i) => steps[i] as number),
    t0,
    times: keep.map((i) => (sorted[i] as { timestamp: number }).timestamp - t0),
    values: keep.map((i) => values[i] as number | null),
    total: sorted.length,
    ...(bad.length > 0 ? { nonFinite: bad } : {}),
  };
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

/**
 * A column of integers as published: `{"a":[from,by]}` when evenly spaced (steps 0,1,2...; a fixed logging interval),
 * else `{"d":[first,delta,...]}` (small numbers for timestamps). `n` is the column's length.
 */
export type PackedColumn = { a: [number, number] } | { d: number[] };

/** Packs integers; the result reads back with `unpackColumn`. */
export function packColumn(xs: readonly number[]): PackedColumn {
  const by = xs.length > 1 ? (xs[1] as number) - (xs[0] as number) : 0;
  let even = true;
  for (let i = 2; i < xs.length && even; i++) even = (xs[i] as number) - (xs[i - 1] as number) === by;
  if (even) return { a: [xs[0] ?? 0, by] };
  const d = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) d[i] = i === 0 ? (xs[0] as number) : (xs[i] as number) - (xs[i - 1] as number);
  return { d };
}

export function unpackColumn(col: PackedColumn | number[], n: number): number[] {
  if (Array.isArray(col)) return col;
  const out = new Array<number>(n);
  if ('a' in col) {
    for (let i = 0; i < n; i++) out[i] = col.a[0] + i * col.a[1];
    return out;
  }
  let x = 0;
  for (let i = 0; i < n; i++) out[i] = x = i === 0 ? (col.d[0] as number) : x + (col.d[i] as number);
  return out;
}

/** A series as the data file holds it (steps and times packed); `unpackSeries` gives the `Series` charts use. */
export type PackedSeries = Omit<Series, 'steps' | 'times'> & {
  steps: PackedColumn | number[];
  times: PackedColumn | number[];
};

export function unpackSeries(p: PackedSeries): Series {
  return { ...p, steps: unpackColumn(p.steps, p.values.length), times: unpackColumn(p.times, p.values.length) };
}
