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
  const search = new IndexedSearch(options);
  for (let i = 0; i < count; i++) search.offer(i, at(i));
  return search.page();
}

/**
 * `searchIndexed` for a caller that produces its runs one by one and wants to know at once which ones match, so it
 * keeps only those: runs are offered with any distinct indexes, read only during `offer`; `page` gives the indexes of
 * one page. The options are all validated by the constructor, before any run is offered.
 *
 * @example
 * const search = new IndexedSearch({ filter: 'metrics.acc > 0.9' });
 * runs.forEach((run, i) => search.offer(i, run));
 * const { indexes } = search.page();
 */
export class IndexedSearch {
  private readonly maxResults: number;
  private readonly offset: number;
  private readonly matches: (run: Run) => boolean;
  private readonly keys: SortKeys;

  constructor(options: SearchOptions = {}) {
    this.maxResults = checkMaxResults(options.maxResults);
    this.offset = options.pageToken ? decodePageToken(options.pageToken) : 0;
    this.matches = compileFilter(options.filter ?? '');
    this.keys = new SortKeys(parseOrderBy(options.orderBy ?? []));
  }

  /** Whether run `i` matches the filter; its sort keys are read now, while the caller still holds it. */
  offer(i: number, run: Run): boolean {
    if (!this.matches(run)) return false;
    this.keys.add(i, run);
    return true;
  }

  /** The indexes of the page's runs, in order. */
  page(): IndexedSearchPage {
    const order = this.keys.sorted();
    const end = this.offset + this.maxResults;
    const indexes = order.slice(this.offset, end);
    return end < order.length ? { indexes, nextPageToken: encodePageToken(end) } : { indexes };
  }
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
