/**
 * The experiment page's runs table, drawn from the page data for a view state: filter, sort, columns, grouping,
 * differences only, selection and page. Only one page of rows is in the DOM, so 1,000 runs sort and scroll smoothly.
 */
import type { Run } from '../../src/core/entities.js';
import {
  cellFor,
  firstDirection,
  groupRows,
  orderRows,
  type Column,
  type GroupHead,
  type Row,
} from '../../src/report/table-model.js';
import { el } from './dom.js';

/** Rows a table page shows; the HTML holds the first INITIAL_ROWS of them (src/report/view-models.ts). */
export const PAGE_SIZE = 50;

export interface TableState {
  filter: string;
  sort: { col: string; dir: 1 | -1 } | null;
  /** columns shown although hidden by default, and hidden although shown by default */
  show: Set<string>;
  hide: Set<string>;
  group: string;
  diff: boolean;
  flat: boolean;
  sel: string[];
  page: number;
}

export const colId = (c: Column): string => `${c.group}:${c.key}`;

export interface TableContext {
  columns: Column[];
  runs: Run[];
  hrefOf: (id: string) => string;
  bestId: string | null;
  /** colour swatch of runs drawn in the page's charts */
  colorOf: (id: string) => string | undefined;
}

/** Columns shown for a state: defaults, the user's choices, minus columns without differences when asked. */
export function visibleColumns(ctx: TableContext, state: TableState, runs: readonly Run[]): Column[] {
  return ctx.columns.filter((c) => {
    const id = colId(c);
    if (id === 'attr:name' || id === 'attr:status') return true;
    const chosen = c.hidden ? state.show.has(id) : !state.hide.has(id);
    if (!chosen || !state.diff || c.group === 'attr') return chosen;
    // Empty cells (parents without metrics, runs without a param) do not count as a difference.
    const texts = new Set(runs.map((r) => cellFor(r, c).text).filter((t) => t !== ''));
    return texts.size > 1;
  });
}

/** Rows for a state: filtered runs in order, grouped when asked; parents of matching children stay as context. */
export function viewRows(ctx: TableContext, state: TableState, matching: readonly Run[]): (Row | GroupHead)[] {
  const col = state.sort ? ctx.columns.find((c) => colId(c) === state.sort!.col) : undefined;
  const sort = col && state.sort ? { col, dir: state.sort.dir } : null;
  const flat = state.flat || state.group !== '';
  const rows = orderRows(matching, { sort, flat });
  return state.group ? groupRows(rows, state.group) : rows;
}

/** The direction a click on a header sorts by: its better direction first, then the other. */
export function nextSort(state: TableState, col: Column): { col: string; dir: 1 | -1 } {
  const id = colId(col);
  if (state.sort?.col === id) return { col: id, dir: state.sort.dir === 1 ? -1 : 1 };
  return { col: id, dir: firstDirection(col) };
}

function headerRow(cols: readonly Column[], state: TableState, all: readonly Column[]): HTMLTableRowElement {
  const tr = el('tr', {}, el('th', { scope: 'col', class: 'select' }, el('span', { class: 'sr' }, 'Select')));
  for (const c of cols) {
    const i = all.indexOf(c);
    const sorted = state.sort?.col === colId(c) ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none';
    const button = el('button', { type: 'button', class: 'sort', 'data-col': String(i) });
    if (c.group !== 'attr') button.append(el('span', { class: 'group' }, c.group));
    button.append(c.label);
    tr.append(
      el(
        'th',
        {
          scope: 'col',
          class: `g-${c.group}${c.group === 'metric' ? ' num' : ''}`,
          'data-col': String(i),
          'aria-sort': sorted,
          title: c.label,
        },
        button,
      ),
    );
  }
  return tr;
}

function runRow(
  ctx: TableContext,
  run: Run,
  depth: number,
  cols: readonly Column[],
  selected: boolean,
): HTMLTableRowElement {
  const tr = el('tr', { 'data-run': run.id });
  if (depth > 0) {
    tr.className = 'child';
    tr.setAttribute('data-parent', run.parentRunId ?? '');
  }
  if (selected) tr.classList.add('selected');
  const box = el('input', {
    type: 'checkbox',
    class: 'pick',
    value: run.id,
    'aria-label': `Select run ${run.name || run.id}`,
  });
  box.checked = selected;
  tr.append(el('td', { class: 'select' }, box));
  for (const c of cols) {
    const cell = cellFor(run, c);
    if (c.group === 'attr' && c.key === 'name') {
      const th = el('th', { scope: 'row', class: 'name' });
      const color = ctx.colorOf(run.id);
      if (color) th.append(swatch(color), ' ');
      th.append(el('a', { href: ctx.hrefOf(run.id) }, cell.text));
      if (run.id === ctx.bestId)
        th.append(' ', el('span', { class: 'best-mark', title: 'best finished run' }, '★ best'));
      if (cell.title) th.title = cell.title;
      tr.append(th);
    } else if (c.group === 'attr' && c.key === 'status') {
      tr.append(el('td', {}, el('span', { class: `badge status-${run.status}` }, run.status)));
    } else {
      const td = el('td', cell.numeric ? { class: 'num' } : {}, cell.text);
      if (cell.title) td.title = cell.title;
      tr.append(td);
    }
  }
  return tr;
}

/** A small line sample in the run's chart colour, so table rows and chart lines are matched at a glance. */
export function swatch(color: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'swatch');
  const line = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: '0', y: '3', width: '14', height: '4', rx: '2', fill: color }))
    line.setAttribute(k, v);
  svg.append(line);
  return svg;
}

/** A grouping's heading row. */
const groupHead = (state: TableState, r: GroupHead, span: number): HTMLTableRowElement =>
  el(
    'tr',
    { class: 'group-head' },
    el(
      'th',
      { colspan: String(span), scope: 'rowgroup' },
      `${state.group.replace(/^(param|tag):/, '')} = ${r.group} `,
      el('span', { class: 'muted' }, `(${r.count} runs)`),
    ),
  );

/**
 * Redraws the table; returns how many rows (runs) the view has in total. With `first`, only that many rows of the
 * page are drawn and `rest` appends the others: laying out and painting a whole page at once is a long task of its
 * own while the page starts.
 */
export function drawTable(
  table: HTMLTableElement,
  ctx: TableContext,
  state: TableState,
  matching: readonly Run[],
  first = PAGE_SIZE,
): { total: number; pages: number; rest: () => void } {
  const cols = visibleColumns(ctx, state, matching);
  const rows = viewRows(ctx, state, matching);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(state.page, pages - 1);
  const selected = new Set(state.sel);
  const body = el('tbody');
  const shown = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const append = (part: readonly (Row | GroupHead)[]): void => {
    for (const r of part)
      body.append(
        'group' in r ? groupHead(state, r, cols.length + 1) : runRow(ctx, r.run, r.depth, cols, selected.has(r.run.id)),
      );
  };
  append(shown.slice(0, first));
  const rest = (): void => {
    if (body.isConnected && body.childElementCount === Math.min(first, shown.length)) append(shown.slice(first));
  };
  if (rows.length === 0) {
    body.append(
      el(
        'tr',
        { class: 'empty' },
        el(
          'td',
          { colspan: String(cols.length + 1) },
          state.filter.trim() ? `No runs match the filter ${state.filter.trim()}` : 'No runs in this experiment.',
        ),
      ),
    );
  }
  table.replaceChildren(el('thead', {}, headerRow(cols, state, ctx.columns)), body);
  return { total: rows.filter((r) => !('group' in r)).length, pages, rest };
}
