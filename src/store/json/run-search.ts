/**
 * Search over the JSON store's runs through the run cache: runs the cache can vouch for are searched from the base's
 * columns (only the keys the filter and order name), every other run from its folded record, and only the runs of the
 * returned page are decoded in full.
 */
import type { Run, RunRecord, RunStatus } from '../../core/entities.js';
import { decodeNumber } from '../../core/number-codec.js';
import { searchView, setOwn } from '../../core/run-view.js';
import { searchInMemory } from '../../core/search/index.js';
import { searchNeeds, type SearchNeeds } from '../../core/search/needs.js';
import { inRunView } from '../search-records.js';
import type { RunPage, RunSearch } from '../tracking-store.js';
import type { BaseFile } from './run-cache-file.js';
import type { RunCache } from './run-cache.js';

/**
 * One page of `query` over the runs `ids`: `lookup(id)` gives the run's folded record or its row in the cache's base,
 * each checked against the run's log, or undefined for a folder that holds no run. The returned records are new
 * objects (their dicts may be the cache's). Throws BadBase when the base turns out damaged; the caller drops it and
 * searches again.
 */
export function searchCached(
  ids: readonly string[],
  cache: RunCache,
  lookup: (id: string) => RunRecord | number | undefined,
  query: RunSearch,
): RunPage {
  // parsed before any run is looked at, so a bad query fails the same on every store
  const needs = searchNeeds(query.filter ?? '', query.orderBy ?? []);
  const rows: number[] = [];
  const records: RunRecord[] = [];
  for (const id of ids) {
    const found = lookup(id);
    if (found === undefined) continue;
    // datasets are not in the base's columns: those searches read the full records
    if (typeof found !== 'number') records.push(found);
    else if (needs.datasets) records.push(cache.get(id)!.record);
    else rows.push(found);
  }
  const wanted = new Set(query.experimentIds);
  const view = query.view ?? 'ACTIVE_ONLY';
  const views: SearchView[] = [];
  for (const r of records) {
    if (!wanted.has(r.experimentId) || !inRunView(r.lifecycleStage, view)) continue;
    views.push(recordView(r, needs.metrics));
  }
  if (rows.length > 0) addRows(cache.base!, rows, needs, wanted, view, views);
  const page = searchInMemory(views, {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.orderBy !== undefined ? { orderBy: query.orderBy } : {}),
    ...(query.maxResults !== undefined ? { maxResults: query.maxResults } : {}),
    ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
  });
  // the page's records are the caller's to add fields to: base rows decoded for it alone (not kept: a search that
  // returns thousands of runs would otherwise keep a second copy of each alive), folded runs copied at the top level
  const runs = page.runs.map((v) => {
    const source = (v as SearchView)[SOURCE];
    return typeof source === 'number' ? cache.base!.entry(source).record : { ...source };
  });
  return page.nextPageToken === undefined ? { runs } : { runs, nextPageToken: page.nextPageToken };
}

/**
 * What a search evaluates, and where its run comes from: a folded record, or a row of the base. Carrying the source
 * in the view spares a map from 10,000 views to their sources (and the identity hash each key would need).
 */
type SearchView = Run & { [SOURCE]: RunRecord | number };
const SOURCE = Symbol('source');

/** The search view of a folded record, with the latest values of only the metrics the search reads. */
function recordView(r: RunRecord, keys: readonly string[]): SearchView {
  let metrics: Record<string, number> = EMPTY;
  if (keys.length > 0) {
    metrics = {};
    for (const key of keys) if (Object.hasOwn(r.metrics, key)) setOwn(metrics, key, r.metrics[key]!.value);
    Object.setPrototypeOf(metrics, null);
  }
  const v = searchView(r, '', metrics) as SearchView;
  v[SOURCE] = r;
  return v;
}

const EMPTY = Object.freeze(Object.create(null) as Record<string, never>);
/** shared by every base row's view: datasets are searched through full records */
const NO_INPUTS = Object.freeze([]) as unknown as Run['inputs'];

/** Views of base rows holding the attributes and only the metrics, params and tags the search reads. */
function addRows(
  base: BaseFile,
  rows: number[],
  needs: SearchNeeds,
  wanted: ReadonlySet<string>,
  view: RunSearch['view'],
  views: SearchView[],
): void {
  const { dir } = base;
  const metrics = needs.metrics.map((key) => [key, base.metricColumn(key)] as const);
  const params = needs.params.map((key) => [key, base.stringColumn('p', key)] as const);
  const tags = needs.tags.map((key) => [key, base.stringColumn('t', key)] as const);
  for (const i of rows) {
    const stage = dir.deleted[i] === 1 ? 'deleted' : 'active';
    if (!wanted.has(dir.experimentIds[i]!) || !inRunView(stage, view)) continue;
    const m = metrics.length === 0 ? EMPTY : pick(metrics, i, decodeNumber);
    views.push({
      id: dir.ids[i]!,
      name: dir.names[i]!,
      experimentId: dir.experimentIds[i]!,
      experimentName: '',
      status: dir.statuses[i] as RunStatus,
      startTime: dir.startTimes[i]!,
      endTime: dir.endTimes[i]!,
      lifecycleStage: stage,
      user: dir.users[i]!,
      parentRunId: null,
      params: params.length === 0 ? EMPTY : pick(params, i, asString),
      metrics: m,
      metricSummaries: EMPTY,
      tags: tags.length === 0 ? EMPTY : pick(tags, i, asString),
      inputs: NO_INPUTS,
      artifactUri: '',
      [SOURCE]: i,
    });
  }
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A null-prototype dict of the columns' values at row `i` (keys without a value left out). */
function pick<T>(
  columns: readonly (readonly [string, readonly unknown[] | undefined])[],
  i: number,
  decode: (v: unknown) => T | undefined,
): Record<string, T> {
  // filled as a plain object, then made null-prototype: far cheaper than filling a null-prototype one
  const out = {} as Record<string, T>;
  for (const [key, column] of columns) {
    const value = column === undefined ? undefined : decode(column[i]);
    if (value !== undefined) setOwn(out, key, value);
  }
  return Object.setPrototypeOf(out, null) as Record<string, T>;
}
