/** The API view of a stored run, shared by the Tracker and by backends that search with src/core/search. */
import type { Run, RunRecord } from './entities.js';
import { TAGS } from './entities.js';

/**
 * Turns a stored run into the `Run` the API and the CLI's --json return.
 * @example toRun(record, 'iris').metrics.acc // latest value of "acc"
 */
export function toRun(record: RunRecord, experimentName: string): Run {
  return view(record, experimentName, true);
}

/**
 * `toRun` for a record whose params and tags are plain objects built for the caller alone (a search page with
 * `plainDicts`): they become the `Run`'s own instead of being copied.
 */
export function toRunTaking(record: RunRecord, experimentName: string): Run {
  return view(record, experimentName, false);
}

/**
 * The view a search evaluates: it shares the record's params and tags, which a search only reads, so a listing does
 * not copy them twice (the runs a search returns are turned into API views with `toRun`). `latest`: the latest values
 * to search by, when the caller knows which metrics the search reads (all of them by default).
 */
export function searchView(record: RunRecord, experimentName: string, latest?: Record<string, number>): Run {
  return view(record, experimentName, false, latest);
}

function view(record: RunRecord, experimentName: string, copy: boolean, latest?: Record<string, number>): Run {
  return {
    id: record.id,
    name: record.name,
    experimentId: record.experimentId,
    experimentName,
    status: record.status,
    startTime: record.startTime,
    endTime: record.endTime,
    lifecycleStage: record.lifecycleStage,
    user: record.user,
    parentRunId: record.tags[TAGS.parentRunId] ?? null,
    params: copy ? { ...record.params } : record.params,
    metrics: latest ?? latestValues(record.metrics),
    metricSummaries: record.metrics,
    tags: copy ? { ...record.tags } : record.tags,
    inputs: record.inputs,
    artifactUri: record.artifactUri ?? '',
  };
}

/** `{ key: latest value }` of the summaries, a plain object (search views and `Run`s are compared as plain data). */
function latestValues(summaries: RunRecord['metrics']): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = Object.keys(summaries);
  // an indexed loop: it runs before the code is optimized, where `for of` allocates per step
  for (let k = 0; k < keys.length; k++) setOwn(out, keys[k]!, summaries[keys[k]!]!.value);
  return out;
}

/**
 * `out[key] = value` on a plain object, where a key such as "__proto__" stays data (assignment would set the
 * prototype instead).
 */
export function setOwn<T>(out: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
