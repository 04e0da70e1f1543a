import type { Run } from '../entities.js';
import { invalid } from '../errors.js';
import { compileFilter } from './filter-eval.js';
import { msg } from './messages.js';
import { parseOrderBy, SortKeys } from './order-by.js';

/** MLflow's SEARCH_MAX_RESULTS_DEFAULT and SEARCH_MAX_RESULTS_THRESHOLD. */
export const MAX_RESULTS_DEFAULT = 1000;
export const MAX_RESULTS_LIMIT = 50000;

export interface SearchOptions {
  /** e.g. `metrics.acc > 0.9 AND params.model = 'cnn'`; empty matches all */
  filter?: string;
  /** e.g. `['metrics.acc DESC', 'params.lr']`; default start_time DESC, then run id */
  orderBy?: readonly string[];
  /** 1..50000, default 1000 */
  maxResults?: number;
  /** the `nextPageToken` of the previous page */
  pageToken?: string;
}

export interface SearchPage {
  runs: Run[];
  /** present only when more runs match */
  nextPageToken?: string;
}

/**
 * MLflow's search_runs over runs already in memory: filter, then order, then one page.
 * Inputs are all validated before any run is looked at.
 *
 * @example
 * const query = { filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'], maxResults: 100 };
 * let page = searchInMemory(runs, query);
 * while (page.nextPageToken) page = searchInMemory(runs, { ...query, pageToken: page.nextPageToken });
 */
export function searchInMemory(runs: readonly Run[], options: SearchOptions = {}): SearchPage {
  const { indexes, nextPageToken } = searchIndexed(runs.length, (i) => runs[i]!, options);
  const page = indexes.map((i) => runs[i]!);
  return nextPageToken === undefined ? { runs: page } : { runs: page, nextPageToken };
}

/** One page of `searchIndexed`: the indexes of the runs on it, in order. */
export interface IndexedSearchPage {
  indexes: number[];
  /** present only when more runs match */
  nextPageToken?: string;
}

/**
 * `searchInMemory` over `count` runs given by index, returning the indexes of one page. `at(i)` may return the same
 * object for every `i`, refilled with run `i`'s fields: it is read only until the next call, so a caller that holds
 * runs as columns builds no object per run. Inputs are all validated before `at` is called.
 *
 * @example
 * const { indexes } = searchIndexed(runs.length, (i) => runs[i], { filter: 'metrics.acc > 0.9' });
 */
export function searchIndexed(count: number, at: (i: number) => Run, options: SearchOptions = {}): IndexedSearchPage {
  const maxResults = checkMaxResults(options.maxResults);
  const offset = options.pageToken ? decodePageToken(options.pageToken) : 0;
  const matches = compileFilter(options.filter ?? '');
  const orderBy = parseOrderBy(options.orderBy ?? []);
  const keys = new SortKeys(orderBy);
  // each run's sort keys are read as it matches, while `at` still holds it
  for (let i = 0; i < count; i++) {
    const run = at(i);
    if (matches(run)) keys.add(i, run);
  }
  const order = keys.sorted();
  const end = offset + maxResults;
  const indexes = order.slice(offset, end);
  return end < order.length ? { indexes, nextPageToken: encodePageToken(end) } : { indexes };
}

function checkMaxResults(value: number | undefined): number {
  if (value === undefined) return MAX_RESULTS_DEFAULT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RESULTS_LIMIT) {
    throw invalid(msg.maxResults(value, MAX_RESULTS_LIMIT));
  }
  return value;
}

/** Same bytes as MLflow's `base64.b64encode(json.dumps({"offset": N}))`, so tokens move between the two. */
export function encodePageToken(offset: number): string {
  return btoa(`{"offset": ${offset}}`);
}

/**
 * Reads the offset out of a page token; throws `invalid(...)` naming the token when it is not one.
 *
 * @example
 * decodePageToken(encodePageToken(1000)); // 1000
 */
export function decodePageToken(token: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(token));
  } catch {
    throw invalid(msg.pageToken(token));
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof parsed !== 'object' || !Number.isSafeInteger(offset) || (offset as number) < 0) {
    throw invalid(msg.pageToken(token));
  }
  return offset as number;
}
