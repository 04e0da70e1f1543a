/**
 * The compare page: the selection lives in the URL (`compare.html#runs=<id>,<id>`) so a link can be pasted into a
 * review. Runs may come from several experiments; each run's data file is loaded on demand.
 */
import type { RunData } from '../../src/report/run-view-model.js';
import { chooseDims, dimTitle, parallelSpec, scatterSpec } from '../../src/report/chart-specs.js';
import { decodeValue, formatNumber } from '../../src/report/format.js';
import { SAFE_ID } from '../../src/report/paths.js';
import { byId, el, fillSelect, pageData } from './dom.js';
import { chartWidth, draw } from './draw.js';
import { dimFromValue, dimOptions, dimToValue, toChartRuns } from './experiment-page.js';
import { historyCharts, type Line } from './history-charts.js';
import { loadRunData } from './run-data.js';

interface IndexEntry {
  id: string;
  name: string;
  experiment: string;
  data: string;
  href: string;
}

/** Run ids from `#runs=a,b,c`: only well-formed ids, each once, in order. */
export function selectionFromHash(hash: string): string[] {
  const m = /(?:^#|&)runs=([^&]*)/.exec(hash);
  if (!m) return [];
  const ids = (m[1] as string).split(',').map((s) => { try { return decodeURIComponent(s).trim(); } catch { return ''; } });
  return [...new Set(ids.filter((id) => SAFE_ID.test(id)))];
}

const setHash = (ids: string[]): void => {
  location.hash = `runs=${ids.join(',')}`;
};

export function initComparePage(): () => void {
  const data = pageData<{ index: IndexEntry[] }>();
  const index = new Map((data?.index ?? []).map((e) => [e.id, e]));
  const status = byId('compare-status');
  const picker = byId<HTMLSelectElement>('compare-add');
  const permalink = byId<HTMLAnchorElement>('compare-permalink');
  byId('compare-picker')?.removeAttribute('hidden');
  if (picker) {
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
  let generation = 0;
  const render = async (): Promise<void> => {
    const mine = ++generation;
    const ids = selectionFromHash(location.hash);
    const known = ids.filter((id) => index.has(id));
    const unknown = ids.filter((id) => !index.has(id));
    if (permalink) permalink.href = `#runs=${known.join(',')}`;
    const body = byId('compare-body');
    if (known.length === 0) {
      if (body) body.hidden = true;
      if (status) status.textContent = unknown.length ? `No such runs in this report: ${unknown.join(', ')}` : 'Pick runs with the checkboxes of an experiment page, or add them here.';
      return;
    }
    if (status) status.textContent = `Loading ${known.length} runs…`;
    const runs = await Promise.all(known.map((id) => loadRunData(id, (index.get(id) as IndexEntry).data)));
    if (mine !== generation) return;
    if (status) status.textContent = `${runs.length} runs${unknown.length ? `; not in this report: ${unknown.join(', ')}` : ''}`;
    if (body) body.hidden = false;
    renderTables(runs);
    renderCharts(runs);
  };
  window.addEventListener('hashchange', () => void render());
  return () => void render();
}

function header(runs: RunData[], first: string, removable: boolean): HTMLTableSectionElement {
  return el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, first), ...runs.map((r) => {
    const th = el('th', { scope: 'col' }, el('a', { href: r.href }, r.name || r.id));
    if (removable) {
      const b = el('button', { type: 'button', 'aria-label': `Remove ${r.name}`, 'data-remove': r.id }, '×');
      th.append(' ', b);
    }
    return th;
  })));
}

function keyedTable(table: HTMLTableElement | null, runs: RunData[], keys: string[], value: (r: RunData, k: string) => string, numeric: boolean): void {
  if (!table) return;
  const body = el('tbody');
  for (const key of keys) {
    const values = runs.map((r) => value(r, key));
    const differs = new Set(values).size > 1;
    const tr = el('tr', differs ? { class: 'differs-row' } : { 'data-same': 'true' }, el('th', { scope: 'row' }, key));
    for (const v of values) tr.append(el('td', { class: `${numeric ? 'num ' : ''}${differs ? 'differs' : ''}`.trim() }, v));
    body.append(tr);
  }
  table.replaceChildren(header(runs, 'Name', false), body);
}

function renderTables(runs: RunData[]): void {
  const runsTable = byId<HTMLTableElement>('compare-runs');
  if (runsTable) {
    const row = (label: string, cell: (r: RunData) => Node | string): HTMLTableRowElement =>
      el('tr', {}, el('th', { scope: 'row' }, label), ...runs.map((r) => el('td', {}, cell(r))));
    runsTable.replaceChildren(header(runs, 'Run', true), el('tbody', {},
      row('Experiment', (r) => r.experiment),
      row('Run id', (r) => el('code', {}, r.id)),
      row('Full histories', (r) => (r.csv ? el('a', { href: r.csv, download: '' }, 'CSV') : ''))));
    runsTable.onclick = (e) => {
      const id = (e.target as Element).getAttribute('data-remove');
      if (id) setHash(selectionFromHash(location.hash).filter((x) => x !== id));
    };
  }
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const params = byId<HTMLTableElement>('compare-params');
  keyedTable(params, runs, paramKeys, (r, k) => r.params[k] ?? '', false);
  keyedTable(byId<HTMLTableElement>('compare-metrics'), runs, metricKeys, (r, k) => formatNumber(decodeValue(r.metrics[k])), true);
  const diffOnly = byId<HTMLInputElement>('compare-diff-only');
  const apply = (): void => {
    for (const tr of Array.from(params?.querySelectorAll<HTMLTableRowElement>('tr[data-same]') ?? [])) tr.hidden = !!diffOnly?.checked;
  };
  if (diffOnly) diffOnly.onchange = apply;
  apply();
}

let redrawHistories: (() => void) | null = null;

function renderCharts(runs: RunData[]): void {
  const chartRuns = toChartRuns(runs);
  const byKey = new Map<string, Line[]>();
  runs.forEach((r, i) => {
    for (const s of r.series) byKey.set(s.key, [...(byKey.get(s.key) ?? []), { label: (chartRuns[i] as { label: string }).label, series: s }]);
  });
  byId('history-charts')?.replaceChildren();
  redrawHistories = historyCharts(byKey);
  void redrawHistories;
  const { all, metrics } = dimOptions(chartRuns);
  const xs = byId<HTMLSelectElement>('scatter-x');
  const ys = byId<HTMLSelectElement>('scatter-y');
  const opt = (d: { kind: 'param' | 'metric'; key: string }) => ({ value: dimToValue(d), label: dimTitle(d) });
  if (xs) fillSelect(xs, all.map(opt), xs.value || (all[0] ? dimToValue(all[0]) : undefined));
  if (ys) fillSelect(ys, metrics.map(opt), ys.value || (metrics[0] ? dimToValue(metrics[0]) : undefined));
  const scatter = (): void => {
    const node = byId('chart-scatter');
    if (node && xs?.value && ys?.value) void draw(node, scatterSpec(chartRuns, dimFromValue(xs.value), dimFromValue(ys.value)));
  };
  if (xs) xs.onchange = scatter;
  if (ys) ys.onchange = scatter;
  scatter();
  const par = byId('chart-parallel');
  if (par) void draw(par, parallelSpec(chartRuns, chooseDims(chartRuns), chartWidth(par, 1100)));
}
