/**
 * Metric history charts: one line per run (colour and dash kept across a page), smoothing, step / wall-time / relative
 * x, non-finite points marked; a metric with one value per run is a bar chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { base, NUM } from './common.js';
import { runStyle, type RunStyle } from './palette.js';
import { lttbIndices, MAX_NON_FINITE, smooth, type ChartSeries } from './series.js';

/** Points drawn per history chart in total: many overlaid runs share it, so 10 runs x 10k steps stays fast. */
export const CHART_POINT_BUDGET = 3000;

export interface HistoryLine {
  label: string;
  series: ChartSeries;
  style?: RunStyle;
}

/** x of point i of a series: step, wall time (ms since the epoch) or seconds since the run's first point. */
function xOf(series: ChartSeries, i: number, x: 'step' | 'time' | 'relative'): number {
  if (x === 'step') return series.steps[i] as number;
  return x === 'time' ? series.t0 + (series.times[i] as number) : (series.times[i] as number) / 1000;
}

/** The name of a history chart's line data. */
export const HISTORY_DATA = 'lines';

const X_TITLE = { step: 'step', time: 'time (UTC)', relative: 'seconds since start' } as const;

/**
 * The drawn points of every run (smoothed, then thinned to the budget) and one mark per run where it first went
 * non-finite, with how many such points it has.
 */
function historyPoints(
  lines: readonly HistoryLine[],
  xKind: 'step' | 'time' | 'relative',
  smoothing: number,
  budget = CHART_POINT_BUDGET,
): { values: { x: number; y: number; r: string }[]; bad: { x: number; r: string; v: string }[] } {
  const values: { x: number; y: number; r: string }[] = [];
  const bad: { x: number; r: string; v: string }[] = [];
  const perSeries = Math.max(200, Math.floor(budget / Math.max(1, lines.length)));
  for (const { label, series } of lines) {
    // Smooth on every point, then thin out what is drawn.
    const ys = smooth(series.values, smoothing);
    for (const i of lttbIndices(series.steps, ys, perSeries))
      values.push({ x: xOf(series, i, xKind), y: ys[i] as number, r: label });
    const first = series.nonFinite?.[0];
    if (first) {
      const n = series.nonFinite!.length;
      const i = series.steps.findIndex((s) => s >= first[0]);
      const x = xKind === 'step' ? first[0] : xOf(series, Math.max(0, i < 0 ? series.steps.length - 1 : i), xKind);
      bad.push({ x, r: label, v: `${first[1]} from step ${first[0]} (${n}${n >= MAX_NON_FINITE ? '+' : ''} points)` });
    }
  }
  return { values, bad };
}

/**
 * One metric's history for one or more runs: x is step, wall time or relative time, optional smoothing. Each run keeps
 * the colour and dash it has on every chart of the page; NaN and infinite points are marked with a red cross at the
 * top edge, so a divergence is seen, not silently skipped.
 */
export function historySpec(opts: {
  title: string;
  series: HistoryLine[];
  x: 'step' | 'time' | 'relative';
  smoothing?: number;
  /** total points drawn (default CHART_POINT_BUDGET) */
  budget?: number;
  width?: number;
  height?: number;
  /** a legend of runs inside the chart (pages draw their own, shared by all charts) */
  legend?: boolean;
}): TopLevelSpec {
  const { values, bad } = historyPoints(opts.series, opts.x, opts.smoothing ?? 0, opts.budget);
  const labels = opts.series.map((s) => s.label);
  const styles = opts.series.map((s, i) => s.style ?? runStyle(i));
  const x =
    opts.x === 'time'
      ? { field: 'x', type: 'temporal' as const, title: X_TITLE.time, scale: { type: 'utc' as const } }
      : { field: 'x', type: 'quantitative' as const, title: X_TITLE[opts.x], axis: { format: '~s' } };
  const layers: unknown[] = [
    {
      // Named so a smoothing change can replace the points in the drawn view instead of compiling the chart again.
      data: { name: HISTORY_DATA, values },
      mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.75 },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: NUM } },
        color: {
          field: 'r',
          type: 'nominal',
          legend: opts.legend ? { title: 'run', orient: 'bottom', direction: 'vertical' } : null,
          scale: { domain: labels, range: styles.map((s) => s.color) },
        },
        strokeDash: {
          field: 'r',
          type: 'nominal',
          legend: null,
          scale: { domain: labels, range: styles.map((s) => s.dash) },
        },
        tooltip: [
          { field: 'r', type: 'nominal', title: 'run' },
          { field: 'x', type: opts.x === 'time' ? 'temporal' : 'quantitative', title: X_TITLE[opts.x] },
          { field: 'y', type: 'quantitative', title: opts.title, format: NUM },
        ],
      },
    },
  ];
  if (bad.length > 0) layers.push(nonFiniteLayer(bad, x));
  return {
    ...base(opts.width ?? 420, opts.height ?? 200),
    title: { text: opts.title, anchor: 'start', fontSize: 13 },
    layer: layers,
  } as TopLevelSpec;
}

/** A metric logged once per run: one bar per run, in the runs' colours (a line chart of one point says nothing). */
export function singleValueSpec(title: string, lines: readonly HistoryLine[], width = 420): TopLevelSpec {
  const values = lines.flatMap((l) => {
    const v = l.series.values.find((y) => y !== null);
    return v === undefined || v === null ? [] : [{ r: l.label, y: v }];
  });
  return {
    ...base(width, Math.max(40, values.length * 20)),
    title: { text: title, anchor: 'start', fontSize: 13 },
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'r', type: 'nominal', title: null, sort: null, axis: { labelLimit: 160 } },
      x: { field: 'y', type: 'quantitative', title: null, axis: { format: NUM } },
      color: {
        field: 'r',
        type: 'nominal',
        legend: null,
        scale: { domain: lines.map((l) => l.label), range: lines.map((l, i) => (l.style ?? runStyle(i)).color) },
      },
    },
  };
}

/** Red marks at the top edge where runs first went non-finite. */
function nonFiniteLayer(bad: { x: number; r: string; v: string }[], x: object): unknown {
  return {
    data: { values: bad },
    mark: { type: 'point', shape: 'triangle-down', size: 90, filled: true, color: '#e03131', opacity: 1 },
    encoding: {
      x,
      y: { value: 5 },
      tooltip: [
        { field: 'r', type: 'nominal', title: 'run' },
        { field: 'v', type: 'nominal', title: 'not a number' },
      ],
    },
  };
}
