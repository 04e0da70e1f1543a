/**
 * Phase 3: vega-lite specs and the data shaping behind them. Pure and Node-free: the same functions run in tests
 * (checked against vega-lite's JSON schema) and in the page (bundled into assets/report.js).
 *
 * Safety: user text (metric keys, run names) only ever appears as data values or titles, never in a field name or an
 * expression. Fields are synthetic (`x`, `y`, `r`, ...), so keys like `val loss: top/1` or `a.b[0]` need no escaping.
 */
import type { TopLevelSpec } from 'vega-lite';
import { decodeValue } from './format.js';
import { lttbIndices, smooth, type Series } from './downsample.js';

/** Points drawn per history chart in total: many overlaid runs share it, so 10 runs x 10k steps stays fast. */
export const CHART_POINT_BUDGET = 3000;

/** Okabe–Ito, a colour-blind safe palette (black moved last so it shows on dark backgrounds as grey). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

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
  if (p === undefined) return undefined;
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

const base = (width: number, height: number) => ({
  $schema: SCHEMA,
  width,
  height,
  config: { range: { category: PALETTE }, view: { stroke: null }, axis: { labelLimit: 160 } },
} as const);

/** One metric's history for one or more runs: x is step or wall time, optional smoothing. */
export function historySpec(opts: {
  title: string;
  series: { label: string; series: Series }[];
  x: 'step' | 'time';
  smoothing?: number;
  /** total points drawn (default CHART_POINT_BUDGET) */
  budget?: number;
  width?: number;
  height?: number;
}): TopLevelSpec {
  const values: { x: number; y: number; r: string }[] = [];
  const perSeries = Math.max(200, Math.floor((opts.budget ?? CHART_POINT_BUDGET) / Math.max(1, opts.series.length)));
  for (const { label, series } of opts.series) {
    // Smooth on every point, then thin out what is drawn.
    const ys = smooth(series.values, opts.smoothing ?? 0);
    for (const i of lttbIndices(series.steps, ys, perSeries)) {
      const y = ys[i] as number;
      values.push({ x: opts.x === 'step' ? (series.steps[i] as number) : series.t0 + (series.times[i] as number), y, r: label });
    }
  }
  const many = opts.series.length > 1;
  return {
    ...base(opts.width ?? 560, opts.height ?? 220),
    title: opts.title,
    data: { values },
    mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.5, tooltip: true },
    encoding: {
      x: opts.x === 'step'
        ? { field: 'x', type: 'quantitative', title: 'step' }
        : { field: 'x', type: 'temporal', title: 'time (UTC)', scale: { type: 'utc' } },
      y: { field: 'y', type: 'quantitative', title: opts.title, scale: { zero: false } },
      ...(many ? { color: { field: 'r', type: 'nominal', title: 'run', sort: null } } : {}),
    },
  };
}

/** Any param or metric (x) against a metric (y), one point per run. */
export function scatterSpec(runs: readonly ChartRun[], x: Dim, y: Dim, size = { width: 420, height: 300 }): TopLevelSpec {
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
  return {
    ...base(size.width, size.height),
    data: { values },
    mark: { type: 'point', filled: true, size: 60, tooltip: true },
    encoding: {
      x: numeric ? { field: 'x', type: 'quantitative', title: dimTitle(x), scale: { zero: false } } : { field: 'x', type: 'nominal', title: dimTitle(x), sort: 'ascending' },
      y: { field: 'y', type: 'quantitative', title: dimTitle(y), scale: { zero: false } },
      color: { value: PALETTE[0] as string },
      detail: { field: 'r', type: 'nominal' },
    },
  };
}

/**
 * Parallel coordinates: every dimension scaled to [0, 1] (numbers by min..max, categories by rank), one line per run.
 * Rows are emitted dimension by dimension and the x domain keeps data order, so no user text enters a sort expression.
 */
export function parallelSpec(runs: readonly ChartRun[], dims: readonly Dim[], width = 720): TopLevelSpec {
  const values: { d: string; y: number; r: string; v: string }[] = [];
  for (const dim of dims) {
    const raw = runs.map((r) => dimValue(r, dim));
    const nums = raw.filter((v): v is number => typeof v === 'number');
    const allNumeric = nums.length === raw.filter((v) => v !== undefined).length;
    const cats = allNumeric ? [] : [...new Set(raw.filter((v) => v !== undefined).map(String))].sort();
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    runs.forEach((run, i) => {
      const v = raw[i];
      if (v === undefined) return;
      const y = allNumeric
        ? (max > min ? ((v as number) - min) / (max - min) : 0.5)
        : (cats.length > 1 ? cats.indexOf(String(v)) / (cats.length - 1) : 0.5);
      values.push({ d: dimTitle(dim), y, r: run.label, v: String(v) });
    });
  }
  return {
    ...base(Math.max(width, dims.length * 90), 260),
    data: { values },
    mark: { type: 'line', strokeWidth: 1, opacity: 0.6, point: { size: 14 }, tooltip: true },
    encoding: {
      x: { field: 'd', type: 'nominal', sort: null, title: null, axis: { labelAngle: -20 } },
      y: { field: 'y', type: 'quantitative', title: 'scaled (min..max / rank)', axis: { format: '.1f' } },
      detail: { field: 'r', type: 'nominal' },
      color: { value: PALETTE[0] as string },
      tooltip: [{ field: 'r', type: 'nominal', title: 'run' }, { field: 'd', type: 'nominal', title: 'dimension' }, { field: 'v', type: 'nominal', title: 'value' }],
    },
  };
}

/** Latest value of one metric per run, as horizontal bars sorted by value (at most `limit` bars). */
export function barsSpec(runs: readonly ChartRun[], metric: string, opts: { limit?: number; higherIsBetter?: boolean } = {}): TopLevelSpec {
  const values: { r: string; y: number }[] = [];
  for (const run of runs) {
    const v = decodeValue(run.metrics[metric]);
    if (v !== undefined && Number.isFinite(v)) values.push({ r: run.label, y: v });
  }
  const hi = opts.higherIsBetter ?? true;
  values.sort((a, b) => (hi ? b.y - a.y : a.y - b.y) || (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
  const shown = values.slice(0, opts.limit ?? 40);
  return {
    ...base(420, Math.max(40, shown.length * 16)),
    title: `metrics.${metric}`,
    data: { values: shown },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'r', type: 'nominal', title: null, sort: null, axis: { labelLimit: 200 } },
      x: { field: 'y', type: 'quantitative', title: metric },
      color: { value: PALETTE[0] as string },
    },
  };
}

/** The dimensions worth plotting: params that vary (up to `maxParams`) then metrics, in key order. */
export function chooseDims(runs: readonly ChartRun[], maxParams = 8, maxMetrics = 8): Dim[] {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const varying = paramKeys.filter((k) => new Set(runs.map((r) => r.params[k])).size > 1);
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
