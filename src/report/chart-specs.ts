/**
 * Phase 3: vega-lite specs and the data shaping behind them. Pure and Node-free: the same functions run in tests
 * (checked against vega-lite's JSON schema) and in the page (bundled into assets/report.js).
 *
 * Safety: user text (metric keys, run names) only ever appears as data values or titles, never in a field name or an
 * expression. Fields are synthetic (`x`, `y`, `r`, ...), so keys like `val loss: top/1` or `a.b[0]` need no escaping.
 */
import type { TopLevelSpec } from 'vega-lite';
import { decodeValue } from './format.js';
import { lttbIndices, MAX_NON_FINITE, smooth, type Series } from './downsample.js';

/** Points drawn per history chart in total: many overlaid runs share it, so 10 runs x 10k steps stays fast. */
export const CHART_POINT_BUDGET = 3000;

/**
 * Ten distinct hues per theme (category10, brightened for dark backgrounds); past ten, a dash pattern tells runs apart.
 */
export const PALETTE = [
  '#1f77b4',
  '#e8590c',
  '#2b8a3e',
  '#d62728',
  '#7048e8',
  '#8c564b',
  '#c2255c',
  '#5c677d',
  '#a08a00',
  '#0c8599',
];
export const PALETTE_DARK = [
  '#5aa9f0',
  '#ff9f4a',
  '#51cf66',
  '#ff6b6b',
  '#b197fc',
  '#d0a48f',
  '#f783ac',
  '#adb5bd',
  '#e0c53f',
  '#3bc9db',
];
export const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** A run's look on every chart of a page: colour by its position, dash once the palette is used up. */
export interface RunStyle {
  color: string;
  dash: number[];
}

export function runStyle(index: number, dark = false): RunStyle {
  const palette = dark ? PALETTE_DARK : PALETTE;
  return {
    color: palette[index % palette.length] as string,
    dash: DASHES[Math.floor(index / palette.length) % DASHES.length] as number[],
  };
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The per-run facts the charts use. Metric values may be encoded non-finite strings ("NaN"). */
export interface ChartRun {
  id: string;
  label: string;
  params: Record<string, string>;
  metrics: Record<string, number | string>;
}

export type Dim = { kind: 'param' | 'metric'; key: string };

export const dimTitle = (d: Dim): string => `${d.kind === 'param' ? 'params' : 'metrics'}.${d.key}`;

/** Raw value of a dimension: a finite number, a string (categorical param) or undefined. */
export function dimValue(run: ChartRun, d: Dim): number | string | undefined {
  if (d.kind === 'metric') {
    const v = decodeValue(run.metrics[d.key]);
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }
  const p = run.params[d.key];
  if (p === undefined || p === '') return undefined;
  const n = Number(p);
  return p.trim() !== '' && Number.isFinite(n) ? n : p;
}

/** Makes labels unique so two runs with one name stay two bars / two lines. */
export function uniqueLabels<T extends { label: string }>(runs: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const n = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, n);
    return n === 1 ? r : { ...r, label: `${r.label} (${n})` };
  });
}

const base = (width: number, height: number) =>
  ({
    $schema: SCHEMA,
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    config: { view: { stroke: null }, axis: { labelLimit: 160 } },
  }) as const;

/** Axis number format: 4 significant digits without trailing zeros (never `0.000000`). */
const NUM = '.4~g';

export interface HistoryLine {
  label: string;
  series: Series;
  style?: RunStyle;
}

/** x of point i of a series: step, wall time (ms since the epoch) or seconds since the run's first point. */
function xOf(series: Series, i: number, x: 'step' | 'time' | 'relative'): number {
  if (x === 'step') return series.steps[i] as number;
  return x === 'time' ? series.t0 + (series.times[i] as number) : (series.times[i] as number) / 1000;
}

/** The name of a history chart's line data. */
export const HISTORY_DATA = 'lines';

const X_TITLE = { step: 'step', time: 'time (UTC)', relative: 'seconds since start' } as const;

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
}): TopLevelSpec {
  const values: { x: number; y: number; r: string }[] = [];
  const bad: { x: number; r: string; v: string }[] = [];
  const perSeries = Math.max(200, Math.floor((opts.budget ?? CHART_POINT_BUDGET) / Math.max(1, opts.series.length)));
  for (const { label, series } of opts.series) {
    // Smooth on every point, then thin out what is drawn.
    const ys = smooth(series.values, opts.smoothing ?? 0);
    for (const i of lttbIndices(series.steps, ys, perSeries))
      values.push({ x: xOf(series, i, opts.x), y: ys[i] as number, r: label });
    // One mark where a run first went non-finite, with how many such points it has.
    const first = series.nonFinite?.[0];
    if (first) {
      const n = series.nonFinite!.length;
      const i = series.steps.findIndex((s) => s >= first[0]);
      const x = opts.x === 'step' ? first[0] : xOf(series, Math.max(0, i < 0 ? series.steps.length - 1 : i), opts.x);
      bad.push({ x, r: label, v: `${first[1]} from step ${first[0]} (${n}${n >= MAX_NON_FINITE ? '+' : ''} points)` });
    }
  }
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
          legend: null,
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
  if (bad.length > 0) {
    layers.push({
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
    });
  }
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

/** Colour of each run by label; runs without one are drawn in a neutral grey. */
export type ColorOf = (label: string) => string | undefined;

const OTHER = '#868e96';

/** Colour by run when colours are given; otherwise none, so the theme's mark colour applies (light or dark). */
function colorEncoding(labels: readonly string[], colorOf: ColorOf | undefined): { color?: Record<string, unknown> } {
  if (!colorOf) return {};
  const domain = [...new Set(labels)];
  return {
    color: {
      field: 'r',
      type: 'nominal',
      legend: null,
      scale: { domain, range: domain.map((l) => colorOf(l) ?? OTHER) },
    },
  };
}

/** Any param or metric (x) against a metric (y), one point per run. */
export function scatterSpec(
  runs: readonly ChartRun[],
  x: Dim,
  y: Dim,
  size = { width: 420, height: 280 },
  colorOf?: ColorOf,
): TopLevelSpec {
  const values: { x: number | string; y: number; r: string }[] = [];
  let numeric = true;
  for (const run of runs) {
    const xv = dimValue(run, x);
    const yv = dimValue(run, y);
    if (xv === undefined || typeof yv !== 'number') continue;
    if (typeof xv === 'string') numeric = false;
    values.push({ x: xv, y: yv, r: run.label });
  }
  if (!numeric) for (const v of values) v.x = String(v.x);
  const logX =
    numeric &&
    values.length > 1 &&
    values.every((v) => (v.x as number) > 0) &&
    Math.max(...values.map((v) => v.x as number)) / Math.min(...values.map((v) => v.x as number)) >= 100;
  return {
    ...base(size.width, size.height),
    data: { values },
    mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
    encoding: {
      x: numeric
        ? {
            field: 'x',
            type: 'quantitative',
            title: dimTitle(x),
            scale: logX ? { type: 'log' } : { zero: false },
            axis: { format: NUM },
          }
        : { field: 'x', type: 'nominal', title: dimTitle(x), sort: 'ascending' },
      y: { field: 'y', type: 'quantitative', title: dimTitle(y), scale: { zero: false }, axis: { format: NUM } },
      ...colorEncoding(
        values.map((v) => v.r),
        colorOf,
      ),
      detail: { field: 'r', type: 'nominal' },
      tooltip: [
        { field: 'r', type: 'nominal', title: 'run' },
        {
          field: 'x',
          type: numeric ? 'quantitative' : 'nominal',
          title: dimTitle(x),
          ...(numeric ? { format: NUM } : {}),
        },
        { field: 'y', type: 'quantitative', title: dimTitle(y), format: NUM },
      ],
    },
  };
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/**
 * Parallel coordinates: each axis scaled to its own range (numbers min..max, categories by rank) with its real values
 * as tick labels, one line per run, coloured by `colorBy` (the main metric) or by run colour. Rows are emitted
 * dimension by dimension and the x domain keeps data order, so no user text enters a sort expression.
 */
export function parallelSpec(
  runs: readonly ChartRun[],
  dims: readonly Dim[],
  width = 720,
  opts: { colorBy?: Dim; colorOf?: ColorOf } = {},
): TopLevelSpec {
  const values: { d: string; y: number; r: string; v: string; c?: number }[] = [];
  const ticks: { d: string; y: number; t: string }[] = [];
  const colorValue = (run: ChartRun): number | undefined => {
    const v = opts.colorBy ? dimValue(run, opts.colorBy) : undefined;
    return typeof v === 'number' ? v : undefined;
  };
  for (const dim of dims) {
    const title = dimTitle(dim);
    const raw = runs.map((r) => dimValue(r, dim));
    const nums = raw.filter((v): v is number => typeof v === 'number');
    const allNumeric = nums.length === raw.filter((v) => v !== undefined).length;
    const cats = allNumeric ? [] : [...new Set(raw.filter((v) => v !== undefined).map(String))].sort();
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    const scale = (v: number | string): number =>
      allNumeric
        ? max > min
          ? ((v as number) - min) / (max - min)
          : 0.5
        : cats.length > 1
          ? cats.indexOf(String(v)) / (cats.length - 1)
          : 0.5;
    if (allNumeric && nums.length > 0) {
      const marks = max > min ? [min, (min + max) / 2, max] : [min];
      for (const m of marks) ticks.push({ d: title, y: scale(m), t: fmt(m) });
    } else {
      for (const c of cats.slice(0, 12))
        ticks.push({ d: title, y: scale(c), t: c.length > 14 ? `${c.slice(0, 13)}…` : c });
    }
    runs.forEach((run, i) => {
      const v = raw[i];
      if (v === undefined) return;
      const c = colorValue(run);
      values.push({
        d: title,
        y: scale(v),
        r: run.label,
        v: typeof v === 'number' ? fmt(v) : v,
        ...(c !== undefined ? { c } : {}),
      });
    });
  }
  const x = {
    field: 'd',
    type: 'nominal',
    sort: null,
    title: null,
    axis: { labelAngle: 0, orient: 'top', labelLimit: 110, domain: false, ticks: false },
  };
  const y = { field: 'y', type: 'quantitative', axis: null, scale: { domain: [-0.04, 1.04] } };
  const color = opts.colorBy
    ? {
        color: {
          field: 'c',
          type: 'quantitative',
          title: dimTitle(opts.colorBy),
          scale: { scheme: 'viridis' },
          legend: { orient: 'bottom', direction: 'horizontal', format: NUM },
        },
      }
    : colorEncoding(
        values.map((v) => v.r),
        opts.colorOf,
      );
  return {
    ...base(Math.max(width, dims.length * 110), 260),
    layer: [
      {
        data: { values: ticks },
        mark: { type: 'rule', color: '#868e96', strokeWidth: 1 },
        encoding: { x, detail: { field: 'd', type: 'nominal' } },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.75 },
        encoding: {
          x,
          y,
          detail: { field: 'r', type: 'nominal' },
          ...color,
          tooltip: [
            { field: 'r', type: 'nominal', title: 'run' },
            { field: 'd', type: 'nominal', title: 'dimension' },
            { field: 'v', type: 'nominal', title: 'value' },
          ],
        },
      },
      {
        data: { values: ticks },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#868e96' },
        encoding: { x, y, text: { field: 't', type: 'nominal' } },
      },
    ],
    encoding: { x },
  } as TopLevelSpec;
}

/** Latest value of one metric per run, as horizontal bars sorted by value (at most `limit` bars). */
export function barsSpec(
  runs: readonly ChartRun[],
  metric: string,
  opts: { limit?: number; higherIsBetter?: boolean; colorOf?: ColorOf } = {},
): TopLevelSpec {
  const values: { r: string; y: number }[] = [];
  for (const run of runs) {
    const v = decodeValue(run.metrics[metric]);
    if (v !== undefined && Number.isFinite(v)) values.push({ r: run.label, y: v });
  }
  const hi = opts.higherIsBetter ?? true;
  values.sort((a, b) => (hi ? b.y - a.y : a.y - b.y) || (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
  const shown = values.slice(0, opts.limit ?? 25);
  return {
    ...base(420, Math.max(40, shown.length * 18)),
    title: { text: `metrics.${metric}`, anchor: 'start', fontSize: 13 },
    data: { values: shown },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'r', type: 'nominal', title: null, sort: null, axis: { labelLimit: 180 } },
      x: { field: 'y', type: 'quantitative', title: metric, scale: { zero: false }, axis: { format: NUM } },
      ...colorEncoding(
        shown.map((v) => v.r),
        opts.colorOf,
      ),
      tooltip: [
        { field: 'r', type: 'nominal', title: 'run' },
        { field: 'y', type: 'quantitative', title: metric, format: NUM },
      ],
    },
  };
}

/**
 * Params ordered by how much they move a metric: the spread between the mean metric of each param value, largest
 * first (params with one value left out). Charts pick their params from the front of this list.
 */
export function rankParams(runs: readonly ChartRun[], metric: string): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const spreads: { key: string; spread: number }[] = [];
  for (const key of keys) {
    const groups = new Map<string, number[]>();
    for (const r of runs) {
      const p = r.params[key];
      const m = decodeValue(r.metrics[metric]);
      if (p === undefined || p === '' || m === undefined || !Number.isFinite(m)) continue;
      groups.set(p, [...(groups.get(p) ?? []), m]);
    }
    if (groups.size < 2) continue;
    const means = [...groups.values()].map((g) => g.reduce((a, b) => a + b, 0) / g.length);
    spreads.push({ key, spread: Math.max(...means) - Math.min(...means) });
  }
  return spreads.sort((a, b) => b.spread - a.spread || (a.key < b.key ? -1 : 1)).map((s) => s.key);
}

/**
 * The param that explains most of the metric: scatter plots default to it, so the first chart answers "what mattered?".
 */
export const mostVaryingParam = (runs: readonly ChartRun[], metric: string): string | null =>
  rankParams(runs, metric)[0] ?? null;

/**
 * The dimensions worth plotting: params that vary (up to `maxParams`; those that move `metric` most when given, else
 * in key order) then metrics, in key order.
 */
export function chooseDims(runs: readonly ChartRun[], maxParams = 8, maxMetrics = 8, metric?: string): Dim[] {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const ranked = metric ? rankParams(runs, metric) : [];
  const varying = [
    ...ranked,
    ...paramKeys.filter((k) => !ranked.includes(k) && new Set(runs.map((r) => r.params[k])).size > 1),
  ];
  return [
    ...varying.slice(0, maxParams).map((key) => ({ kind: 'param' as const, key })),
    ...metricKeys.slice(0, maxMetrics).map((key) => ({ kind: 'metric' as const, key })),
  ];
}

/** True when a parsed JSON artifact looks like a vega-lite spec we can draw. */
export function isVegaLiteSpec(value: unknown): value is TopLevelSpec {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const schema = (value as { $schema?: unknown }).$schema;
  return typeof schema === 'string' && /vega-lite/.test(schema);
}
