/**
 * Metric history charts with an x-axis choice (step, wall time, relative time) and a smoothing slider; shared by the
 * experiment, run and compare pages. Runs keep one colour and dash across every chart (an HTML legend above them);
 * a metric logged once per run is a bar or a value, not an empty line; each chart has a data summary as text.
 */
import type { Series } from '../../src/report/downsample.js';
import type { TopLevelSpec } from 'vega-lite';
import { HISTORY_DATA, historySpec, singleValueSpec, type RunStyle } from '../../src/charts/index.js';
import { formatNumber, formatShort } from '../../src/report/format.js';
import { byId, el } from './dom.js';
import { draw, fitWidth, replaceData } from './draw.js';

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
    const ys = s.values.filter((v): v is number => v !== null);
    const last = [...s.values].reverse().find((v) => v !== null);
    return [
      last === undefined || last === null ? '' : formatShort(last),
      ys.length ? formatShort(Math.min(...ys)) : '',
      ys.length ? formatShort(Math.max(...ys)) : '',
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

const yieldToPage = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

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
  const legend =
    runs.size > 1
      ? [
          el(
            'ul',
            { class: 'legend', 'aria-label': 'Runs' },
            ...[...runs.values()].map((l) => legendItem(l.label, l.style)),
          ),
        ]
      : [];
  const nodes = keys.map((key) => {
    const lines = byKey.get(key) ?? [];
    const chart = el('div', {
      class: 'chart history',
      'data-metric': key,
      role: 'img',
      'aria-label': `${key}: history of ${lines.length} runs; data table below`,
    });
    return {
      key,
      chart,
      lines,
      single: lines.every((l) => l.series.total <= 1),
      figure: el('figure', {}, chart, summaryTable(lines)),
    };
  });
  box.replaceChildren(...legend.map((l) => el('div', { class: 'legend-row' }, l)), ...nodes.map((n) => n.figure));
  let generation = 0;
  let drawnX = '';
  const redraw = async (): Promise<void> => {
    const mine = ++generation;
    const x = xSel?.value === 'time' ? 'time' : xSel?.value === 'relative' ? 'relative' : 'step';
    const smoothing = Number(slider?.value ?? 0);
    if (shown) shown.textContent = smoothing.toFixed(2);
    // Same axis: only the points change, so they are swapped into the drawn charts.
    const swap = drawnX === x;
    drawnX = x;
    // Widths read once, before any chart is drawn: reading one after each draw would force a layout per chart.
    const widths = nodes.map((n) => fitWidth(n.figure, 720));
    for (const [k, n] of nodes.entries()) {
      if (mine !== generation) return;
      const width = widths[k] as number;
      if (n.single && n.lines.length === 1) {
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
        continue;
      }
      if (n.single) {
        if (!swap) await draw(n.chart, singleValueSpec(n.key, n.lines, width));
        continue;
      }
      const spec = historySpec({ title: n.key, series: n.lines, x, smoothing, width }) as {
        layer: { data: { values: unknown[] } }[];
      };
      if (!(swap && (await replaceData(n.chart, HISTORY_DATA, spec.layer[0]!.data.values))))
        await draw(n.chart, spec as unknown as TopLevelSpec);
      await yieldToPage();
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
