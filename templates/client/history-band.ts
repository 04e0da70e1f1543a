/**
 * The range of a downsampled history: each drawn point stands for a bucket of steps, and the bucket's smallest and
 * largest values are drawn as a light band behind the line: a spike the bucket's last value hides is still seen.
 */
import type { HistoryX } from '../../src/charts/index.js';
import type { Series } from '../../src/report/downsample.js';

/** One run's band: x and the low and high edge at each x, in x order. */
export interface Band {
  r: string;
  xs: number[];
  lo: number[];
  hi: number[];
}

const xOf = (s: Series, i: number, x: HistoryX): number =>
  x === 'step' ? (s.steps[i] as number) : x === 'time' ? s.t0 + (s.times[i] as number) : (s.times[i] as number) / 1000;

/**
 * The band of a series that has bucket bounds (else null), merged down to at most `budget` columns: a merged column
 * keeps the lowest low and the highest high of its buckets, so no peak is lost.
 */
export function historyBand(r: string, s: Series, x: HistoryX, budget: number): Band | null {
  if (!s.min || !s.max) return null;
  const band: Band = { r, xs: [], lo: [], hi: [] };
  const { min, max } = s;
  const n = s.steps.length;
  const k = Math.max(1, Math.ceil(n / Math.max(2, budget)));
  for (let i = 0; i < n; i += k) {
    let lo = Infinity;
    let hi = -Infinity;
    const end = Math.min(i + k, n);
    // Plain reads, no destructuring: this runs for every point of every run a chart draws.
    for (let j = i; j < end; j++) {
      const a = min[j];
      const b = max[j];
      if (a !== null && a !== undefined && a < lo) lo = a;
      if (b !== null && b !== undefined && b > hi) hi = b;
    }
    if (lo > hi) continue;
    band.xs.push(xOf(s, end - 1, x));
    band.lo.push(lo);
    band.hi.push(hi);
  }
  return band.xs.length > 1 ? band : null;
}

/** A band as a closed path in plot pixels: along the high edge, back along the low edge. */
export function bandPath(b: Band, px: (x: number) => number, py: (y: number) => number): string {
  const top = b.xs.map((x, i) => `${i ? 'L' : 'M'}${tenth(px(x))},${tenth(py(b.hi[i] as number))}`);
  const bottom: string[] = [];
  for (let i = b.xs.length - 1; i >= 0; i--)
    bottom.push(`L${tenth(px(b.xs[i] as number))},${tenth(py(b.lo[i] as number))}`);
  return `${top.join('')}${bottom.join('')}Z`;
}

/** A pixel coordinate to a tenth of a pixel, as path text (`12.3`, `12`): faster than toFixed, and shorter. */
export const tenth = (v: number): number => Math.round(v * 10) / 10;
