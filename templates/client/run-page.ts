/** The run page: metric histories from the run's data file, the CSV made on request, vega-lite artifacts as charts. */
import type { TopLevelSpec } from 'vega-lite';
import { runStyle } from '../../src/charts/index.js';
import { byId } from './dom.js';
import { downloadText, fileSafe } from './download.js';
import { draw, isDark } from './draw.js';
import { historyCharts, type Line } from './history-charts.js';
import { loadRunData, runCsv } from './run-data.js';

/** The run's history charts (from its data file, already loaded by the page) and the CSV button. */
async function drawHistories(id: string, src: string, box: HTMLElement): Promise<void> {
  const data = await loadRunData(id, src);
  const style = runStyle(0, isDark());
  const byKey = new Map<string, Line[]>(data.series.map((s) => [s.key, [{ label: data.name, series: s, style }]]));
  void historyCharts(box, byKey);
  const button = byId<HTMLButtonElement>('download-csv');
  if (button && data.series.length > 0) {
    button.hidden = false;
    button.onclick = () =>
      void runCsv(id, src).then((csv) => downloadText(`${fileSafe(data.name || data.id)}-metrics.csv`, csv));
  }
}

export function initRunPage(): () => void {
  return () => {
    const id = document.querySelector('dl.overview code')?.textContent ?? '';
    const src = `../data/runs/${encodeURIComponent(id)}.js`;
    const box = byId('history-charts');
    if (id && box) void drawHistories(id, src, box);
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
