/** The API view of a stored run, shared by the Tracker and by backends that search with src/core/search. */
import type { Run, RunRecord } from './entities.js';
import { TAGS } from './entities.js';

/**
 * Turns a stored run into the `Run` the API and the CLI's --json return.
 * @example toRun(record, 'iris').metrics.acc // latest value of "acc"
 */
export function toRun(record: RunRecord, experimentName: string): Run {
  // fromEntries defines own properties, so a key such as "__proto__" stays data
  const metrics = Object.fromEntries(Object.entries(record.metrics).map(([key, s]) => [key, s.value]));
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
    params: { ...record.params },
    metrics,
    metricSummaries: record.metrics,
    tags: { ...record.tags },
    inputs: record.inputs,
    artifactUri: record.artifactUri ?? '',
  };
}
