/**
 * The data of the charts of one value per run: scatter, parallel coordinates and bars. Pure: the page turns it into
 * pixels and vega marks (templates/client/*-vega.ts), so a chart of a thousand runs is a few paths, not a thousand
 * marks to compile, encode and lay out.
 */
import { unfinished } from '../core/entities.js';
import { dimTitle, dimValue, type ChartRun, type Dim } from './common.js';
import { decodeValue } from './values.js';

/** Colour of each run by label; runs without one are drawn in a neutral grey. */
export type ColorOf = (label: string) => string | undefined;

/** The grey of runs without a colour of their own. */
export const OTHER_COLOR = '#868e96';

/** A value as the charts write it: 4 significant digits, no trailing zeros. */
export const shortValue = (v: number): string => String(Number(v.toPrecision(4)));

/** One run of a scatter. */
export interface ScatterPoint {
  x: number | string;
  y: number;
  r: string;
}

/** What a scatter draws: x is numeric (linear, or log when it spans two decades) or categories, in sorted order. */
export interface ScatterData {
  points: ScatterPoint[];
  xScale: 'linear' | 'log' | 'point';
  categories: string[];
}

const spansDecades = (xs: readonly number[]): boolean =>
  xs.length > 1 && xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) >= 100;

/** Any param or metric (x) against a metric (y), one point per run that has both. */
export function scatterData(runs: readonly ChartRun[], x: Dim, y: Dim): ScatterData {
  const points: ScatterPoint[] = [];
  for (const run of runs) {
    const xv = dimValue(run, x);
    const yv = dimValue(run, y);
    if (xv !== undefined && typeof yv === 'number') points.push({ x: xv, y: yv, r: run.label });
  }
  if (points.every((p) => typeof p.x === 'number')) {
    return { points, xScale: spansDecades(points.map((p) => p.x as number)) ? 'log' : 'linear', categories: [] };
  }
  for (const p of points) p.x = String(p.x);
  const categories = [...new Set(points.map((p) => p.x as string))].sort();
  return { points, xScale: 'point', categories };
}

/** One axis of parallel coordinates: its title and tick labels, placed on 0 (bottom) .. 1 (top). */
export interface ParallelAxis {
  title: string;
  ticks: { y: number; t: string }[];
}

/** One run across the axes: where it crosses each (null: no value), the value written there, its colour value. */
export interface ParallelLine {
  r: string;
  ys: (number | null)[];
  values: (string | null)[];
  c?: number;
}

const clip = (s: string): string => (s.length > 14 ? `${s.slice(0, 13)}…` : s);

/** An axis scaled to its own range: numbers min..max with min, middle and max as ticks; text by rank. */
function parallelAxis(dim: Dim, raw: readonly (number | string | undefined)[]) {
  const present = raw.filter((v): v is number | string => v !== undefined);
  const nums = present.filter((v): v is number => typeof v === 'number');
  if (nums.length === present.length) {
    const [min, max] = [Math.min(...nums), Math.max(...nums)];
    const place = (v: number | string): number => (max > min ? ((v as number) - min) / (max - min) : 0.5);
    const marks = nums.length === 0 ? [] : max > min ? [min, (min + max) / 2, max] : [min];
    return { place, axis: { title: dimTitle(dim), ticks: marks.map((m) => ({ y: place(m), t: shortValue(m) })) } };
  }
  const cats = [...new Set(present.map(String))].sort();
  const rank = new Map(cats.map((c, i) => [c, i]));
  const place = (v: number | string): number =>
    cats.length > 1 ? (rank.get(String(v)) as number) / (cats.length - 1) : 0.5;
  return { place, axis: { title: dimTitle(dim), ticks: cats.slice(0, 12).map((c) => ({ y: place(c), t: clip(c) })) } };
}

/**
 * Parallel coordinates: each axis scaled to its own range with its real values as ticks, one line per run, with the
 * value of `colorBy` (the main metric) to colour it by.
 */
export function parallelData(
  runs: readonly ChartRun[],
  dims: readonly Dim[],
  colorBy?: Dim,
): { axes: ParallelAxis[]; lines: ParallelLine[] } {
  const lines: ParallelLine[] = runs.map((run) => {
    const c = colorBy ? dimValue(run, colorBy) : undefined;
    return { r: run.label, ys: [], values: [], ...(typeof c === 'number' ? { c } : {}) };
  });
  const axes = dims.map((dim) => {
    const raw = runs.map((r) => dimValue(r, dim));
    const { place, axis } = parallelAxis(dim, raw);
    raw.forEach((v, i) => {
      const line = lines[i] as ParallelLine;
      line.ys.push(v === undefined ? null : place(v));
      line.values.push(v === undefined ? null : typeof v === 'number' ? shortValue(v) : v);
    });
    return axis;
  });
  return { axes, lines };
}

/** One bar: the run's label, its value and, for a FAILED or KILLED run, its status. */
export interface BarValue {
  r: string;
  y: number;
  status?: string;
}

/**
 * Latest value of one metric per run, best first (at most `limit`); FAILED and KILLED runs after the rest, as in the
 * page's ranking; non-finite values left out.
 */
export function barValues(
  runs: readonly ChartRun[],
  metric: string,
  opts: { limit?: number; higherIsBetter?: boolean } = {},
): BarValue[] {
  const values: BarValue[] = [];
  for (const run of runs) {
    const v = decodeValue(run.metrics[metric]);
    if (v === undefined || !Number.isFinite(v)) continue;
    values.push(unfinished(run.status) ? { r: run.label, y: v, status: run.status } : { r: run.label, y: v });
  }
  const hi = opts.higherIsBetter ?? true;
  const late = (b: BarValue): number => (b.status === undefined ? 0 : 1);
  values.sort((a, b) => late(a) - late(b) || (hi ? b.y - a.y : a.y - b.y) || (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
  return values.slice(0, opts.limit ?? 25);
}

/** The best finished run's value, and how many runs that did not finish are listed last. */
export function barsSummary(values: readonly BarValue[]): string {
  const best = values.find((v) => v.status === undefined);
  const late = values.filter((v) => v.status !== undefined).length;
  return (
    (best ? ` Best: ${best.r} (${shortValue(best.y)}).` : '') +
    (late > 0 ? ` ${late} failed or killed ${late === 1 ? 'run is' : 'runs are'} listed last.` : '')
  );
}
