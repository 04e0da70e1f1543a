/** Charts of one value per run: scatter, parallel coordinates and bars. */
import type { TopLevelSpec } from 'vega-lite';
import { base, dimTitle, dimValue, NUM, type ChartRun, type Dim } from './common.js';
import { decodeValue } from './values.js';

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

type ParallelRow = { d: string; y: number; r: string; v: string; c?: number };
type ParallelTick = { d: string; y: number; t: string };

/**
 * One axis of parallel coordinates scaled to 0..1: numbers by min..max with min, middle and max as ticks, categories by
 * rank with (at most 12) their names as ticks.
 */
function parallelAxis(raw: readonly (number | string | undefined)[]) {
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
  const ticks: { y: number; t: string }[] =
    allNumeric && nums.length > 0
      ? (max > min ? [min, (min + max) / 2, max] : [min]).map((m) => ({ y: scale(m), t: fmt(m) }))
      : cats.slice(0, 12).map((c) => ({ y: scale(c), t: c.length > 14 ? `${c.slice(0, 13)}…` : c }));
  return { scale, ticks };
}

/** The rows (one per run and dimension) and the tick labels of parallel coordinates, dimension by dimension. */
function parallelRows(
  runs: readonly ChartRun[],
  dims: readonly Dim[],
  colorValue: (run: ChartRun) => number | undefined,
): { values: ParallelRow[]; ticks: ParallelTick[] } {
  const values: ParallelRow[] = [];
  const ticks: ParallelTick[] = [];
  for (const dim of dims) {
    const title = dimTitle(dim);
    const raw = runs.map((r) => dimValue(r, dim));
    const axis = parallelAxis(raw);
    for (const tick of axis.ticks) ticks.push({ d: title, ...tick });
    runs.forEach((run, i) => {
      const v = raw[i];
      if (v === undefined) return;
      const c = colorValue(run);
      values.push({
        d: title,
        y: axis.scale(v),
        r: run.label,
        v: typeof v === 'number' ? fmt(v) : v,
        ...(c !== undefined ? { c } : {}),
      });
    });
  }
  return { values, ticks };
}

/** Lines coloured by the `colorBy` metric on a viridis scale, else by each run's colour. */
function parallelColor(labels: string[], opts: { colorBy?: Dim; colorOf?: ColorOf }) {
  if (!opts.colorBy) return colorEncoding(labels, opts.colorOf);
  return {
    color: {
      field: 'c',
      type: 'quantitative',
      title: dimTitle(opts.colorBy),
      scale: { scheme: 'viridis' },
      legend: { orient: 'bottom', direction: 'horizontal', format: NUM },
    },
  };
}

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
  const colorValue = (run: ChartRun): number | undefined => {
    const v = opts.colorBy ? dimValue(run, opts.colorBy) : undefined;
    return typeof v === 'number' ? v : undefined;
  };
  const { values, ticks } = parallelRows(runs, dims, colorValue);
  const x = {
    field: 'd',
    type: 'nominal',
    sort: null,
    title: null,
    axis: { labelAngle: 0, orient: 'top', labelLimit: 110, domain: false, ticks: false },
  };
  const y = { field: 'y', type: 'quantitative', axis: null, scale: { domain: [-0.04, 1.04] } };
  const color = parallelColor(
    values.map((v) => v.r),
    opts,
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
