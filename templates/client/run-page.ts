/** The run page: metric histories from the run's data file, and vega-lite artifacts drawn as charts. */
import type { TopLevelSpec } from 'vega-lite';
import { draw } from './draw.js';
import { historyCharts, type Line } from './history-charts.js';
import { runDataNow } from './run-data.js';

export function initRunPage(): () => void {
  return () => {
    const id = document.querySelector('dl.overview code')?.textContent ?? '';
    const data = runDataNow(id);
    if (data) {
      const byKey = new Map<string, Line[]>(data.series.map((s) => [s.key, [{ label: data.name, series: s }]]));
      historyCharts(byKey);
    }
    for (const script of Array.from(document.querySelectorAll('script.vega-spec'))) {
      const target = script.previousElementSibling as HTMLElement | null;
      if (!target) continue;
      try {
        void draw(target, JSON.parse(script.textContent ?? 'null') as TopLevelSpec);
      } catch {
        target.textContent = 'Invalid chart spec.';
      }
    }
  };
}
