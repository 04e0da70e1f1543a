/**
 * The compare page: the selection lives in the URL (`compare.html#runs=<id>,<id>`) so a link can be pasted into a
 * review. Runs may come from several experiments; each run's data file is loaded on demand.
 */
import type { RunData } from '../../src/report/run-view-model.js';
import { chooseDims, dimTitle, mostVaryingParam, runStyle, type RunStyle } from '../../src/charts/index.js';
import { byId, el, fillSelect, pageData } from './dom.js';
import { selectionFromHash } from './compare-selection.js';
import { metricsTable, paramsTable, runsTable, type CompareView } from './compare-tables.js';
import { isDark } from './draw.js';
import { dimFromValue, dimOptions, dimToValue, toChartRuns, whenVisible } from './experiment-charts.js';
import { formatHash, readHash } from './hash-state.js';
import { historyCharts, type Line } from './history-charts.js';
import { loadRunData } from './run-data.js';
import { drawParallel, drawScatter } from './run-charts.js';
import { vegaReady } from './vega-globals.js';

interface IndexEntry {
  id: string;
  name: string;
  experiment: string;
  data: string;
  href: string;
}

const setHash = (ids: string[]): void => {
  const h = readHash(location.hash);
  location.hash = formatHash(
    { ...h, runs: ids.join(','), base: h['base'] && ids.includes(h['base']) ? h['base'] : '' },
    ['runs', 'base', 'diff'],
  );
};

/** Fills the "add a run" menu with every run of the report, grouped by experiment, and wires its choice. */
function fillPicker(picker: HTMLSelectElement, index: Map<string, IndexEntry>): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const e of index.values()) {
    let g = groups.get(e.experiment);
    if (!g) {
      g = el('optgroup', { label: e.experiment });
      groups.set(e.experiment, g);
      picker.append(g);
    }
    g.append(el('option', { value: e.id }, `${e.name} (${e.id.slice(0, 8)})`));
  }
  picker.addEventListener('change', () => {
    const ids = selectionFromHash(location.hash);
    if (picker.value && !ids.includes(picker.value)) setHash([...ids, picker.value]);
    picker.value = '';
  });
}

export function initComparePage(): () => void {
  const data = pageData<{ index: IndexEntry[] }>();
  const index = new Map((data?.index ?? []).map((e) => [e.id, e]));
  const status = byId('compare-status');
  const picker = byId<HTMLSelectElement>('compare-add');
  const permalink = byId<HTMLAnchorElement>('compare-permalink');
  byId('compare-picker')?.removeAttribute('hidden');
  if (picker) fillPicker(picker, index);
  // The runs in the address start loading now, with vega, while the page parses and paints: not after (compare-boot.js
  // in <head> has usually asked for the same files already; these requests then get them from its preloads).
  const pending = new Map<string, Promise<RunData>>();
  const load = (id: string): Promise<RunData> => {
    let run = pending.get(id);
    if (!run) pending.set(id, (run = loadRunData(id, (index.get(id) as IndexEntry).data)));
    return run;
  };
  const first = selectionFromHash(location.hash).filter((id) => index.has(id));
  if (first.length > 0) void vegaReady();
  for (const id of first) load(id).catch(() => pending.delete(id));
  let generation = 0;
  let drawnFor = '';
  const render = async (): Promise<void> => {
    const mine = ++generation;
    const ids = selectionFromHash(location.hash);
    const known = ids.filter((id) => index.has(id));
    const unknown = ids.filter((id) => !index.has(id));
    if (permalink) permalink.href = `#runs=${known.join(',')}`;
    const body = byId('compare-body');
    if (known.length === 0) {
      drawnFor = '';
      if (body) body.hidden = true;
      if (status)
        status.textContent = unknown.length
          ? `No such runs in this report: ${unknown.join(', ')}`
          : 'Pick runs with the checkboxes of an experiment page, or add them here.';
      return;
    }
    if (status) status.textContent = `Loading ${known.length} runs…`;
    // vega downloads while the runs' data files do (a run added from the menu is known only now).
    void vegaReady();
    const runs = await Promise.all(known.map(load));
    if (mine !== generation) return;
    if (status)
      status.textContent = `${runs.length} runs${unknown.length ? `; not in this report: ${unknown.join(', ')}` : ''}`;
    if (body) body.hidden = false;
    const styles = runs.map((_, i) => runStyle(i, isDark()));
    renderTables(runs, styles);
    const key = runs.map((r) => r.id).join(',');
    // Changing the baseline or "differences only" redraws the tables, not the charts.
    if (key !== drawnFor) {
      drawnFor = key;
      renderCharts(runs, styles);
    }
  };
  window.addEventListener('hashchange', () => void render());
  return () => void render();
}

/** The baseline from `#...&base=<id>`, else the first run. */
const baselineFrom = (hash: string, ids: readonly string[]): string => {
  const b = readHash(hash)['base'];
  return b && ids.includes(b) ? b : (ids[0] ?? '');
};

function updateHash(change: Record<string, string>): void {
  const h = { ...readHash(location.hash), ...change };
  location.hash = formatHash(h, ['runs', 'base', 'diff']);
}

function renderTables(runs: RunData[], styles: RunStyle[]): void {
  const ids = runs.map((r) => r.id);
  const view: CompareView = {
    runs,
    styles,
    baseline: baselineFrom(location.hash, ids),
    diffOnly: readHash(location.hash)['diff'] === '1',
  };
  const runsEl = byId<HTMLTableElement>('compare-runs');
  runsEl?.replaceChildren(...runsTable(view));
  if (runsEl) {
    runsEl.onclick = (e) => {
      const t = e.target as Element;
      const remove = t.getAttribute('data-remove');
      const base = t.getAttribute('data-baseline');
      if (remove) setHash(selectionFromHash(location.hash).filter((x) => x !== remove));
      if (base) updateHash({ base });
    };
  }
  byId<HTMLTableElement>('compare-params')?.replaceChildren(...paramsTable(view));
  byId<HTMLTableElement>('compare-metrics')?.replaceChildren(...metricsTable(view));
  const diffOnly = byId<HTMLInputElement>('compare-diff-only');
  if (diffOnly) {
    diffOnly.checked = view.diffOnly;
    diffOnly.onchange = () => updateHash({ diff: diffOnly.checked ? '1' : '' });
  }
}

function renderCharts(runs: RunData[], styles: RunStyle[]): void {
  const chartRuns = toChartRuns(runs);
  const byKey = new Map<string, Line[]>();
  runs.forEach((r, i) => {
    for (const s of r.series)
      byKey.set(s.key, [
        ...(byKey.get(s.key) ?? []),
        { label: (chartRuns[i] as { label: string }).label, series: s, style: styles[i] as RunStyle },
      ]);
  });
  const box = byId('history-charts');
  if (box) void historyCharts(box, byKey);
  const colors = new Map(chartRuns.map((r, i) => [r.label, (styles[i] as RunStyle).color]));
  const colorOf = (label: string): string | undefined => colors.get(label);
  const { all, metrics } = dimOptions(chartRuns);
  const xs = byId<HTMLSelectElement>('scatter-x');
  const ys = byId<HTMLSelectElement>('scatter-y');
  const opt = (d: { kind: 'param' | 'metric'; key: string }) => ({ value: dimToValue(d), label: dimTitle(d) });
  const firstMetric = metrics[0]?.key ?? '';
  const telling = mostVaryingParam(chartRuns, firstMetric);
  if (xs)
    fillSelect(xs, all.map(opt), xs.value || (telling ? `p:${telling}` : all[0] ? dimToValue(all[0]) : undefined));
  if (ys) fillSelect(ys, metrics.map(opt), ys.value || (metrics[0] ? dimToValue(metrics[0]) : undefined));
  const scatter = (): void => {
    const node = byId('chart-scatter');
    if (node && xs?.value && ys?.value)
      void drawScatter(node, chartRuns, { x: dimFromValue(xs.value), y: dimFromValue(ys.value) }, colorOf);
  };
  if (xs) xs.onchange = scatter;
  if (ys) ys.onchange = scatter;
  const par = byId('chart-parallel');
  // Below the histories: drawn when they near the viewport (or before printing), after the charts above them.
  whenVisible(byId('chart-scatter'), () => {
    scatter();
    if (par) void drawParallel(par, chartRuns, chooseDims(chartRuns), { of: colorOf });
  });
}
