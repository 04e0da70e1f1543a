/**
 * Metric history charts with an x-axis choice (step, wall time, relative time) and a smoothing slider; shared by the
 * experiment, run and compare pages. Runs keep one colour and dash across every chart (an HTML legend above them);
 * a metric logged once per run is a bar or a value, not an empty line; each chart has a data summary as text.
 */
import type { Series } from '../../src/report/downsample.js';
import {
  CHART_POINT_BUDGET,
  historyPoints,
  singleValueSpec,
  type HistoryX,
  type RunStyle,
} from '../../src/charts/index.js';
import { formatNumber, formatShort } from '../../src/report/format.js';
import { attachHover, hoverLines, type HoverState } from './chart-hover.js';
import { byId, el, nextTask } from './dom.js';
import { draw, drawFramed, fitWidth, replaceData, viewOf } from './draw.js';
import { historyBand } from './history-band.js';
import { drawPaths, pathData, pathFrameSpec, plotWidth, type PathFrame } from './history-vega.js';

/** Time a task may spend drawing charts before it yields to the browser, in milliseconds. */
const SLICE_MS = 50;

/** Width of a band's column in pixels. */
const BAND_COLUMN_PX = 4;

export interface Line {
  label: string;
  series: Series;
  style: RunStyle;
}

/** A legend entry: a line sample in the run's colour and dash. */
export function legendItem(label: string, style: RunStyle): HTMLLIElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ width: '24', height: '10', 'aria-hidden': 'true' })) svg.setAttribute(k, v);
  const line = document.createElementNS(ns, 'line');
  for (const [k, v] of Object.entries({
    x1: '0',
    y1: '5',
    x2: '24',
    y2: '5',
    stroke: style.color,
    'stroke-width': '3',
    'stroke-dasharray': style.dash.join(' '),
  }))
    line.setAttribute(k, v);
  svg.append(line);
  return el('li', { title: label }, svg, label);
}

function summaryTable(lines: readonly Line[]): HTMLDetailsElement {
  const stat = (s: Series): string[] => {
    // One pass, no copies: a page has a table row per run and metric, each over up to a thousand points.
    let [min, max, last] = [Infinity, -Infinity, null as number | null];
    for (const v of s.values) {
      if (v === null) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      last = v;
    }
    return [
      last === null ? '' : formatShort(last),
      last === null ? '' : formatShort(min),
      last === null ? '' : formatShort(max),
      String(s.total),
      s.nonFinite?.length ? `${s.nonFinite.length} (${s.nonFinite[0]![1]} from step ${s.nonFinite[0]![0]})` : '',
    ];
  };
  const head = el(
    'tr',
    {},
    ...['Run', 'Last', 'Min', 'Max', 'Points', 'Not finite'].map((h) => el('th', { scope: 'col' }, h)),
  );
  const body = lines.map((l) =>
    el('tr', {}, el('th', { scope: 'row' }, l.label), ...stat(l.series).map((t) => el('td', { class: 'num' }, t))),
  );
  return el(
    'details',
    { class: 'chart-alt' },
    el('summary', {}, 'Data as a table'),
    el(
      'div',
      { class: 'table-scroll', tabindex: '0' },
      el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, ...body)),
    ),
  );
}

/** A metric logged once per run: the value itself for one run, else one bar per run. */
async function drawSingle(n: { key: string; chart: HTMLElement; lines: Line[] }, width: number): Promise<void> {
  if (n.lines.length !== 1) return draw(n.chart, singleValueSpec(n.key, n.lines, width));
  const v = n.lines[0]!.series.values.find((y) => y !== null);
  n.chart.replaceChildren(
    el(
      'div',
      { class: 'single-value' },
      el('span', { class: 'k' }, n.key),
      el('span', { class: 'v', title: formatNumber(v ?? undefined) }, formatShort(v ?? undefined)),
    ),
  );
  n.chart.setAttribute('data-chart', 'drawn');
}

interface ChartNode {
  key: string;
  chart: HTMLElement;
  lines: Line[];
  single: boolean;
  figure: HTMLElement;
  hover: HoverState | null;
  /** the frame drawn (axis and size): a redraw in the same frame swaps the data in */
  frameKey: string;
}

/** A metric's figure: caption, chart, the pointer read-out and the data table. */
function chartNode(key: string, lines: Line[]): ChartNode {
  const chart = el('div', {
    class: 'chart history',
    'data-metric': key,
    role: 'img',
    'aria-label': `${key}: history of ${lines.length} runs; data table below`,
  });
  const single = lines.every((l) => l.series.total <= 1);
  // Line charts share one compiled spec, so their title is the figure's caption (bars and values carry their own).
  const caption = single ? [] : [el('figcaption', { class: 'chart-title' }, key)];
  const figure = el('figure', {}, ...caption, chart, summaryTable(lines));
  const node: ChartNode = { key, chart, lines, single, figure, hover: null, frameKey: '' };
  if (!single) attachHover(figure, chart, () => node.hover);
  return node;
}

/** The legend above the charts when they show more than one run. */
function legendRow(runs: ReadonlyMap<string, Line>): HTMLElement[] {
  if (runs.size <= 1) return [];
  const items = [...runs.values()].map((l) => legendItem(l.label, l.style));
  return [el('div', { class: 'legend-row' }, el('ul', { class: 'legend', 'aria-label': 'Runs' }, ...items))];
}

/** Draws one chart (or swaps new paths into it): lines thinned to the point budget, with their ranges as bands. */
async function drawNode(n: ChartNode, x: HistoryX, smoothing: number, width: number, runs: Map<string, Line>) {
  if (n.single) {
    // Bars and values do not change with the axis or smoothing.
    if (n.frameKey !== `single ${width}`) await drawSingle(n, width);
    n.frameKey = `single ${width}`;
    return;
  }
  const frame: PathFrame = { x, width, height: 180 };
  // A line needs no more points than the plot has pixels, nor a band more than a column every few pixels (a merged
  // column keeps its highest high): vega parses every path, so fewer points draw faster and look the same.
  const px = plotWidth(frame);
  const perLine = Math.min(px, Math.floor(CHART_POINT_BUDGET / Math.max(1, n.lines.length)));
  const { values, bad } = historyPoints(n.lines, x, smoothing, perLine * n.lines.length);
  const columns = Math.ceil(px / BAND_COLUMN_PX);
  const bands = n.lines.flatMap((l) => historyBand(l.label, l.series, x, columns) ?? []);
  const description = `${n.key}: history of ${n.lines.length} runs; data table below`;
  const { data, signals } = pathData(values, bad, frame, (label) => runs.get(label)?.style, bands);
  // vega draws the axes and the non-finite marks; the runs' paths go in after it (drawPaths).
  const input = { data: { bad: data.bad }, signals, description };
  const key = JSON.stringify(frame);
  // The same frame (axis and size): only the domains and marks change, in the view drawn.
  if (!(key === n.frameKey && (await replaceData(n.chart, input)))) {
    if (!(await drawFramed(n.chart, key, () => pathFrameSpec(frame), input, false))) return;
  }
  const view = viewOf(n.chart);
  if (view) drawPaths(n.chart, view.origin(), data);
  n.frameKey = key;
  n.hover = { lines: hoverLines(values, (label) => runs.get(label)?.style.color ?? 'currentColor'), x };
}

/** Draws one chart per metric key into `box`; returns a redraw function bound to the page's controls. */
export function historyCharts(
  box: HTMLElement,
  byKey: Map<string, Line[]>,
  order?: readonly string[],
): () => Promise<void> {
  const xSel = byId<HTMLSelectElement>('history-x');
  const slider = byId<HTMLInputElement>('history-smoothing');
  const shown = byId<HTMLOutputElement>('history-smoothing-value');
  byId('history-controls')?.removeAttribute('hidden');
  const keys = order ? order.filter((k) => byKey.has(k)) : [...byKey.keys()].sort();
  const runs = new Map<string, Line>();
  for (const k of keys) for (const l of byKey.get(k) ?? []) if (!runs.has(l.label)) runs.set(l.label, l);
  const nodes = keys.map((key) => chartNode(key, byKey.get(key) ?? []));
  box.replaceChildren(...legendRow(runs), ...nodes.map((n) => n.figure));
  let generation = 0;
  let laidOut = false;
  const redraw = async (): Promise<void> => {
    const mine = ++generation;
    if (!laidOut) {
      // The new figures are laid out by the next frame, not by a forced layout inside this task.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      laidOut = true;
    }
    const x = xSel?.value === 'time' ? 'time' : xSel?.value === 'relative' ? 'relative' : 'step';
    const smoothing = Number(slider?.value ?? 0);
    if (shown) shown.textContent = smoothing.toFixed(2);
    // Widths read once, before any chart is drawn: reading one after each draw would force a layout per chart.
    const widths = nodes.map((n) => fitWidth(n.figure, 720));
    // Several charts per task while they fit in the budget: a task per chart has the browser lay out and paint
    // between every two charts, which takes longer than the charts. A chart that would overrun starts a new task.
    let sliceStart = performance.now();
    let chartMs = 0;
    for (const [k, n] of nodes.entries()) {
      if (mine !== generation) return;
      const elapsed = performance.now() - sliceStart;
      if (k > 0 && elapsed + chartMs > SLICE_MS) {
        await nextTask();
        if (mine !== generation) return;
        sliceStart = performance.now();
      }
      const t = performance.now();
      await drawNode(n, x, smoothing, widths[k] as number, runs);
      chartMs = performance.now() - t;
    }
    // Tests and benchmarks wait for this: every chart of the latest request is drawn.
    if (mine === generation) box.setAttribute('data-drawn', String(mine));
  };
  // Assigned, not added: the compare page rebuilds its charts whenever the selection changes.
  let pending = false;
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      void redraw();
    });
  };
  if (xSel) xSel.onchange = schedule;
  if (slider) slider.oninput = schedule;
  void redraw();
  return redraw;
}
