/**
 * The page's history charts as vega specs with one path per run. The page computes each run's path in plot pixels
 * from the points it already holds (smoothed and thinned), and vega draws the axes, scales and marks: a chart is a
 * dozen data tuples instead of thousands of points to ingest, facet and encode, so charts draw and a smoothing change
 * redraws in a fraction of the time. The kernel's charts keep the plain vega-lite spec (src/charts/history-spec.ts).
 */
import type { HistoryMark, HistoryChartPoint, HistoryX, RunStyle } from '../../src/charts/index.js';
import { bandPath, tenth, type Band } from './history-band.js';

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

function scales(time: boolean): Record<string, unknown>[] {
  const fitted = { zero: false, nice: false };
  return [
    { name: 'x', type: time ? 'utc' : 'linear', domain: { signal: 'xdom' }, range: 'width', ...fitted },
    { name: 'y', type: 'linear', domain: { signal: 'ydom' }, range: 'height', ...fitted },
  ];
}

function axes(frame: PathFrame): Record<string, unknown>[] {
  const time = frame.x === 'time';
  return [
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
  ];
}

/** A divergence is seen, not silently skipped: a red mark at the top edge where a run first went non-finite. */
const badMark = {
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
};

/** The vega spec of a history chart: axes, the `bad` data set (empty) and the x/y domains as signals. */
export function pathFrameSpec(frame: PathFrame): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: plotWidth(frame),
    height: frame.height,
    autosize: { type: 'pad' },
    signals: [
      { name: 'xdom', value: [0, 1] },
      { name: 'ydom', value: [0, 1] },
    ],
    data: [{ name: 'bad', values: [] }],
    scales: scales(frame.x === 'time'),
    axes: axes(frame),
    // The runs' lines and bands are not vega marks: drawPaths puts them over the plot (vega would parse every path).
    marks: [badMark],
  };
}

/** Smallest and largest of the numbers `each` visits, widened from [lo, hi]. */
function widen(range: [number, number], each: (visit: (v: number) => void) => void): [number, number] {
  each((v) => {
    if (v < range[0]) range[0] = v;
    if (v > range[1]) range[1] = v;
  });
  return range;
}

/** Domains with some air: a flat line sits mid-height, a curve (and its band) does not touch the plot's edges. */
function domains(points: readonly HistoryChartPoint[], bad: readonly HistoryMark[], bands: readonly Band[]) {
  const fit = ([lo, hi]: [number, number]): [number, number] => (lo <= hi ? [lo, hi] : [0, 1]);
  // Loops, not spread arrays: a chart has thousands of points, and the copies were much of its drawing time.
  const [x0, x1] = fit(
    widen([Infinity, -Infinity], (v) => {
      for (const p of points) v(p.x);
      for (const b of bad) v(b.x);
    }),
  );
  const [y0, y1] = fit(
    widen([Infinity, -Infinity], (v) => {
      for (const p of points) v(p.y);
      for (const b of bands) {
        for (const y of b.lo) v(y);
        for (const y of b.hi) v(y);
      }
    }),
  );
  const pad = y1 > y0 ? (y1 - y0) * 0.04 : Math.abs(y0) * 0.05 || 1;
  return { xdom: x1 > x0 ? [x0, x1] : [x0 - 1, x1 + 1], ydom: [y0 - pad, y1 + pad] };
}

/** Each run's path in plot pixels (points come run by run, each in x order), its band, and the axes' domains. */
export function pathData(
  points: readonly HistoryChartPoint[],
  bad: readonly HistoryMark[],
  frame: PathFrame,
  styleOf: (label: string) => RunStyle | undefined,
  bands: readonly Band[] = [],
): { data: { bands: PathTuple[]; lines: PathTuple[]; bad: HistoryMark[] }; signals: Record<string, number[]> } {
  const { xdom, ydom } = domains(points, bad, bands);
  const [x0, x1] = xdom as [number, number];
  const [y0, y1] = ydom as [number, number];
  const kx = plotWidth(frame) / (x1 - x0);
  const ky = frame.height / (y1 - y0);
  const px = (x: number): number => (x - x0) * kx;
  const py = (y: number): number => frame.height - (y - y0) * ky;
  const tuple = (r: string, d: string): PathTuple => {
    const style = styleOf(r);
    return { r, d, c: style?.color ?? 'currentColor', dash: style?.dash ?? [] };
  };
  const lines: PathTuple[] = [];
  let parts: string[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as HistoryChartPoint;
    parts.push(`${parts.length ? 'L' : 'M'}${tenth(px(p.x))},${tenth(py(p.y))}`);
    if (points[i + 1]?.r !== p.r) {
      lines.push(tuple(p.r, parts.join('')));
      parts = [];
    }
  }
  const shaded = bands.map((b) => tuple(b.r, bandPath(b, px, py)));
  return { data: { bands: shaded, lines, bad: [...bad] }, signals: { xdom, ydom } };
}

const SVG = 'http://www.w3.org/2000/svg';

function svgPath(attrs: Record<string, string>): SVGPathElement {
  const p = document.createElementNS(SVG, 'path');
  for (const [k, v] of Object.entries(attrs)) p.setAttribute(k, v);
  return p;
}

/**
 * Draws the runs' bands and lines into the chart's svg, over vega's axes, at the plot's origin (`origin`, from the
 * view). They are SVG paths of their own, not vega marks: the browser reads a path's `d` natively, where vega would
 * parse every path string twice (for its bounds and to write it), which was most of a chart's drawing time. The group
 * is the svg's last child, which vega's re-renders leave alone; a redraw replaces its paths.
 */
export function drawPaths(
  chart: HTMLElement,
  origin: readonly [number, number],
  { bands, lines }: { bands: readonly PathTuple[]; lines: readonly PathTuple[] },
): void {
  const svg = chart.querySelector('svg');
  if (!svg) return;
  let group = svg.querySelector<SVGGElement>(':scope > g.run-paths');
  if (!group) {
    group = document.createElementNS(SVG, 'g');
    // Hidden from assistive technology: the data table below the chart lists the runs.
    group.setAttribute('class', 'mark-path role-mark run-paths');
    group.setAttribute('aria-hidden', 'true');
    group.setAttribute('pointer-events', 'none');
    svg.append(group);
  }
  group.setAttribute('transform', `translate(${origin[0]},${origin[1]})`);
  group.replaceChildren(
    // A thin edge too: a one-bucket spike is narrower than a pixel of fill.
    ...bands.map((b) =>
      svgPath({
        d: b.d,
        fill: b.c,
        'fill-opacity': '0.16',
        stroke: b.c,
        'stroke-opacity': '0.3',
        'stroke-width': '0.75',
      }),
    ),
    ...lines.map((l) =>
      svgPath({
        d: l.d,
        fill: 'none',
        stroke: l.c,
        'stroke-width': '1.75',
        'stroke-linejoin': 'round',
        ...(l.dash.length ? { 'stroke-dasharray': l.dash.join(',') } : {}),
      }),
    ),
  );
}
