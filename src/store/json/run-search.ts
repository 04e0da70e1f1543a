/**
 * Search over the JSON store's runs through the run cache: runs the cache can vouch for are searched on the base's
 * columns (only the keys the filter and order name), every other run on its folded record. No object is built per
 * searched run: one view is refilled for each, and only the runs of the returned page are decoded in full.
 */
import type { Run, RunRecord, RunStatus } from '../../core/entities.js';
import { decodeNumber } from '../../core/number-codec.js';
import { IndexedSearch, type IndexedSearchPage } from '../../core/search/index.js';
import { searchNeeds, type SearchNeeds } from '../../core/search/needs.js';
import { inRunView } from '../search-records.js';
import type { RunPage, RunSearch } from '../tracking-store.js';
import type { BaseFile } from './run-cache-file.js';
import type { RunCache } from './run-cache.js';

/**
 * One page of `query` over the runs `ids`: `lookup(id)` gives the run's folded record or its row in the cache's base,
 * each checked against the run's log, or undefined for a folder that holds no run. The returned records are new
 * objects (their dicts may be the cache's, unless `query.plainDicts`). Throws BadBase when the base turns out
 * damaged; the caller drops it and searches again.
 */
export function searchCached(
  ids: readonly string[],
  cache: RunCache,
  lookup: (id: string) => RunRecord | number | undefined,
  query: RunSearch,
): RunPage {
  // parsed and checked before any run is looked at, so a bad query fails the same on every store
  const needs = searchNeeds(query.filter ?? '', query.orderBy ?? []);
  const search = new IndexedSearch({
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.orderBy !== undefined ? { orderBy: query.orderBy } : {}),
    ...(query.maxResults !== undefined ? { maxResults: query.maxResults } : {}),
    ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
  });
  const wanted = new Set(query.experimentIds);
  const stages = query.view ?? 'ACTIVE_ONLY';
  const view = new SearchView(needs, cache);
  // only the runs that match are kept, each offered under its index here: the folds of the others die young
  const kept: (RunRecord | number)[] = [];
  // indexed loops in this file: they run before the code is optimized, where `for of` allocates per step
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    const found = lookup(id);
    if (found === undefined) continue;
    if (typeof found === 'number' && !needs.datasets) {
      const { dir } = cache.base!;
      const stage = dir.deleted[found] === 1 ? 'deleted' : 'active';
      if (wanted.has(dir.experimentIds[found]!) && inRunView(stage, stages)) {
        if (search.offer(kept.length, view.ofRow(found))) kept.push(found);
      }
      continue;
    }
    // datasets are not in the base's columns: those searches read the full records
    const r = typeof found === 'number' ? cache.get(id)!.record : found;
    if (
      wanted.has(r.experimentId) &&
      inRunView(r.lifecycleStage, stages) &&
      search.offer(kept.length, view.ofRecord(r))
    ) {
      kept.push(r);
      cache.lend(id, r); // kept until the page is built anyway: the cache saves it without reading the log again
    }
  }
  return pageOf(search.page(), kept, cache, query.plainDicts === true);
}

/**
 * The records of one page, the caller's to add fields to: base rows decoded for it alone (not kept: a search that
 * returns thousands of runs would otherwise keep a second copy of each alive), folded runs copied.
 */
function pageOf(
  page: IndexedSearchPage,
  kept: readonly (RunRecord | number)[],
  cache: RunCache,
  plain: boolean,
): RunPage {
  const token = page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken };
  const runs = page.indexes.map((i) => {
    const found = kept[i]!;
    return typeof found === 'number' ? cache.base!.record(found, plain) : copyRecord(found, plain);
  });
  return plain ? { runs, ...token, plainDicts: true } : { runs, ...token };
}

/**
 * A folded record copied at the top level; with `plain`, built for `toRun` alone: its params and tags as plain objects,
 * and a slot for the artifact URI the backend fills in, so filling it does not grow each of thousands of page records
 * (a new property array per record: allocation that can push a search that keeps thousands of runs into one more
 * scavenge and a full collection before its answer).
 */
function copyRecord(r: RunRecord, plain: boolean): RunRecord {
  if (!plain) return { ...r };
  // one literal, not spreads of smaller ones: each spread source would be one more object per record
  return {
    id: r.id,
    experimentId: r.experimentId,
    name: r.name,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    lifecycleStage: r.lifecycleStage,
    deletedTime: r.deletedTime,
    user: r.user,
    params: { ...r.params },
    tags: { ...r.tags },
    metrics: r.metrics,
    inputs: r.inputs,
    artifactUri: r.artifactUri,
  };
}

const NONE = Object.freeze(Object.create(null) as Record<string, never>);
const NO_INPUTS = Object.freeze([]) as unknown as Run['inputs'];

/**
 * The one view a search reads, refilled for each run with what a search evaluates: the attributes and the metrics,
 * params and tags its filter and order name (a record's own params and tags are shared as they are).
 */
class SearchView {
  private readonly run: Run;
  private readonly metrics: Record<string, number | undefined>;
  private readonly params: Record<string, string | undefined>;
  private readonly tags: Record<string, string | undefined>;
  /** per key the search reads, its column in the base (undefined where no row has it); read on the first row */
  private metricColumns: (unknown[] | undefined)[] = [];
  private paramColumns: ((string | undefined)[] | undefined)[] = [];
  private tagColumns: ((string | undefined)[] | undefined)[] = [];
  private columnsRead = false;

  constructor(
    private readonly needs: SearchNeeds,
    private readonly cache: RunCache,
  ) {
    this.metrics = Object.create(null) as Record<string, number | undefined>;
    this.params = Object.create(null) as Record<string, string | undefined>;
    this.tags = Object.create(null) as Record<string, string | undefined>;
    this.run = {
      ...{ id: '', name: '', experimentId: '', experimentName: '', status: 'RUNNING', startTime: 0, endTime: null },
      ...{ lifecycleStage: 'active', user: '', parentRunId: null, params: {}, tags: {} },
      ...{ metrics: this.metrics as Record<string, number>, metricSummaries: NONE, inputs: NO_INPUTS, artifactUri: '' },
    };
  }

  /** The base's columns of the keys the search reads: parsed only when a row is searched. */
  private readColumns(base: BaseFile): void {
    const { needs } = this;
    this.metricColumns = needs.metrics.map((key) => base.metricColumn(key));
    this.paramColumns = needs.params.map((key) => base.stringColumn('p', key));
    this.tagColumns = needs.tags.map((key) => base.stringColumn('t', key));
    this.columnsRead = true;
  }

  /** The view of a folded record: its own params, tags and inputs, the latest values of the metrics searched by. */
  ofRecord(r: RunRecord): Run {
    const v = this.run;
    v.id = r.id;
    v.name = r.name;
    v.experimentId = r.experimentId;
    v.status = r.status;
    v.startTime = r.startTime;
    v.endTime = r.endTime;
    v.lifecycleStage = r.lifecycleStage;
    v.user = r.user;
    v.params = r.params;
    v.tags = r.tags;
    v.inputs = r.inputs;
    v.artifactUri = r.artifactUri ?? '';
    const { metrics } = this;
    const keys = this.needs.metrics;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      metrics[key] = Object.hasOwn(r.metrics, key) ? r.metrics[key]!.value : undefined;
    }
    return v;
  }

  /** The view of row `i` of the base, from its directory and columns. */
  ofRow(i: number): Run {
    const v = this.run;
    const base = this.cache.base!;
    if (!this.columnsRead) this.readColumns(base);
    const { dir } = base;
    v.id = dir.ids[i]!;
    v.name = dir.names[i]!;
    v.experimentId = dir.experimentIds[i]!;
    v.status = dir.statuses[i] as RunStatus;
    v.startTime = dir.startTimes[i]!;
    v.endTime = dir.endTimes[i]!;
    v.lifecycleStage = dir.deleted[i] === 1 ? 'deleted' : 'active';
    v.user = dir.users[i]!;
    // undefined where a row lacks the key: searches read values with typeof guards, as for a missing key
    v.params = this.params as Record<string, string>;
    v.tags = this.tags as Record<string, string>;
    v.inputs = NO_INPUTS;
    v.artifactUri = '';
    const { metrics, params, tags } = this.needs;
    for (let k = 0; k < metrics.length; k++) this.metrics[metrics[k]!] = decodeNumber(this.metricColumns[k]?.[i]);
    for (let k = 0; k < params.length; k++) this.params[params[k]!] = this.paramColumns[k]?.[i];
    for (let k = 0; k < tags.length; k++) this.tags[tags[k]!] = this.tagColumns[k]?.[i];
    return v;
  }
}
