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
/** The name of a history chart's non-finite markers. */
export const HISTORY_BAD_DATA = 'bad';

const X_TITLE = { step: 'step', time: 'time (UTC)', relative: 'seconds since start' } as const;

export type HistoryX = 'step' | 'time' | 'relative';
export interface HistoryChartPoint {
  x: number;
  y: number;
  r: string;
}
export interface HistoryMark {
  x: number;
  r: string;
  v: string;
}

/**
 * The points a history chart draws: each run smoothed on every point, then thinned to its share of `budget`; and one
 * mark per run where it first went non-finite, with how many such points it has.
 */
export function historyPoints(
  lines: readonly HistoryLine[],
  x: HistoryX,
  smoothing = 0,
  budget = CHART_POINT_BUDGET,
): { values: HistoryChartPoint[]; bad: HistoryMark[] } {
  const values: HistoryChartPoint[] = [];
  const bad: HistoryMark[] = [];
  const perSeries = Math.max(200, Math.floor(budget / Math.max(1, lines.length)));
  for (const { label, series } of lines) {
    const ys = smooth(series.values, smoothing);
    for (const i of lttbIndices(series.steps, ys, perSeries))
      values.push({ x: xOf(series, i, x), y: ys[i] as number, r: label });
    const first = series.nonFinite?.[0];
    if (first) {
      const n = series.nonFinite!.length;
      const i = series.steps.findIndex((s) => s >= first[0]);
      const at = x === 'step' ? first[0] : xOf(series, Math.max(0, i < 0 ? series.steps.length - 1 : i), x);
      bad.push({
        x: at,
        r: label,
        v: `${first[1]} from step ${first[0]} (${n}${n >= MAX_NON_FINITE ? '+' : ''} points)`,
      });
    }
  }
  return { values, bad };
}

/** What frames a history chart, without its points: charts with equal frames can share one compiled spec. */
export interface HistoryFrame {
  /** chart title; null leaves it to the page (an HTML caption) */
  title: string | null;
  /** the runs, in legend order, with their colour and dash */
  runs: readonly { label: string; style?: RunStyle }[];
  x: HistoryX;
  width?: number;
  height?: number;
  /** a legend of runs inside the chart (pages draw their own, shared by all charts) */
  legend?: boolean;
  /**
   * vega's per-point tooltip (default true). Pages that show their own hover read-out turn it off: vega evaluates the
   * tooltip of every point as it draws: most of a chart's drawing time under the page's expression interpreter.
   */
  tooltip?: boolean;
}

/**
 * The spec of a history chart whose data sets (`HISTORY_DATA`, `HISTORY_BAD_DATA`) hold `values` and `bad`; with empty
 * arrays it is a frame to fill in a drawn view.
 */
export function historyFrameSpec(frame: HistoryFrame, values: HistoryChartPoint[] = [], bad: HistoryMark[] = []) {
  const labels = frame.runs.map((s) => s.label);
  const styles = frame.runs.map((s, i) => s.style ?? runStyle(i));
  const x =
    frame.x === 'time'
      ? { field: 'x', type: 'temporal' as const, title: X_TITLE.time, scale: { type: 'utc' as const } }
      : { field: 'x', type: 'quantitative' as const, title: X_TITLE[frame.x], axis: { format: '~s' } };
  const tip = frame.tooltip ?? true;
  const lineTooltip = [
    { field: 'r', type: 'nominal', title: 'run' },
    { field: 'x', type: frame.x === 'time' ? 'temporal' : 'quantitative', title: X_TITLE[frame.x] },
    { field: 'y', type: 'quantitative', title: frame.title ?? 'value', format: NUM },
  ];
  const layers: unknown[] = [
    {
      // Named so a smoothing change can replace the points in the drawn view instead of compiling the chart again.
      // The points are numbers already (no parsing), all finite (nothing to break a path at), and a line is one
      // path, so a text description per point would only cost time: the figure carries the chart's text alternative.
      data: { name: HISTORY_DATA, values, format: { parse: null } },
      mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.75, aria: false, invalid: 'filter' },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: NUM } },
        color: {
          field: 'r',
          type: 'nominal',
          legend: frame.legend ? { title: 'run', orient: 'bottom', direction: 'vertical' } : null,
          scale: { domain: labels, range: styles.map((s) => s.color) },
        },
        strokeDash: {
          field: 'r',
          type: 'nominal',
          legend: null,
          scale: { domain: labels, range: styles.map((s) => s.dash) },
        },
        ...(tip ? { tooltip: lineTooltip } : {}),
      },
    },
  ];
  // A divergence is seen, not silently skipped: a red mark at the top edge where a run first went non-finite.
  if (bad.length > 0 || !tip) {
    layers.push({
      data: { name: HISTORY_BAD_DATA, values: bad, format: { parse: null } },
      mark: { type: 'point', shape: 'triangle-down', size: 90, filled: true, color: '#e03131', opacity: 1 },
      encoding: {
        x,
        y: { value: 5 },
        tooltip: [
          { field: 'r', type: 'nominal', title: 'run' },
          { field: 'v', type: 'nominal', title: 'not a number' },
        ],
      },
    });
  }
  return {
    ...base(frame.width ?? 420, frame.height ?? 200),
    ...(frame.title === null ? {} : { title: { text: frame.title, anchor: 'start' as const, fontSize: 13 } }),
    layer: layers,
  } as TopLevelSpec;
}

/**
 * One metric's history for one or more runs: x is step, wall time or relative time, optional smoothing. Each run keeps
 * the colour and dash it has on every chart of the page; NaN and infinite points are marked with a red cross at the
 * top edge, so a divergence is seen, not silently skipped.
 */
export function historySpec(opts: {
  title: string;
  series: HistoryLine[];
  x: HistoryX;
  smoothing?: number;
  /** total points drawn (default CHART_POINT_BUDGET) */
  budget?: number;
  width?: number;
  height?: number;
  legend?: boolean;
}): TopLevelSpec {
  const { values, bad } = historyPoints(opts.series, opts.x, opts.smoothing ?? 0, opts.budget);
  return historyFrameSpec(
    {
      title: opts.title,
      runs: opts.series,
      x: opts.x,
      width: opts.width,
      height: opts.height,
      legend: opts.legend,
    },
    values,
    bad,
  );
}

/** A metric logged once per run: one bar per run, in the runs' colours (a line chart of one point says nothing). */
export function singleValueSpec(title: string, lines: readonly HistoryLine[], width = 420): TopLevelSpec {
  const values = lines.flatMap((l) => {
    const v = l.series.values.find((y) => y !== null);
    return v === undefined || v === null ? [] : [{ r: l.label, y: v }];
  });
  return {
    // the fitted height holds the title and the x axis too (~45 px): 20 px per bar on top of that
    ...base(width, 45 + Math.max(1, values.length) * 20),
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
