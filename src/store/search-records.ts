/** MLflow's search_runs for backends that hold runs locally: filter, order and page with src/core/search. */
import type { RunRecord, ViewType } from '../core/entities.js';
import { searchView } from '../core/run-view.js';
import { searchInMemory } from '../core/search/index.js';
import type { RunPage, RunSearch } from './tracking-store.js';

/**
 * One page of `records` (the runs of the searched experiments in the searched view) for `query`.
 * The filter and order_by are parsed before any run is looked at, so a bad query fails the same on every store.
 */
export function searchRecords(records: Iterable<RunRecord>, query: RunSearch): RunPage {
  const back = new Map<object, RunRecord>();
  const views = [];
  for (const record of records) {
    const view = searchView(record, '');
    back.set(view, record);
    views.push(view);
  }
  const page = searchInMemory(views, {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.orderBy !== undefined ? { orderBy: query.orderBy } : {}),
    ...(query.maxResults !== undefined ? { maxResults: query.maxResults } : {}),
    ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
  });
  const runs = page.runs.map((view) => back.get(view) as RunRecord);
  return page.nextPageToken === undefined ? { runs } : { runs, nextPageToken: page.nextPageToken };
}

/** Whether a run in `stage` belongs to `view`. */
export function inRunView(stage: 'active' | 'deleted', view: ViewType = 'ACTIVE_ONLY'): boolean {
  return view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
}
