/** Metric history charts with an x-axis choice (step/time) and a smoothing slider; shared by run and compare pages. */
import type { Series } from '../../src/report/downsample.js';
import { historySpec } from '../../src/report/chart-specs.js';
import { byId, el } from './dom.js';
import { chartWidth, draw } from './draw.js';

export interface Line {
  label: string;
  series: Series;
}

/** Draws one chart per metric key; returns a redraw function bound to the controls. */
export function historyCharts(byKey: Map<string, Line[]>): () => void {
  const box = byId('history-charts');
  const xSel = byId<HTMLSelectElement>('history-x');
  const slider = byId<HTMLInputElement>('history-smoothing');
  const shown = byId<HTMLOutputElement>('history-smoothing-value');
  if (!box) return () => undefined;
  byId('history-controls')?.removeAttribute('hidden');
  const keys = [...byKey.keys()].sort();
  const nodes = keys.map((key) => {
    const chart = el('div', { class: 'chart history', 'data-metric': key });
    box.append(el('figure', {}, chart));
    return chart;
  });
  const redraw = (): void => {
    const x = xSel?.value === 'time' ? 'time' : 'step';
    const smoothing = Number(slider?.value ?? 0);
    if (shown) shown.textContent = smoothing.toFixed(2);
    keys.forEach((key, i) => {
      const node = nodes[i] as HTMLElement;
      void draw(node, historySpec({ title: key, series: byKey.get(key) ?? [], x, smoothing, width: chartWidth(box, 560) }));
    });
  };
  // Assigned, not added: the compare page rebuilds its charts whenever the selection changes.
  if (xSel) xSel.onchange = redraw;
  if (slider) slider.onchange = redraw;
  redraw();
  return redraw;
}
