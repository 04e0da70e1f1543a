/**
 * The page's history charts as vega specs with one path per run. The page computes each run's path in plot pixels
 * from the points it already holds (smoothed and thinned), and vega draws the axes, scales and marks: a chart is a
 * dozen data tuples instead of thousands of points to ingest, facet and encode, so charts draw and a smoothing change
 * redraws in a fraction of the time. The kernel's charts keep the plain vega-lite spec (src/charts/history-spec.ts).
 */
import type { HistoryMark, HistoryChartPoint, HistoryX, RunStyle } from '../../src/charts/index.js';

/** Room the y axis' labels take to the left of the plot, in pixels. */
const Y_AXIS_ROOM = 50;
const X_TITLE = { step: 'step', time: 'time (UTC)', relative: 'seconds since start' } as const;

export interface PathFrame {
  x: HistoryX;
  /** width of the whole chart, axes included */
  width: number;
  /** height of the plot */
  height: number;
}

/** One run's line: its path in plot pixels, colour and dash. */
export interface PathTuple {
  r: string;
  d: string;
  c: string;
  dash: number[];
}

export const plotWidth = (frame: PathFrame): number => Math.max(120, frame.width - Y_AXIS_ROOM);

/** The vega spec of a history chart, with empty data sets (`lines`, `bad`) and x/y domains as signals. */
export function pathFrameSpec(frame: PathFrame): Record<string, unknown> {
  const time = frame.x === 'time';
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: plotWidth(frame),
    height: frame.height,
    autosize: { type: 'pad' },
    signals: [
      { name: 'xdom', value: [0, 1] },
      { name: 'ydom', value: [0, 1] },
    ],
    data: [
      { name: 'lines', values: [] },
      { name: 'bad', values: [] },
    ],
    scales: [
      {
        name: 'x',
        type: time ? 'utc' : 'linear',
        domain: { signal: 'xdom' },
        range: 'width',
        zero: false,
        nice: false,
      },
      { name: 'y', type: 'linear', domain: { signal: 'ydom' }, range: 'height', zero: false, nice: false },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: X_TITLE[frame.x],
        grid: true,
        labelFlush: true,
        labelOverlap: true,
        tickCount: { signal: 'ceil(width/60)' },
        ...(time ? {} : { format: '~s' }),
      },
      { orient: 'left', scale: 'y', grid: true, format: '.4~g', tickCount: { signal: 'ceil(height/40)' } },
    ],
    marks: [
      {
        type: 'path',
        from: { data: 'lines' },
        aria: false,
        encode: {
          update: {
            path: { field: 'd' },
            stroke: { field: 'c' },
            strokeDash: { field: 'dash' },
            strokeWidth: { value: 1.75 },
            strokeJoin: { value: 'round' },
          },
        },
      },
      {
        // A divergence is seen, not silently skipped: a red mark at the top edge where a run first went non-finite.
        // Left out of the accessibility tree like the lines: the data table below the chart lists non-finite points.
        type: 'symbol',
        from: { data: 'bad' },
        aria: false,
        encode: {
          update: {
            x: { scale: 'x', field: 'x' },
            y: { value: 5 },
            shape: { value: 'triangle-down' },
            size: { value: 90 },
            fill: { value: '#e03131' },
            tooltip: { signal: "{'run': datum.r, 'not a number': datum.v}" },
          },
        },
      },
    ],
  };
}

const extent = (xs: Iterable<number>): [number, number] => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
};

/** Domains with some air: a flat line sits mid-height, a curve does not touch the plot's top and bottom. */
function domains(points: readonly HistoryChartPoint[], bad: readonly HistoryMark[]) {
  const [x0, x1] = extent([...points.map((p) => p.x), ...bad.map((b) => b.x)]);
  const [y0, y1] = extent(points.map((p) => p.y));
  const pad = y1 > y0 ? (y1 - y0) * 0.04 : Math.abs(y0) * 0.05 || 1;
  return { xdom: x1 > x0 ? [x0, x1] : [x0 - 1, x1 + 1], ydom: [y0 - pad, y1 + pad] };
}

/** Each run's path in plot pixels (points come run by run, each in x order), and the domains the axes show. */
export function pathData(
  points: readonly HistoryChartPoint[],
  bad: readonly HistoryMark[],
  frame: PathFrame,
  styleOf: (label: string) => RunStyle | undefined,
): { data: { lines: PathTuple[]; bad: HistoryMark[] }; signals: Record<string, number[]> } {
  const { xdom, ydom } = domains(points, bad);
  const [x0, x1] = xdom as [number, number];
  const [y0, y1] = ydom as [number, number];
  const kx = plotWidth(frame) / (x1 - x0);
  const ky = frame.height / (y1 - y0);
  const lines: PathTuple[] = [];
  let parts: string[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as HistoryChartPoint;
    parts.push(
      `${parts.length ? 'L' : 'M'}${((p.x - x0) * kx).toFixed(1)},${(frame.height - (p.y - y0) * ky).toFixed(1)}`,
    );
    if (points[i + 1]?.r !== p.r) {
      const style = styleOf(p.r);
      lines.push({ r: p.r, d: parts.join(''), c: style?.color ?? 'currentColor', dash: style?.dash ?? [] });
      parts = [];
    }
  }
  return { data: { lines, bad: [...bad] }, signals: { xdom, ydom } };
}
