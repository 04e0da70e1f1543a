/**
 * Downsampling of metric histories, shared by every backend, the kernel and the report. A history sorted by step
 * (stable, so repeated steps keep their logging order) is cut into consecutive buckets; each bucket keeps its last
 * point (step, value, timestamp), the min and max of its values (NaN ignored) and whether it held a NaN, so peaks and
 * divergences survive however far a series is reduced. Two levels are precomputed where stores can keep them
 * (LEVEL_SIZES); any other size is merged down from the coarsest level that still has enough buckets, so a store's
 * precomputed levels and this in-memory path return identical results.
 */

/** One bucket of a sampled history; a bucket of one point has min = max = value and count 1. */
export interface SampledPoint {
  /** the last point of the bucket (in step order) */
  step: number;
  value: number;
  timestamp: number;
  /** smallest and largest value of the bucket, NaN ignored (NaN when every value is NaN) */
  min: number;
  max: number;
  /** points in the bucket */
  count: number;
  /** whether any point of the bucket was NaN */
  nan: boolean;
}

/** A history reduced to at most `maxPoints` buckets, in step order. */
export interface SampledHistory {
  /** points logged */
  total: number;
  /** true when every point is returned (total <= maxPoints): each bucket is one point */
  exact: boolean;
  points: SampledPoint[];
}

/** Bucket counts of the precomputed levels, finest first. */
export const LEVEL_SIZES = [10_000, 1_000] as const;

/** Buckets in columns (the form segments store and merging works on). */
export interface BucketColumns {
  step: Float64Array;
  value: Float64Array;
  timestamp: Float64Array;
  min: Float64Array;
  max: Float64Array;
  count: Float64Array;
  /** 1 when the bucket held a NaN, else 0 */
  nan: Float64Array;
}

/** Column names in the order segments store them. */
export const BUCKET_FIELDS = ['step', 'value', 'timestamp', 'min', 'max', 'count', 'nan'] as const;

/** A history in columns, in any order. */
export interface PointColumns {
  step: ArrayLike<number>;
  value: ArrayLike<number>;
  timestamp: ArrayLike<number>;
}

/** Point columns sorted by step, stable (a series logged in order is returned as is). */
export function sortByStep(cols: PointColumns): PointColumns {
  const n = cols.step.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = cols.step[i - 1]! <= cols.step[i]!;
  if (sorted) return cols;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => cols.step[a]! - cols.step[b]! || a - b);
  const pick = (xs: ArrayLike<number>): Float64Array => Float64Array.from(order, (i) => xs[i]!);
  return { step: pick(cols.step), value: pick(cols.value), timestamp: pick(cols.timestamp) };
}

/** Every point as a bucket of one (sorted columns in, buckets out). */
export function pointBuckets(cols: PointColumns): BucketColumns {
  const value = Float64Array.from(cols.value);
  const nan = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) if (value[i] !== value[i]) nan[i] = 1;
  return {
    step: Float64Array.from(cols.step),
    value,
    timestamp: Float64Array.from(cols.timestamp),
    min: value.slice(),
    max: value.slice(),
    count: new Float64Array(value.length).fill(1),
    nan,
  };
}

/** Merges consecutive buckets into at most `max` buckets of equal width (the last may be shorter). */
export function mergeBuckets(b: BucketColumns, max: number): BucketColumns {
  const n = b.step.length;
  const width = Math.max(1, Math.ceil(n / max));
  const size = Math.ceil(n / width);
  const out = emptyBuckets(size);
  for (let o = 0; o < size; o++) {
    const from = o * width;
    const to = Math.min(n, from + width);
    let min = Number.NaN;
    let max = Number.NaN;
    let count = 0;
    let nan = 0;
    for (let i = from; i < to; i++) {
      const lo = b.min[i]!;
      const hi = b.max[i]!;
      if (lo < min || Number.isNaN(min)) min = lo;
      if (hi > max || Number.isNaN(max)) max = hi;
      count += b.count[i]!;
      nan |= b.nan[i]!;
    }
    const last = to - 1;
    out.step[o] = b.step[last]!;
    out.value[o] = b.value[last]!;
    out.timestamp[o] = b.timestamp[last]!;
    out.min[o] = min;
    out.max[o] = max;
    out.count[o] = count;
    out.nan[o] = nan;
  }
  return out;
}

/**
 * mergeBuckets(pointBuckets(sorted), max) without the per-point bucket columns: a level of a 1M-point series is made
 * from the values directly.
 */
export function mergePoints(sorted: PointColumns, max: number): BucketColumns {
  const { step, value, timestamp } = sorted;
  const n = step.length;
  const width = Math.max(1, Math.ceil(n / max));
  const size = Math.ceil(n / width);
  const out = emptyBuckets(size);
  for (let o = 0; o < size; o++) {
    const from = o * width;
    const to = Math.min(n, from + width);
    let min = Number.NaN;
    let max = Number.NaN;
    let nan = 0;
    for (let i = from; i < to; i++) {
      const v = value[i]!;
      if (v !== v)
        nan = 1; // NaN
      else {
        if (v < min || min !== min) min = v;
        if (v > max || max !== max) max = v;
      }
    }
    const last = to - 1;
    out.step[o] = step[last]!;
    out.value[o] = value[last]!;
    out.timestamp[o] = timestamp[last]!;
    out.min[o] = min;
    out.max[o] = max;
    out.count[o] = to - from;
    out.nan[o] = nan;
  }
  return out;
}

function emptyBuckets(size: number): BucketColumns {
  const col = (): Float64Array => new Float64Array(size);
  return { step: col(), value: col(), timestamp: col(), min: col(), max: col(), count: col(), nan: col() };
}

/**
 * The precomputed levels of a sorted series: one per LEVEL_SIZES entry the series is longer than, each merged from
 * the previous (finer) one.
 */
export function computeLevels(sorted: PointColumns): BucketColumns[] {
  const levels: BucketColumns[] = [];
  let source: BucketColumns | undefined;
  for (const size of LEVEL_SIZES) {
    if (sorted.step.length <= size) continue;
    source = source === undefined ? mergePoints(sorted, size) : mergeBuckets(source, size);
    levels.push(source);
  }
  return levels;
}

/**
 * Chooses what a `maxPoints` read starts from: the coarsest precomputed level with at least `maxPoints` buckets, else
 * the points themselves (-1). `levels` are those of computeLevels, finest first.
 */
export function chooseLevel(levelLengths: readonly number[], maxPoints: number): number {
  let chosen = -1;
  levelLengths.forEach((length, i) => {
    if (length >= maxPoints) chosen = i;
  });
  return chosen;
}

/** Turns bucket columns into the API's objects. */
export function toSampledPoints(b: BucketColumns): SampledPoint[] {
  const out = new Array<SampledPoint>(b.step.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = {
      step: b.step[i]!,
      value: b.value[i]!,
      timestamp: b.timestamp[i]!,
      min: b.min[i]!,
      max: b.max[i]!,
      count: b.count[i]!,
      nan: b.nan[i] === 1,
    };
  }
  return out;
}

/** Validates `maxPoints`: a whole number from 1. */
export function isMaxPoints(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/**
 * Samples a history held in memory (points in logging order). Returns exactly what a store with precomputed levels
 * returns for the same points.
 *
 * @example sampleHistory([{ step: 0, value: 1, timestamp: 5 }], 1000).exact // true
 */
export function sampleHistory(
  points: readonly { step: number; value: number; timestamp: number }[],
  maxPoints: number,
): SampledHistory {
  const cols = {
    step: Float64Array.from(points, (p) => p.step),
    value: Float64Array.from(points, (p) => p.value),
    timestamp: Float64Array.from(points, (p) => p.timestamp),
  };
  return sampleColumns(cols, maxPoints);
}

/** sampleHistory over columns in logging order. */
export function sampleColumns(cols: PointColumns, maxPoints: number): SampledHistory {
  const total = cols.step.length;
  const sorted = sortByStep(cols);
  if (total <= maxPoints) return { total, exact: true, points: toSampledPoints(pointBuckets(sorted)) };
  const levels: BucketColumns[] = [];
  let source: BucketColumns | undefined;
  for (const size of LEVEL_SIZES) {
    if (size < maxPoints) break; // coarser levels have fewer buckets than asked for: never chosen
    if (total <= size) continue;
    source = source === undefined ? mergePoints(sorted, size) : mergeBuckets(source, size);
    levels.push(source);
  }
  return fromLevels(total, levels, maxPoints, () => pointBuckets(sorted));
}

/**
 * The sample of a series of `total` points (> maxPoints) given its levels (all, or the finest ones needed): the level
 * chooseLevel picks, merged down to `maxPoints`.
 */
export function fromLevels(
  total: number,
  levels: readonly BucketColumns[],
  maxPoints: number,
  points: () => BucketColumns,
): SampledHistory {
  const i = chooseLevel(
    levels.map((l) => l.step.length),
    maxPoints,
  );
  const source = i === -1 ? points() : levels[i]!;
  const merged = source.step.length > maxPoints ? mergeBuckets(source, maxPoints) : source;
  return { total, exact: false, points: toSampledPoints(merged) };
}

/** A sampled history in columns: every point when `exact` (sorted by step), else buckets with their min and max. */
export interface SampledColumns {
  total: number;
  exact: boolean;
  step: Float64Array;
  value: Float64Array;
  timestamp: Float64Array;
  /** only when not exact */
  min?: Float64Array;
  max?: Float64Array;
}

/** The columns of a SampledHistory. */
export function columnsOfSample(s: SampledHistory): SampledColumns {
  const col = (f: (p: SampledPoint) => number): Float64Array => Float64Array.from(s.points, f);
  const cols = { total: s.total, exact: s.exact, step: col((p) => p.step), value: col((p) => p.value) };
  const timestamp = col((p) => p.timestamp);
  return s.exact ? { ...cols, timestamp } : { ...cols, timestamp, min: col((p) => p.min), max: col((p) => p.max) };
}

/**
 * sampleColumns, in columns: the same buckets, without an object per point when every point is returned.
 *
 * @example sampleToColumns({ step: [1, 0], value: [2, 3], timestamp: [5, 6] }, 10).step // Float64Array [0, 1]
 */
export function sampleToColumns(cols: PointColumns, maxPoints: number): SampledColumns {
  const total = cols.step.length;
  if (total > maxPoints) return columnsOfSample(sampleColumns(cols, maxPoints));
  const sorted = sortByStep(cols);
  const f = (xs: ArrayLike<number>): Float64Array => (xs instanceof Float64Array ? xs : Float64Array.from(xs));
  return { total, exact: true, step: f(sorted.step), value: f(sorted.value), timestamp: f(sorted.timestamp) };
}
