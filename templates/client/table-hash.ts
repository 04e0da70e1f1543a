/** The experiment table's view in the address: filter, sort, grouping, columns, selection and page. */
import { readHash } from './hash-state.js';
import type { TableState } from './runs-table.js';

/** Keys in the order the address writes them. */
export const ORDER = ['f', 'sort', 'dir', 'group', 'flat', 'diff', 'show', 'hide', 'sel', 'page'];
const list = (v: string | undefined): string[] =>
  v
    ? v
        .split(',')
        .map((s) => {
          try {
            return decodeURIComponent(s);
          } catch {
            return '';
          }
        })
        .filter(Boolean)
    : [];
const unlist = (xs: Iterable<string>): string => [...xs].map(encodeURIComponent).join(',');

/** The table's view from the address (defaults for anything absent). */
export function stateFromHash(hash: string): TableState {
  const h = readHash(hash);
  return {
    filter: h['f'] ?? '',
    sort: h['sort'] ? { col: h['sort'], dir: h['dir'] === 'asc' ? 1 : -1 } : null,
    show: new Set(list(h['show'])),
    hide: new Set(list(h['hide'])),
    group: h['group'] ?? '',
    diff: h['diff'] === '1',
    flat: h['flat'] === '1',
    sel: list(h['sel']),
    page: Math.max(0, Number(h['page'] ?? 1) - 1) || 0,
  };
}

/** The table's view as address keys (empty values are left out of the address). */
export function stateToHash(s: TableState): Record<string, string> {
  return {
    f: s.filter.trim(),
    sort: s.sort?.col ?? '',
    dir: s.sort ? (s.sort.dir > 0 ? 'asc' : 'desc') : '',
    group: s.group,
    flat: s.flat ? '1' : '',
    diff: s.diff ? '1' : '',
    show: unlist(s.show),
    hide: unlist(s.hide),
    sel: unlist(s.sel),
    page: s.page > 0 ? String(s.page + 1) : '',
  };
}
