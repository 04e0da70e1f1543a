/**
 * The experiment page: filter (the searchRuns syntax, same parser and evaluator as the API, bundled), sort, columns,
 * grouping, differences only and selection, all kept in the address; the table is drawn a page at a time; charts
 * follow the filtered runs.
 */
import type { Run } from '../../src/core/entities.js';
import { compileFilter } from '../../src/core/search/index.js';
import { decodeValue } from '../../src/report/format.js';
import { toCsv } from '../../src/report/table-model.js';
import type { ClientRun, ExperimentData } from '../../src/report/view-models.js';
import { byId, debounce, el, fillSelect, nextTask, pageData } from './dom.js';
import { downloadText, fileSafe } from './download.js';
import { setupExperimentCharts } from './experiment-charts.js';
import { writeHash } from './hash-state.js';
import { ORDER, stateFromHash, stateToHash } from './table-hash.js';
import { vegaReady } from './vega-globals.js';
import {
  colId,
  drawTable,
  nextSort,
  PAGE_SIZE,
  viewRows,
  visibleColumns,
  type TableContext,
  type TableState,
} from './runs-table.js';

/** A run of the page data as the filter and table functions take it, with the tags all runs share put back. */
export function fromClientRun(c: ClientRun, commonTags: Record<string, string> = {}): Run {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.metrics)) metrics[k] = decodeValue(v) ?? Number.NaN;
  return { ...c, tags: { ...commonTags, ...c.tags }, metrics, metricSummaries: {} };
}

/** Runs passing the filter; in tree mode a matching child keeps its parent in view. Throws on a bad filter. */
function matchingRuns(runs: readonly Run[], byId: ReadonlyMap<string, Run>, state: TableState): Run[] {
  const test = compileFilter(state.filter);
  const hits = new Set(runs.filter((r) => test(r)).map((r) => r.id));
  if (!state.flat && !state.group)
    for (const r of runs) if (hits.has(r.id) && r.parentRunId && byId.has(r.parentRunId)) hits.add(r.parentRunId);
  return runs.filter((r) => hits.has(r.id));
}

/** Show and hide sets after a column's box changes: hidden-by-default columns are shown by name, others hidden. */
function toggleColumn(state: TableState, id: string, on: boolean, hiddenByDefault: boolean): Partial<TableState> {
  const show = new Set(state.show);
  const hide = new Set(state.hide);
  if (hiddenByDefault) {
    if (on) show.add(id);
    else show.delete(id);
  } else if (on) hide.delete(id);
  else hide.add(id);
  return { show, hide };
}

/** Sort buttons and selection boxes of the table, by delegation (the rows are redrawn on every change). */
function wireTable(
  table: HTMLTableElement,
  columns: ExperimentData['columns'],
  state: () => TableState,
  change: (next: Partial<TableState>, push?: boolean) => void,
): void {
  table.addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button.sort');
    const col = button ? columns[Number(button.getAttribute('data-col'))] : undefined;
    if (col) change({ sort: nextSort(state(), col) });
  });
  table.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    if (!box.classList.contains('pick')) return;
    const sel = state().sel.filter((id) => id !== box.value);
    change({ sel: box.checked ? [...sel, box.value] : sel, page: state().page }, false);
  });
}

/** The filter's outcome in the status line: a count, or the filter's error. */
function showStatus(text: string, error = false): void {
  const status = byId<HTMLOutputElement>('filter-status');
  if (!status) return;
  status.textContent = text;
  status.className = error ? 'error' : '';
}

/** The address decides the view: Back, Forward, an edited hash and a page restored from the back cache re-read it. */
function followAddress(reread: () => void): void {
  window.addEventListener('popstate', reread);
  window.addEventListener('hashchange', reread);
  // Back from the compare page may restore ticked boxes from the browser's form cache: the address decides.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) reread();
  });
}

/** Rows drawn in the first task: as many as the HTML holds (INITIAL_ROWS in src/report/view-models.ts). */
const FIRST_ROWS = 24;

/** Runs converted a slice at a time: with 1,000 runs, one pass would be a long task of its own. */
const RUN_SLICE = 250;

/** The page data and its runs, read over several tasks so the page answers input while it starts. */
async function readRuns(): Promise<{ data: ExperimentData; runs: Run[] } | null> {
  await nextTask();
  const data = pageData<ExperimentData>();
  if (!data) return null;
  const runs: Run[] = [];
  for (let i = 0; i < data.runs.length; i += RUN_SLICE) {
    await nextTask();
    for (const r of data.runs.slice(i, i + RUN_SLICE)) runs.push(fromClientRun(r, data.commonTags));
  }
  return { data, runs };
}

/** What drawing the table needs: its columns, runs, links and the charts' run colours (filled once they draw). */
function tableContext(data: ExperimentData, runs: Run[], colors: Map<string, string>): TableContext {
  const hrefs = new Map(data.runs.map((r) => [r.id, r.href]));
  return {
    columns: data.columns,
    runs,
    hrefOf: (id) => hrefs.get(id) ?? '#',
    bestId: data.bestId,
    colorOf: (id) => colors.get(id),
  };
}

/**
 * Sets up the table and its toolbar; resolves to the function that starts the charts (after the table is painted).
 * The work is spread over tasks: the page data, the runs a slice at a time, the first table page, then the toolbar.
 */
export async function initExperimentPage(): Promise<(() => void) | null> {
  const table = byId<HTMLTableElement>('runs');
  const read = table ? await readRuns() : null;
  if (!table || !read) return null;
  const { data, runs } = read;
  const runById = new Map(runs.map((r) => [r.id, r]));
  const colors = new Map<string, string>();
  const ctx = tableContext(data, runs, colors);
  let state = stateFromHash(location.hash);
  let matching: Run[] = runs;
  let onView: (runs: Run[]) => void = () => undefined;
  let ui: ReturnType<typeof controls> | null = null;
  let drawn = { total: runs.length, pages: 1, rest: () => undefined as void };
  const render = (first?: number): void => {
    try {
      matching = matchingRuns(runs, runById, state);
      showStatus(state.filter.trim() ? `${matching.length} of ${runs.length} runs` : '');
    } catch (err) {
      showStatus(err instanceof Error ? err.message.replace(/^tracklab: /, '') : String(err), true);
    }
    drawn = drawTable(table, ctx, state, matching, first);
    byId('toolbar')?.removeAttribute('hidden');
    byId('more-rows')?.remove();
    ui?.sync(state, drawn.total, drawn.pages);
    onView(matching);
  };
  const change = (next: Partial<TableState>, push = true): void => {
    state = { ...state, page: 0, ...next };
    writeHash(stateToHash(state), ORDER, push);
    render();
  };
  // The rows a first screen shows, then the rest of the page in the next task.
  render(FIRST_ROWS);
  // The page preloads vega when it draws curves: use the preload now, not after the rest of the start-up.
  if (document.querySelector('link[rel="preload"][href$="vega.min.js"]')) void vegaReady();
  await nextTask();
  drawn.rest();
  await nextTask();
  ui = controls(data, runs);
  ui.sync(state, drawn.total, drawn.pages);
  wireTable(table, data.columns, () => state, change);
  wireControls(
    ui,
    data,
    change,
    () => state,
    () => exportCsv(data, ctx, state, matching),
  );
  followAddress(() => {
    state = stateFromHash(location.hash);
    render();
  });
  return () => {
    onView = setupExperimentCharts(data, runs, (ids) => {
      colors.clear();
      for (const [id, c] of ids) colors.set(id, c);
      drawTable(table, ctx, state, matching);
    });
    onView(matching);
  };
}

/** Each toolbar control, turned into a change of the table's state. */
function wireControls(
  ui: ReturnType<typeof controls>,
  data: ExperimentData,
  change: (next: Partial<TableState>, push?: boolean) => void,
  state: () => TableState,
  exportView: () => void,
): void {
  ui.wire({
    filter: (text, push) => change({ filter: text }, push),
    toggle: (key, on) => change({ [key]: on }),
    group: (g) => change({ group: g }),
    column: (id, on, hiddenByDefault) => change(toggleColumn(state(), id, on, hiddenByDefault)),
    revealAll: (on) => change({ show: on ? new Set(data.columns.filter((c) => c.hidden).map(colId)) : new Set() }),
    page: (p) => change({ page: p }),
    exportCsv: exportView,
  });
}

/** The visible view (columns, order, filter) as a CSV download. */
function exportCsv(data: ExperimentData, ctx: TableContext, state: TableState, matching: Run[]): void {
  const cols = visibleColumns(ctx, state, matching);
  const ordered = viewRows(ctx, state, matching)
    .filter((r): r is { run: Run; depth: number } => 'run' in r)
    .map((r) => r.run);
  downloadText(`${fileSafe(data.experiment.name)}-runs.csv`, toCsv(cols, ordered));
}

interface Handlers {
  filter(text: string, push: boolean): void;
  toggle(key: 'diff' | 'flat', on: boolean): void;
  group(g: string): void;
  column(id: string, on: boolean, hiddenByDefault: boolean): void;
  revealAll(on: boolean): void;
  page(p: number): void;
  exportCsv(): void;
}

/** Group-by choices: params and tags that vary between runs, and the user when there are several. */
function fillGroupBy(group: HTMLSelectElement, runs: readonly Run[]): void {
  const varying = (pick: (r: Run) => Record<string, string>): string[] =>
    [...new Set(runs.flatMap((r) => Object.keys(pick(r))))]
      .filter((k) => new Set(runs.map((r) => pick(r)[k] ?? '')).size > 1)
      .sort();
  fillSelect(group, [
    { value: '', label: 'none' },
    ...varying((r) => r.params).map((k) => ({ value: `param:${k}`, label: `params.${k}` })),
    ...varying((r) => r.tags)
      .filter((k) => !k.startsWith('mlflow.'))
      .map((k) => ({ value: `tag:${k}`, label: `tags.${k}` })),
    ...(new Set(runs.map((r) => r.user)).size > 1 ? [{ value: 'user', label: 'user' }] : []),
  ]);
}

/** One box per column in the column chooser (name and status always shown). */
function columnBoxes(columns: ExperimentData['columns'], listBox: HTMLElement | null): HTMLInputElement[] {
  const boxes = columns.map((c) => {
    const box = el('input', { type: 'checkbox', 'data-col': colId(c) });
    if (c.group === 'attr' && (c.key === 'name' || c.key === 'status')) box.disabled = true;
    return box;
  });
  const label = (c: ExperimentData['columns'][number], i: number): HTMLLabelElement =>
    el(
      'label',
      {},
      boxes[i] as HTMLInputElement,
      ` ${c.group === 'attr' ? '' : `${c.group}s.`}${c.label}`,
      ...(c.why ? [' ', el('span', { class: 'why' }, `(${c.why})`)] : []),
    );
  listBox?.replaceChildren(...columns.map(label));
  return boxes;
}

/** Previous / next and the rows shown. */
function pagerButtons(pager: HTMLElement, page: number, pages: number, total: number): void {
  const button = (to: number, off: boolean, text: string): HTMLButtonElement =>
    el('button', { type: 'button', 'data-page': String(to), ...(off ? { disabled: '' } : {}) }, text);
  pager.hidden = pages <= 1;
  const shown = `Rows ${page * PAGE_SIZE + 1}–${Math.min(total, (page + 1) * PAGE_SIZE)} of ${total}`;
  pager.replaceChildren(
    button(page - 1, page === 0, '‹ Previous'),
    el('span', {}, shown),
    button(page + 1, page >= pages - 1, 'Next ›'),
  );
}

/** The toolbar: built once, its values set from the state after every change. */
function controls(data: ExperimentData, runs: readonly Run[]) {
  const input = byId<HTMLInputElement>('filter');
  const diff = byId<HTMLInputElement>('diff-only');
  const flat = byId<HTMLInputElement>('flat');
  const group = byId<HTMLSelectElement>('group-by');
  const hiddenCount = data.columns.filter((c) => c.hidden).length;
  if (group) fillGroupBy(group, runs);
  const boxes = columnBoxes(data.columns, byId('column-list'));
  const reveal = el('button', { type: 'button', id: 'reveal-columns' });
  const note = byId('hidden-cols');
  if (note && hiddenCount > 0) note.replaceChildren(reveal);
  const pager = byId('pager');
  let revealed = false;
  const sync = (state: TableState, total: number, pages: number): void => {
    if (input && document.activeElement !== input) input.value = state.filter;
    if (diff) diff.checked = state.diff;
    if (flat) flat.checked = state.flat;
    if (group) group.value = state.group;
    data.columns.forEach((c, i) => {
      const id = colId(c);
      (boxes[i] as HTMLInputElement).checked = c.hidden ? state.show.has(id) : !state.hide.has(id);
    });
    revealed = data.columns.filter((c) => c.hidden).every((c) => state.show.has(colId(c))) && hiddenCount > 0;
    reveal.textContent = revealed
      ? `Hide the ${hiddenCount} extra columns`
      : `Show ${hiddenCount} more columns (constant params, system tags, empty)`;
    syncSelection(state.sel);
    if (pager) pagerButtons(pager, Math.min(state.page, pages - 1), pages, total);
  };
  const wire = (h: Handlers): void => {
    byId('filter-form')?.addEventListener('submit', (e) => {
      e.preventDefault();
      h.filter(input?.value ?? '', true);
    });
    input?.addEventListener(
      'input',
      debounce(() => h.filter(input.value, false), 300),
    );
    diff?.addEventListener('change', () => h.toggle('diff', diff.checked));
    flat?.addEventListener('change', () => h.toggle('flat', flat.checked));
    group?.addEventListener('change', () => h.group(group.value));
    data.columns.forEach((c, i) =>
      (boxes[i] as HTMLInputElement).addEventListener('change', (e) =>
        h.column(colId(c), (e.target as HTMLInputElement).checked, !!c.hidden),
      ),
    );
    reveal.addEventListener('click', () => h.revealAll(!revealed));
    pager?.addEventListener('click', (e) => {
      const p = (e.target as Element).closest('button')?.getAttribute('data-page');
      if (p !== null && p !== undefined) h.page(Number(p));
    });
    byId('export-csv')?.addEventListener('click', () => h.exportCsv());
  };
  return { sync, wire };
}

/** The compare link and its count follow the selection in the address. */
function syncSelection(sel: readonly string[]): void {
  const link = byId<HTMLAnchorElement>('compare-link');
  const count = byId('compare-count');
  if (count) count.textContent = String(sel.length);
  if (link) {
    link.href = `../compare.html#runs=${sel.map(encodeURIComponent).join(',')}`;
    link.setAttribute('aria-disabled', sel.length > 0 ? 'false' : 'true');
  }
}
