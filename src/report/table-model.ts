/**
 * The runs table as pure functions shared by the build (first render, works without JavaScript) and the page (every
 * later sort, filter, grouping): which columns show by default, each cell's text, and the row order.
 * Node-free: bundled into the page script.
 */
import { unfinished, type Run } from '../core/entities.js';
import { formatDuration, formatNumber, formatShort, formatTime } from './format.js';
import { higherIsBetterFor, type MainMetric } from './main-metric.js';

export type ColumnGroup = 'attr' | 'param' | 'metric' | 'tag';

export interface Column {
  group: ColumnGroup;
  key: string;
  label: string;
  /** hidden until the user reveals it: constant params, system tags, empty columns */
  hidden?: boolean;
  /** why it is hidden by default, shown in the column chooser */
  why?: string;
}

export interface TableCell {
  text: string;
  /** full value when `text` is shortened or rounded */
  title?: string;
  numeric?: boolean;
}

/** Tags that are shown elsewhere (run name, note, source) are not default columns. */
export const isSystemTag = (key: string): boolean => key.startsWith('mlflow.') || key.startsWith('tracklab.');

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Columns in review order: run, status, the main metric, other metrics, params that vary, user tags that vary, then
 * duration, start and user. Constant params, system tags and empty columns come last, hidden by default.
 */
export function columnsFor(runs: readonly Run[], main: MainMetric | null = null): Column[] {
  const keysOf = (pick: (r: Run) => Record<string, unknown>): string[] =>
    [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort(byString);
  const distinct = (value: (r: Run) => string | undefined): { empty: boolean; constant: boolean } => {
    const seen = new Set(runs.map(value).filter((v) => v !== undefined && v !== ''));
    return { empty: seen.size === 0, constant: seen.size <= 1 && runs.every((r) => (value(r) ?? '') !== '') };
  };
  const shown: Column[] = [];
  const hidden: Column[] = [];
  const metrics = keysOf((r) => r.metrics).sort((a, b) =>
    a === main?.key ? -1 : b === main?.key ? 1 : byString(a, b),
  );
  for (const key of metrics) shown.push({ group: 'metric', key, label: key });
  for (const key of keysOf((r) => r.params)) {
    const d = distinct((r) => r.params[key]);
    const col: Column = { group: 'param', key, label: key };
    if (d.empty || d.constant) hidden.push({ ...col, hidden: true, why: d.empty ? 'empty' : 'same in every run' });
    else shown.push(col);
  }
  for (const key of keysOf((r) => r.tags)) {
    const d = distinct((r) => r.tags[key]);
    const col: Column = { group: 'tag', key, label: key };
    if (isSystemTag(key) || d.empty || d.constant)
      hidden.push({
        ...col,
        hidden: true,
        why: isSystemTag(key) ? 'system tag' : d.empty ? 'empty' : 'same in every run',
      });
    else shown.push(col);
  }
  const users = distinct((r) => r.user);
  return [
    { group: 'attr', key: 'name', label: 'Run' },
    { group: 'attr', key: 'status', label: 'Status' },
    ...shown,
    { group: 'attr', key: 'duration', label: 'Duration' },
    { group: 'attr', key: 'start', label: 'Start' },
    {
      group: 'attr',
      key: 'user',
      label: 'User',
      ...(users.constant || users.empty ? { hidden: true, why: 'same in every run' } : {}),
    },
    ...hidden,
  ];
}

const MAX_CELL = 160;

export function shorten(text: string, max = MAX_CELL): TableCell {
  return text.length > max
    ? { text: `${text.slice(0, max - 1)}…`, title: text }
    : { text, ...(text.length > 24 ? { title: text } : {}) };
}

/** Metric values as they are read in a table: 4 significant digits, the exact value on hover. */
function metricCell(v: number | undefined): TableCell {
  if (v === undefined) return { text: '', numeric: true };
  const text = formatShort(v);
  const full = formatNumber(v);
  return text === full ? { text, numeric: true } : { text, title: full, numeric: true };
}

/** One cell's text. `metrics` may be decoded from the page data (non-finite values as numbers). */
export function cellFor(run: Run, col: Column): TableCell {
  switch (col.group) {
    case 'attr':
      if (col.key === 'name') return shorten(run.name || run.id);
      if (col.key === 'status') return { text: run.status };
      if (col.key === 'duration')
        return { text: formatDuration(run.endTime === null ? null : run.endTime - run.startTime), numeric: true };
      if (col.key === 'start')
        return {
          text: formatTime(run.startTime).replace(/:\d\d UTC$/, ''),
          title: formatTime(run.startTime),
          numeric: true,
        };
      return shorten(run.user);
    case 'param': {
      const p = run.params[col.key] ?? '';
      const n = Number(p);
      return p.trim() !== '' && Number.isFinite(n) ? { ...shorten(p, 24), numeric: true } : shorten(p, 60);
    }
    case 'metric':
      return metricCell(run.metrics[col.key]);
    case 'tag':
      return shorten(run.tags[col.key] ?? '', 60);
  }
}

type SortValue = number | string | undefined;

export function sortValue(run: Run, col: Column): SortValue {
  switch (col.group) {
    case 'attr':
      if (col.key === 'duration') return run.endTime === null ? undefined : run.endTime - run.startTime;
      if (col.key === 'start') return run.startTime;
      return col.key === 'name' ? run.name : col.key === 'status' ? run.status : run.user || undefined;
    case 'metric': {
      const v = run.metrics[col.key];
      return v === undefined || Number.isNaN(v) ? undefined : v;
    }
    case 'param': {
      const p = run.params[col.key];
      if (p === undefined || p === '') return undefined;
      const n = Number(p);
      return p.trim() !== '' && Number.isFinite(n) ? n : p;
    }
    case 'tag':
      return run.tags[col.key] || undefined;
  }
}

/** Missing values last in both directions; numbers before strings. */
export function compareValues(a: SortValue, b: SortValue, dir: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return (a < b ? -1 : a > b ? 1 : 0) * dir;
}

/** The direction of the first click on a header: a metric's better direction, else ascending. */
export const firstDirection = (col: Column): 1 | -1 => {
  if (col.group !== 'metric') return col.group === 'attr' && (col.key === 'start' || col.key === 'duration') ? -1 : 1;
  return higherIsBetterFor(col.key) ? -1 : 1;
};

export interface Row {
  run: Run;
  /** 0 top level, 1 child of the row above's group */
  depth: number;
}

export interface GroupHead {
  group: string;
  count: number;
}

export interface OrderOptions {
  sort: { col: Column; dir: number } | null;
  /** nested runs under their parent (default) or every run on its own */
  flat: boolean;
}

/**
 * Rows in display order. Tree mode keeps children under their parent and sorts families by their best member in the
 * sort direction, so the best run of a sweep is in the first family after one click. By a metric, FAILED and KILLED
 * runs come after the others. Unsorted: newest first.
 */
export function orderRows(runs: readonly Run[], opts: OrderOptions): Row[] {
  const { sort } = opts;
  // By a metric, runs that failed or were killed rank after the others: their values are not results to compare.
  const late = (r: Run): number => (sort?.col.group === 'metric' && unfinished(r.status) ? 1 : 0);
  const byValue = (a: Run, b: Run): number =>
    (sort ? late(a) - late(b) || compareValues(sortValue(a, sort.col), sortValue(b, sort.col), sort.dir) : 0) ||
    b.startTime - a.startTime ||
    byString(a.id, b.id);
  if (opts.flat) return [...runs].sort(byValue).map((run) => ({ run, depth: 0 }));
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const r of runs) {
    if (r.parentRunId && r.parentRunId !== r.id && ids.has(r.parentRunId)) {
      const list = children.get(r.parentRunId);
      if (list) list.push(r);
      else children.set(r.parentRunId, [r]);
    } else top.push(r);
  }
  const families = top.map((head) => {
    const kids = (children.get(head.id) ?? []).sort(
      sort ? byValue : (a, b) => a.startTime - b.startTime || byString(a.id, b.id),
    );
    const lead = sort ? ([head, ...kids].sort(byValue)[0] as Run) : head;
    return { head, kids, lead };
  });
  families.sort((a, b) => byValue(a.lead, b.lead) || byValue(a.head, b.head));
  const out: Row[] = [];
  for (const f of families) {
    out.push({ run: f.head, depth: 0 });
    for (const k of f.kids) out.push({ run: k, depth: 1 });
  }
  return out;
}

/** Label and value of a "group by" key: `param:x`, `tag:x` or `user`. */
export function groupValue(run: Run, by: string): string {
  if (by === 'user') return run.user || '(no user)';
  if (by.startsWith('param:')) return run.params[by.slice(6)] || '(not set)';
  if (by.startsWith('tag:')) return run.tags[by.slice(4)] || '(not set)';
  return '';
}

/**
 * Rows grouped by a param, tag or user: groups ordered by their first row in `rows` (so by their best member when
 * sorted), each group's rows in `rows` order, flat within the group.
 */
export function groupRows(rows: readonly Row[], by: string): (Row | GroupHead)[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const g = groupValue(r.run, by);
    const list = groups.get(g);
    if (list) list.push({ run: r.run, depth: 0 });
    else groups.set(g, [{ run: r.run, depth: 0 }]);
  }
  const out: (Row | GroupHead)[] = [];
  for (const [group, members] of groups) out.push({ group, count: members.length }, ...members);
  return out;
}

/** The CSV text of a view: a header of column labels, then one line per run. */
export function toCsv(columns: readonly Column[], runs: readonly Run[]): string {
  const q = (s: string): string =>
    /[",\n\r]/.test(s) || (/^[=+\-@]/.test(s) && Number.isNaN(Number(s))) ? `"${s.replace(/"/g, '""')}"` : s;
  const value = (r: Run, c: Column): string => {
    if (c.group === 'metric') return r.metrics[c.key] === undefined ? '' : formatNumber(r.metrics[c.key]);
    if (c.group === 'attr' && c.key === 'start') return formatTime(r.startTime);
    if (c.group === 'attr' && c.key === 'name') return r.name;
    const cell = cellFor(r, c);
    return cell.title ?? cell.text;
  };
  const head = ['run_id', ...columns.map((c) => (c.group === 'attr' ? c.label : `${c.group}s.${c.key}`))];
  return (
    [head.map(q).join(','), ...runs.map((r) => [r.id, ...columns.map((c) => value(r, c))].map(q).join(','))].join(
      '\n',
    ) + '\n'
  );
}
