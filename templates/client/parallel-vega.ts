/**
 * Parallel coordinates as a vega spec with one path per run, computed in plot pixels by the page; vega draws the axes
 * (rules, titles, tick values as text) and the colour legend. A hundred and fifty runs are a hundred and fifty paths,
 * not a faceted line mark with a data flow per run.
 */
import { NUM } from '../../src/charts/common.js';
import { OTHER_COLOR, type ColorOf, type ParallelAxis, type ParallelLine } from '../../src/charts/run-charts.js';
import { padded, VEGA_SCHEMA } from './scatter-vega.js';

/** Colours the spec writes itself (the page's theme). */
export interface Ink {
  fg: string;
  muted: string;
}

export interface ParallelFrame {
  /** width of the whole chart */
  width: number;
  height: number;
  axes: number;
  /** the title of the colour legend when lines are coloured by a value; else each line has its run's colour */
  colorTitle?: string;
  ink: Ink;
}

/** Each axis gets at least this many pixels: room for its title and tick values. */
const AXIS_ROOM = 110;

export const parallelPlotWidth = (f: ParallelFrame): number => Math.max(f.width - 16, f.axes * AXIS_ROOM);

const text = (ink: string, extra: Record<string, unknown>) => ({
  text: { field: 't' },
  fill: { value: ink },
  limit: { signal: 'step - 10' },
  ...extra,
});

/** Rules, titles and tick values of the axes, from the `axes` and `ticks` data sets. */
function axisMarks(ink: Ink): Record<string, unknown>[] {
  const at = (y: Record<string, unknown>) => ({ x: { field: 'x' }, ...y });
  return [
    {
      type: 'rule',
      aria: false,
      from: { data: 'axes' },
      encode: {
        update: {
          ...at({ y: { value: 0 } }),
          y2: { signal: 'height' },
          stroke: { value: ink.muted },
          strokeWidth: { value: 1 },
        },
      },
    },
    {
      type: 'text',
      aria: false,
      from: { data: 'axes' },
      encode: {
        update: {
          ...at({ y: { value: -8 } }),
          ...text(ink.fg, { align: { value: 'center' }, fontSize: { value: 11 } }),
        },
      },
    },
    {
      type: 'text',
      aria: false,
      from: { data: 'ticks' },
      encode: {
        update: {
          ...at({ y: { field: 'y' } }),
          ...text(ink.muted, {
            dx: { value: 4 },
            align: { value: 'left' },
            baseline: { value: 'middle' },
            fontSize: { value: 10 },
          }),
        },
      },
    },
  ];
}

/** The lines: coloured through the `color` scale by value (grey without one), or by their own colour. */
function lineMark(byValue: boolean): Record<string, unknown> {
  const stroke = byValue
    ? [
        { test: 'datum.c == null', value: OTHER_COLOR },
        { scale: 'color', field: 'c' },
      ]
    : { field: 'col' };
  return {
    type: 'path',
    aria: false,
    from: { data: 'lines' },
    encode: {
      update: {
        path: { field: 'd' },
        stroke,
        strokeWidth: { value: 1.5 },
        strokeOpacity: { value: 0.75 },
        tooltip: { field: 'tip' },
      },
      hover: { strokeWidth: { value: 3 }, strokeOpacity: { value: 1 } },
    },
  };
}

/** The spec: empty `lines`, `axes` and `ticks` data sets; the colour domain as a signal. */
export function parallelFrameSpec(f: ParallelFrame): Record<string, unknown> {
  const byValue = f.colorTitle !== undefined;
  return {
    $schema: VEGA_SCHEMA,
    width: parallelPlotWidth(f),
    height: f.height,
    autosize: { type: 'pad' },
    signals: [
      { name: 'cdom', value: [0, 1] },
      { name: 'step', value: AXIS_ROOM },
    ],
    data: ['lines', 'axes', 'ticks'].map((name) => ({ name, values: [] })),
    scales: byValue
      ? [
          {
            name: 'color',
            type: 'linear',
            domain: { signal: 'cdom' },
            range: { scheme: 'viridis' },
            zero: false,
            nice: false,
          },
        ]
      : [],
    legends: byValue
      ? [
          {
            fill: 'color',
            type: 'gradient',
            orient: 'bottom',
            direction: 'horizontal',
            title: f.colorTitle,
            format: NUM,
            gradientLength: 200,
          },
        ]
      : [],
    marks: [...axisMarks(f.ink).slice(0, 1), lineMark(byValue), ...axisMarks(f.ink).slice(1)],
  };
}

const colorDomain = (cs: readonly number[]): [number, number] => {
  if (cs.length === 0) return [0, 1];
  const [lo, hi] = [Math.min(...cs), Math.max(...cs)];
  return lo < hi ? [lo, hi] : padded(lo, hi);
};

/** The paths (worst run first, so the best are drawn on top), the axes and ticks in pixels, the colour domain. */
export function parallelInput(
  data: { axes: ParallelAxis[]; lines: ParallelLine[] },
  f: ParallelFrame,
  colorOf?: ColorOf,
): { data: Record<string, unknown[]>; signals: Record<string, unknown> } {
  const step = parallelPlotWidth(f) / Math.max(1, data.axes.length);
  const xOf = (i: number): number => step * (i + 0.5);
  // Data space 0..1 sits inside 4% of air top and bottom.
  const yOf = (u: number): number => f.height * (1 - (u + 0.04) / 1.08);
  const titles = data.axes.map((a) => a.title);
  const lines = data.lines.map((l) => {
    const parts: string[] = [];
    l.ys.forEach((u, i) => {
      if (u !== null) parts.push(`${parts.length ? 'L' : 'M'}${xOf(i).toFixed(1)},${yOf(u).toFixed(1)}`);
    });
    const tip: Record<string, string> = { run: l.r };
    l.values.forEach((v, i) => {
      if (v !== null) tip[titles[i] as string] = v;
    });
    return { d: parts.join(''), c: l.c ?? null, col: colorOf?.(l.r) ?? OTHER_COLOR, tip };
  });
  const cs = data.lines.flatMap((l) => (l.c === undefined ? [] : [l.c]));
  return {
    data: {
      lines: lines.reverse(),
      axes: titles.map((t, i) => ({ x: xOf(i), t })),
      ticks: data.axes.flatMap((a, i) => a.ticks.map((t) => ({ x: xOf(i), y: yOf(t.y), t: t.t }))),
    },
    signals: { cdom: colorDomain(cs), step },
  };
}
