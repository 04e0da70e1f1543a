/**
 * The experiment page: sort (keyboard: header buttons), filter with the searchRuns syntax (the same parser and
 * evaluator as the API, bundled), column chooser, "differences only", selection -> compare link, charts over the
 * runs that pass the filter.
 */
import type { Run } from '../../src/core/entities.js';
import { compileFilter } from '../../src/core/search/index.js';
import { barsSpec, chooseDims, dimTitle, parallelSpec, scatterSpec, uniqueLabels, type ChartRun, type Dim } from '../../src/report/chart-specs.js';
import { decodeValue } from '../../src/report/format.js';
import type { ClientRun, Column, MainMetric } from '../../src/report/view-models.js';
import { byId, debounce, el, fillSelect, pageData } from './dom.js';
import { chartWidth, draw } from './draw.js';

interface Data {
  experiment: { id: string; name: string };
  columns: Column[];
  runs: ClientRun[];
  main: MainMetric | null;
}

type SortValue = number | string | undefined;

export function toRun(c: ClientRun): Run {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.metrics)) metrics[k] = decodeValue(v) ?? Number.NaN;
  return { ...c, metrics, metricSummaries: {} };
}

function sortValue(run: Run, col: Column): SortValue {
  switch (col.group) {
    case 'attr':
      if (col.key === 'duration') return run.endTime === null ? undefined : run.endTime - run.startTime;
      if (col.key === 'start') return run.startTime;
      return col.key === 'name' ? run.name : col.key === 'status' ? run.status : run.user;
    case 'metric': {
      const v = run.metrics[col.key];
      return v === undefined || Number.isNaN(v) ? undefined : v;
    }
    case 'param': {
      const p = run.params[col.key];
      if (p === undefined) return undefined;
      const n = Number(p);
      return p.trim() !== '' && Number.isFinite(n) ? n : p;
    }
    case 'tag':
      return run.tags[col.key];
  }
}

/** Missing values last in both directions; numbers before strings. */
function compare(a: SortValue, b: SortValue, dir: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return (a < b ? -1 : a > b ? 1 : 0) * dir;
}

export function initExperimentPage(): (() => void) | null {
  const data = pageData<Data>();
  const table = byId<HTMLTableElement>('runs');
  if (!data || !table) return null;
  const tbody = table.tBodies[0] as HTMLTableSectionElement;
  const runs = data.runs.map(toRun);
  const rows = Array.from(tbody.rows);
  const rowById = new Map(rows.map((r) => [r.getAttribute('data-run') as string, r]));
  const runById = new Map(runs.map((r) => [r.id, r]));
  const clientById = new Map(data.runs.map((r) => [r.id, r]));
  const headers = Array.from(table.tHead!.rows[0]!.cells).slice(1);
  const chosen = data.columns.map(() => true);
  let visible = new Set(runs.map((r) => r.id));
  let redrawCharts: () => void = () => undefined;
  byId('toolbar')?.removeAttribute('hidden');

  // Sorting: top-level runs by value, each parent's children right after it, sorted the same way.
  let sortCol = -1;
  let sortDir = 1;
  const sortBy = (col: number): void => {
    sortDir = sortCol === col ? -sortDir : 1;
    sortCol = col;
    const column = data.columns[col] as Column;
    const byValue = (a: Run, b: Run): number => compare(sortValue(a, column), sortValue(b, column), sortDir) || (a.id < b.id ? -1 : 1);
    const isChild = (r: HTMLTableRowElement): boolean => r.classList.contains('child');
    const tops = rows.filter((r) => !isChild(r)).map((r) => runById.get(r.getAttribute('data-run') as string) as Run).sort(byValue);
    const kids = new Map<string, Run[]>();
    for (const r of rows.filter(isChild)) {
      const p = r.getAttribute('data-parent') as string;
      kids.set(p, [...(kids.get(p) ?? []), runById.get(r.getAttribute('data-run') as string) as Run]);
    }
    const ordered: HTMLTableRowElement[] = [];
    for (const t of tops) {
      ordered.push(rowById.get(t.id) as HTMLTableRowElement);
      for (const k of (kids.get(t.id) ?? []).sort(byValue)) ordered.push(rowById.get(k.id) as HTMLTableRowElement);
    }
    tbody.append(...ordered);
    headers.forEach((h, i) => h.setAttribute('aria-sort', i === col ? (sortDir > 0 ? 'ascending' : 'descending') : 'none'));
  };
  table.tHead!.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button.sort');
    if (button) sortBy(Number(button.getAttribute('data-col')));
  });

  // Columns: chosen by the user, minus those that are identical across visible runs when "differences only" is on.
  const diffOnly = byId<HTMLInputElement>('diff-only');
  const applyColumns = (): void => {
    const shownRows = rows.filter((r) => !r.hidden);
    data.columns.forEach((col, i) => {
      let show = chosen[i] as boolean;
      if (show && diffOnly?.checked && col.group !== 'attr') {
        const texts = new Set(shownRows.map((r) => r.cells[i + 1]?.textContent ?? ''));
        show = texts.size > 1;
      }
      if (col.group === 'attr' && col.key === 'name') show = true;
      (headers[i] as HTMLElement).hidden = !show;
      for (const r of rows) (r.cells[i + 1] as HTMLElement).hidden = !show;
    });
  };
  diffOnly?.addEventListener('change', applyColumns);
  const list = byId('column-list');
  list?.replaceChildren(...data.columns.map((col, i) => {
    const box = el('input', { type: 'checkbox', 'data-col': String(i) });
    box.checked = true;
    if (col.group === 'attr' && col.key === 'name') box.disabled = true;
    box.addEventListener('change', () => {
      chosen[i] = box.checked;
      applyColumns();
    });
    return el('label', {}, box, ` ${col.group === 'attr' ? '' : `${col.group}s.`}${col.label}`);
  }));

  // Filter: same syntax as searchRuns. A row shows when it matches or one of its children does.
  const input = byId<HTMLInputElement>('filter');
  const status = byId<HTMLOutputElement>('filter-status');
  const applyFilter = (): void => {
    const text = input?.value ?? '';
    let test: (r: Run) => boolean;
    try {
      test = compileFilter(text);
    } catch (err) {
      if (status) {
        status.textContent = err instanceof Error ? err.message.replace(/^tracklab: /, '') : String(err);
        status.className = 'error';
      }
      return;
    }
    const hits = new Set(runs.filter((r) => test(r)).map((r) => r.id));
    for (const r of runs) if (hits.has(r.id) && r.parentRunId && runById.has(r.parentRunId)) hits.add(r.parentRunId);
    for (const row of rows) row.hidden = !hits.has(row.getAttribute('data-run') as string);
    visible = hits;
    if (status) {
      status.textContent = text.trim() ? `${hits.size} of ${runs.length} runs` : '';
      status.className = '';
    }
    if (diffOnly?.checked) applyColumns();
    redrawCharts();
  };
  byId('filter-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilter();
  });
  input?.addEventListener('input', debounce(applyFilter, 250));

  // Selection -> a compare link carrying the run ids.
  const link = byId<HTMLAnchorElement>('compare-link');
  const count = byId('compare-count');
  tbody.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    if (!box.classList.contains('pick')) return;
    box.closest('tr')?.classList.toggle('selected', box.checked);
    const ids = Array.from(tbody.querySelectorAll<HTMLInputElement>('input.pick:checked')).map((b) => b.value);
    if (count) count.textContent = String(ids.length);
    if (link) {
      link.href = `../compare.html#runs=${ids.map(encodeURIComponent).join(',')}`;
      link.setAttribute('aria-disabled', ids.length > 0 ? 'false' : 'true');
    }
  });
  applyColumns();

  // Charts are drawn when their section comes near the viewport, so a long table is usable at once; later filter
  // changes redraw them (debounced) only once they exist.
  return () => {
    const redraw = setupCharts(data, () => data.runs.filter((r) => visible.has(r.id)).map((r) => clientById.get(r.id) as ClientRun));
    whenVisible(document.querySelector('section.charts'), () => {
      redraw();
      redrawCharts = debounce(redraw, 300);
    });
  };
}

function whenVisible(node: Element | null, run: () => void): void {
  if (!node || typeof IntersectionObserver === 'undefined') return void run();
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      io.disconnect();
      run();
    }
  }, { rootMargin: '300px' });
  io.observe(node);
}

export const toChartRuns = (runs: readonly { id: string; name: string; params: Record<string, string>; metrics: Record<string, number | string> }[]): ChartRun[] =>
  uniqueLabels(runs.map((r) => ({ id: r.id, label: r.name || r.id, params: r.params, metrics: r.metrics })));

export function dimOptions(runs: readonly ChartRun[]): { all: Dim[]; metrics: Dim[] } {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort().map((key) => ({ kind: 'param' as const, key }));
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort().map((key) => ({ kind: 'metric' as const, key }));
  return { all: [...params, ...metrics], metrics };
}

export const dimFromValue = (v: string): Dim => ({ kind: v.startsWith('p:') ? 'param' : 'metric', key: v.slice(2) });
export const dimToValue = (d: Dim): string => `${d.kind === 'param' ? 'p' : 'm'}:${d.key}`;

function setupCharts(data: Data, current: () => ClientRun[]): () => void {
  const all = toChartRuns(data.runs);
  const { all: dims, metrics } = dimOptions(all);
  const xs = byId<HTMLSelectElement>('scatter-x');
  const ys = byId<HTMLSelectElement>('scatter-y');
  const bars = byId<HTMLSelectElement>('bars-metric');
  const opt = (d: Dim): { value: string; label: string } => ({ value: dimToValue(d), label: dimTitle(d) });
  const mainKey = data.main?.key ?? metrics[0]?.key ?? '';
  if (xs) fillSelect(xs, dims.map(opt), dimToValue(dims.find((d) => d.kind === 'param') ?? dims[0] ?? { kind: 'metric', key: '' }));
  if (ys) fillSelect(ys, metrics.map(opt), `m:${mainKey}`);
  if (bars) fillSelect(bars, metrics.map((m) => ({ value: m.key, label: dimTitle(m) })), mainKey);
  if (metrics.length > 0) byId('chart-controls')?.removeAttribute('hidden');
  const draws = {
    parallel: (runs: ChartRun[]) => {
      const node = byId('chart-parallel');
      if (node) void draw(node, parallelSpec(runs, chooseDims(runs), chartWidth(node, 1100)));
    },
    scatter: (runs: ChartRun[]) => {
      const node = byId('chart-scatter');
      if (node && xs?.value && ys?.value) void draw(node, scatterSpec(runs, dimFromValue(xs.value), dimFromValue(ys.value)));
    },
    bars: (runs: ChartRun[]) => {
      const node = byId('chart-bars');
      if (node && bars?.value) void draw(node, barsSpec(runs, bars.value, { higherIsBetter: data.main?.key === bars.value ? data.main.higherIsBetter : true }));
    },
  };
  const runsNow = (): ChartRun[] => toChartRuns(current());
  xs?.addEventListener('change', () => draws.scatter(runsNow()));
  ys?.addEventListener('change', () => draws.scatter(runsNow()));
  bars?.addEventListener('change', () => draws.bars(runsNow()));
  return () => {
    const runs = runsNow();
    if (metrics.length === 0) return;
    draws.parallel(runs);
    draws.scatter(runs);
    draws.bars(runs);
  };
}
