/** `tracklab runs list|show|delete|restore|end`. */
import { summaryKnown, type Run } from '../../core/entities.js';
import type { Tracker } from '../../tracker.js';
import { cliMessages as msg } from '../messages.js';
import { formatJson } from '../output.js';
import { formatNumber, formatRunDuration, formatTime } from '../../core/format.js';
import { formatTable } from '../table.js';
import { reproduceCommand } from '../../core/reproduction.js';

export interface ListRunsOptions {
  experiment?: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  deleted?: boolean;
  json?: boolean;
}

/** Runs newest first (or as ordered), as a table or as JSON (the objects `getRun` returns). */
export async function listRuns(tracker: Tracker, opts: ListRunsOptions): Promise<string> {
  const { runs } = await tracker.searchRuns({
    ...(opts.experiment ? { experiments: opts.experiment } : {}),
    ...(opts.filter ? { filter: opts.filter } : {}),
    ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
    maxResults: opts.maxResults ?? 1000,
    viewType: opts.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
  });
  return opts.json ? formatJson(runs) : runsTable(runs);
}

/** One run: its params, latest metrics and tags, or JSON. */
export async function showRun(tracker: Tracker, id: string, opts: { json?: boolean }): Promise<string> {
  const run = await tracker.getRun(id);
  return opts.json ? formatJson(run) : describeRun(run, tracker.capabilities.metricSummaries);
}

/** Ends a run its process left RUNNING (a crashed kernel or script). */
export async function endRun(tracker: Tracker, id: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<string> {
  const run = await tracker.endRun(id, status);
  return `ended run ${run.name} (${run.id}) ${run.status}`;
}

/** Soft-deletes a run. */
export async function deleteRun(tracker: Tracker, id: string): Promise<string> {
  await tracker.deleteRun(id);
  return `deleted run ${id}`;
}

/** Restores a soft-deleted run. */
export async function restoreRun(tracker: Tracker, id: string): Promise<string> {
  await tracker.restoreRun(id);
  return `restored run ${id}`;
}

/** Runs as a terminal table with the first four metric keys as columns. */
export function runsTable(runs: readonly Run[]): string {
  if (runs.length === 0) return msg.noRuns();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, 4);
  return formatTable(
    ['RUN ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', ...metricKeys],
    runs.map((r) => [
      r.id,
      r.name,
      r.experimentName,
      r.status,
      formatTime(r.startTime),
      formatRunDuration(r.startTime, r.endTime),
      ...metricKeys.map((k) => {
        const v = r.metrics[k];
        return formatNumber(v);
      }),
    ]),
  );
}

/** `summaries`: the store counts a metric's points (an MLflow server keeps only the latest value: "—"). */
function describeRun(run: Run, summaries = true): string {
  const section = (title: string, entries: [string, string][]): string =>
    entries.length === 0 ? '' : `\n${title}\n${entries.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`;
  const metrics = Object.entries(run.metricSummaries).map(([k, s]): [string, string] => [
    k,
    `${formatNumber(s.value)} (step ${s.step}, ${summaries && summaryKnown(s) ? `${s.count} points` : 'latest value only'})`,
  ]);
  return (
    [
      `run ${run.name} (${run.id})`,
      `  experiment: ${run.experimentName} (${run.experimentId})`,
      `  status: ${run.status}${run.lifecycleStage === 'deleted' ? ' (deleted)' : ''}`,
      `  started: ${formatTime(run.startTime)}   ended: ${formatTime(run.endTime) || '-'}`,
      `  user: ${run.user}${run.parentRunId ? `   parent: ${run.parentRunId}` : ''}`,
      `  reproduce: ${reproduceCommand(run.id)}`,
    ].join('\n') +
    section('params', Object.entries(run.params)) +
    section('metrics', metrics) +
    section('tags', Object.entries(run.tags))
  );
}
