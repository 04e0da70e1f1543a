/**
 * The scatter as a vega spec whose points are a few paths, one per colour, computed in plot pixels by the page: a
 * thousand runs cost a thousand arcs in a string, not a thousand marks to encode and lay out. vega draws the axes
 * from the same domains; the pointer read-out (point-hover.ts) finds the nearest point in the pixels kept here.
 */
import { NUM } from '../../src/charts/common.js';
import { OTHER_COLOR, shortValue, type ColorOf, type ScatterData } from '../../src/charts/run-charts.js';
import type { HoverDot } from './point-hover.js';

export const VEGA_SCHEMA = 'https://vega.github.io/schema/vega/v6.json';

/** Room for the y axis' labels and title, left of the plot. */
const Y_ROOM = 72;
/** Radius of a point: the area of vega-lite's default point size (70 px²). */
const RADIUS = 4.7;

export interface ScatterFrame {
  /** width of the whole chart, axes included */
  width: number;
  height: number;
  xScale: ScatterData['xScale'];
  xTitle: string;
  yTitle: string;
}

export const scatterPlotWidth = (f: ScatterFrame): number => Math.max(120, f.width - Y_ROOM);

/** The spec: an empty `dots` data set, x and y domains as signals. */
export function scatterFrameSpec(f: ScatterFrame): Record<string, unknown> {
  const point = f.xScale === 'point';
  const fitted = { zero: false, nice: false };
  return {
    $schema: VEGA_SCHEMA,
    width: scatterPlotWidth(f),
    height: f.height,
    autosize: { type: 'pad' },
    signals: [
      { name: 'xdom', value: [0, 1] },
      { name: 'ydom', value: [0, 1] },
    ],
    data: [{ name: 'dots', values: [] }],
    scales: [
      { name: 'x', type: f.xScale, domain: { signal: 'xdom' }, range: 'width', ...(point ? { padding: 0.5 } : fitted) },
      { name: 'y', type: 'linear', domain: { signal: 'ydom' }, range: 'height', ...fitted },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: f.xTitle,
        grid: true,
        labelOverlap: true,
        labelLimit: 120,
        ...(point ? {} : { format: NUM, tickCount: { signal: 'ceil(width/70)' } }),
      },
      {
        orient: 'left',
        scale: 'y',
        title: f.yTitle,
        grid: true,
        format: NUM,
        tickCount: { signal: 'ceil(height/40)' },
      },
    ],
    marks: [
      {
        type: 'path',
        from: { data: 'dots' },
        aria: false,
        encode: {
          update: {
            path: { field: 'd' },
            stroke: { field: 'c' },
            strokeOpacity: { value: 0.85 },
            strokeWidth: { value: 2 * RADIUS },
            strokeCap: { value: 'round' },
          },
        },
      },
    ],
  };
}

/** lo..hi with 4% of air each side; a single value gets a range around it. */
export function padded(lo: number, hi: number, log = false): [number, number] {
  if (!(lo <= hi)) return [0, 1];
  if (log) {
    const k = hi > lo ? Math.pow(hi / lo, 0.04) : 1.5;
    return [lo / k, hi * k];
  }
  const pad = hi > lo ? (hi - lo) * 0.04 : Math.abs(lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

const extent = (xs: readonly number[]): [number, number] => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
};

/** x in plot pixels, for the scale the frame declares (vega's point scale: padding 0.5, so step = width / n). */
function xPixels(data: ScatterData, width: number): { xdom: unknown[]; px: (x: number | string) => number } {
  if (data.xScale === 'point') {
    const at = new Map(data.categories.map((c, i) => [c, i]));
    const step = width / Math.max(1, data.categories.length);
    return { xdom: data.categories, px: (x) => step * (0.5 + (at.get(String(x)) ?? 0)) };
  }
  const log = data.xScale === 'log';
  const [x0, x1] = padded(...extent(data.points.map((p) => p.x as number)), log);
  if (log) return { xdom: [x0, x1], px: (x) => (Math.log((x as number) / x0) / Math.log(x1 / x0)) * width };
  return { xdom: [x0, x1], px: (x) => (((x as number) - x0) / (x1 - x0)) * width };
}

/** A point as a zero-length segment with round caps: a dot of the stroke's width, and a path vega bounds cheaply. */
const dot = (x: number, y: number): string => `M${x.toFixed(1)},${y.toFixed(1)}h0`;

/**
 * The dots (one path per colour: grey first, so coloured runs are drawn over it), the domains, and each point in
 * plot pixels for the pointer read-out.
 */
export function scatterInput(data: ScatterData, f: ScatterFrame, colorOf?: ColorOf) {
  const width = scatterPlotWidth(f);
  const { xdom, px } = xPixels(data, width);
  const ydom = padded(...extent(data.points.map((p) => p.y)));
  const py = (y: number): number => f.height - ((y - ydom[0]) / (ydom[1] - ydom[0])) * f.height;
  const byColor = new Map<string, string[]>([[OTHER_COLOR, []]]);
  const dots: HoverDot[] = [];
  for (const p of data.points) {
    const [x, y, color] = [px(p.x), py(p.y), colorOf?.(p.r) ?? OTHER_COLOR];
    const paths = byColor.get(color) ?? byColor.set(color, []).get(color)!;
    paths.push(dot(x, y));
    const xText = typeof p.x === 'number' ? shortValue(p.x) : p.x;
    dots.push({
      x,
      y,
      label: p.r,
      color,
      rows: [
        [f.xTitle, xText],
        [f.yTitle, shortValue(p.y)],
      ],
    });
  }
  const paths = [...byColor].filter(([, d]) => d.length > 0).map(([c, d]) => ({ c, d: d.join('') }));
  return { input: { data: { dots: paths }, signals: { xdom, ydom } }, dots };
}
