/**
 * MLflow's search_experiments over experiments in memory: a filter of clauses joined by AND on `name`,
 * `creation_time`, `last_update_time` (attributes, optionally `attributes.`-prefixed) and `tags.<key>`, an order_by
 * on those attributes or `experiment_id`, and pages with the same tokens as run search.
 */
import type { Experiment } from '../entities.js';
import { invalid } from '../errors.js';
import { compileLike } from './like.js';
import { msg } from './messages.js';
import { decodePageToken, encodePageToken, MAX_RESULTS_DEFAULT, MAX_RESULTS_LIMIT } from './search.js';

export interface ExperimentSearch {
  /** e.g. `name LIKE 'iris%' AND tags.team = 'a'` */
  filter?: string;
  /** e.g. `['name ASC']`; default `creation_time DESC`, then `experiment_id ASC`, as MLflow */
  orderBy?: readonly string[];
  maxResults?: number;
  pageToken?: string;
}

const CLAUSE_RE =
  /^\s*(?:(?:attributes?|attr)\.)?(`[^`]+`|"[^"]+"|[\w.]+)\s*(!=|>=|<=|=|<|>|\bI?LIKE\b)\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+)\s*$/i;
const NUMERIC = new Set(['creation_time', 'last_update_time']);
const ORDER_KEYS = new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']);
type Test = (e: Experiment) => boolean;

function compileClause(text: string): Test {
  const m = CLAUSE_RE.exec(text);
  if (!m) {
    throw invalid(msg.experimentClause(text.trim()));
  }
  const key = (m[1] as string).replace(/^[`"]|[`"]$/g, '');
  const op = (m[2] as string).toUpperCase();
  const raw = m[3] as string;
  if (NUMERIC.has(key)) {
    if (!/^-?\d+$/.test(raw) || op.endsWith('LIKE')) throw invalid(msg.experimentNumeric(text.trim(), key));
    const n = Number(raw);
    const get = (e: Experiment): number => (key === 'creation_time' ? e.creationTime : e.lastUpdateTime);
    const cmp: Record<string, (a: number) => boolean> = {
      '=': (a) => a === n,
      '!=': (a) => a !== n,
      '<': (a) => a < n,
      '<=': (a) => a <= n,
      '>': (a) => a > n,
      '>=': (a) => a >= n,
    };
    return (e) => (cmp[op] as (a: number) => boolean)(get(e));
  }
  const isTag = key.startsWith('tags.') || key.startsWith('tag.');
  if (!isTag && key !== 'name') throw invalid(msg.experimentKey(text.trim(), key));
  if (!/^['"]/.test(raw) || ['<', '<=', '>', '>='].includes(op)) throw invalid(msg.experimentString(text.trim(), key));
  const value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
  const tagKey = key.slice(key.indexOf('.') + 1);
  const get = (e: Experiment): string | undefined =>
    isTag ? (Object.hasOwn(e.tags, tagKey) ? e.tags[tagKey] : undefined) : e.name;
  if (op === '=') return (e) => get(e) === value;
  if (op === '!=')
    return (e) => {
      const v = get(e);
      return v !== undefined && v !== value;
    };
  const like = compileLike(value, op === 'ILIKE');
  return (e) => {
    const v = get(e);
    return v !== undefined && like(v);
  };
}

/** Splits on AND outside quotes. */
function clauses(filter: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      continue;
    }
    if (/^\sAND\s/i.test(filter.slice(i, i + 5))) {
      out.push(filter.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  out.push(filter.slice(start));
  return out.filter((c) => c.trim() !== '');
}

function comparator(orderBy: readonly string[]): (a: Experiment, b: Experiment) => number {
  const keys = (orderBy.length > 0 ? orderBy : ['creation_time DESC']).map((clause) => {
    const m = /^\s*(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
    if (!m || !ORDER_KEYS.has((m[1] as string).toLowerCase())) {
      throw invalid(msg.experimentOrderBy(clause));
    }
    return { key: (m[1] as string).toLowerCase(), desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
  });
  keys.push({ key: 'experiment_id', desc: false });
  const value = (e: Experiment, key: string): string | number =>
    key === 'name'
      ? e.name
      : key === 'experiment_id'
        ? e.id
        : key === 'creation_time'
          ? e.creationTime
          : e.lastUpdateTime;
  return (a, b) => {
    for (const { key, desc } of keys) {
      const [x, y] = [value(a, key), value(b, key)];
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
}

/**
 * One page of `experiments` matching `query`.
 * @example searchExperimentsInMemory(all, { filter: "name LIKE 'iris%'", orderBy: ['name'] }).experiments
 */
export function searchExperimentsInMemory(
  experiments: readonly Experiment[],
  query: ExperimentSearch = {},
): { experiments: Experiment[]; nextPageToken?: string } {
  const max = query.maxResults ?? MAX_RESULTS_DEFAULT;
  if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS_LIMIT)
    throw invalid(msg.maxResults(max, MAX_RESULTS_LIMIT));
  const tests = clauses(query.filter ?? '').map(compileClause);
  const order = comparator(query.orderBy ?? []);
  const offset = query.pageToken ? decodePageToken(query.pageToken) : 0;
  const matched = experiments.filter((e) => tests.every((t) => t(e))).sort(order);
  const page = matched.slice(offset, offset + max);
  return offset + max < matched.length
    ? { experiments: page, nextPageToken: encodePageToken(offset + max) }
    : { experiments: page };
}
