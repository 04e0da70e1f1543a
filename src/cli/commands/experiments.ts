/** `tracklab experiments list|delete|restore`. */
import type { Tracker } from '../../tracker.js';
import { formatJson } from '../output.js';
import { formatTime } from '../../core/format.js';
import { formatTable } from '../table.js';

export interface ListExperimentsOptions {
  json?: boolean;
  all?: boolean;
}

/** The experiments as a table with their run counts, or as JSON (what `listExperiments` returns). */
export async function listExperiments(tracker: Tracker, opts: ListExperimentsOptions): Promise<string> {
  const list = await tracker.listExperiments(opts.all ? 'ALL' : 'ACTIVE_ONLY');
  if (opts.json) return formatJson(list);
  const counts = new Map<string, number>();
  for (const run of (await tracker.searchRuns({ maxResults: 50000, experiments: list.map((e) => e.id) })).runs) {
    counts.set(run.experimentId, (counts.get(run.experimentId) ?? 0) + 1);
  }
  return formatTable(
    ['ID', 'NAME', 'RUNS', 'CREATED', 'STAGE'],
    list.map((e) => [e.id, e.name, String(counts.get(e.id) ?? 0), formatTime(e.creationTime), e.lifecycleStage]),
  );
}

/** Soft-deletes an experiment by name or id. */
export async function deleteExperiment(tracker: Tracker, name: string): Promise<string> {
  await tracker.deleteExperiment(name);
  return `deleted experiment ${name}`;
}

/** Restores a soft-deleted experiment. */
export async function restoreExperiment(tracker: Tracker, name: string): Promise<string> {
  await tracker.restoreExperiment(name);
  return `restored experiment ${name}`;
}
