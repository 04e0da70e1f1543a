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
  const k = Math.max(1, Math.ceil(s.steps.length / Math.max(2, budget)));
  for (let i = 0; i < s.steps.length; i += k) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i; j < Math.min(i + k, s.steps.length); j++) {
      const [a, b] = [s.min[j], s.max[j]];
      if (a !== null && a !== undefined && a < lo) lo = a;
      if (b !== null && b !== undefined && b > hi) hi = b;
    }
    if (lo > hi) continue;
    band.xs.push(xOf(s, Math.min(i + k, s.steps.length) - 1, x));
    band.lo.push(lo);
    band.hi.push(hi);
  }
  return band.xs.length > 1 ? band : null;
}

/** A band as a closed path in plot pixels: along the high edge, back along the low edge. */
export function bandPath(b: Band, px: (x: number) => number, py: (y: number) => number): string {
  const top = b.xs.map((x, i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(b.hi[i] as number).toFixed(1)}`);
  const bottom: string[] = [];
  for (let i = b.xs.length - 1; i >= 0; i--)
    bottom.push(`L${px(b.xs[i] as number).toFixed(1)},${py(b.lo[i] as number).toFixed(1)}`);
  return `${top.join('')}${bottom.join('')}Z`;
}
