/**
 * A metric history as charts draw it (columns), and smoothing. Histories are downsampled by the stores' sampling path
 * (core/history-sample.ts) before they are published; `toSeries` builds a series from points held in memory.
 * Pure and Node-free: bundled into the browser too.
 */
import { lttbIndices, MAX_NON_FINITE, type ChartSeries } from '../charts/series.js';

export { lttbIndices, MAX_NON_FINITE, smooth } from '../charts/series.js';

/** A metric series in columns, as published: the charts' series plus its key and, when downsampled, bucket bounds. */
export interface Series extends ChartSeries {
  key: string;
  /** when each point stands for a bucket of a downsampled history: the bucket's smallest and largest value */
  min?: (number | null)[];
  max?: (number | null)[];
}

export const DISPLAY_POINTS = 1000;

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
