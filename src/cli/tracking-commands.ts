/** `tracklab experiments ...` and `tracklab runs ...`. */
import type { Command } from 'commander';
import type { Run } from '../core/entities.js';
import { nonFiniteReplacer } from '../core/number-codec.js';
import { Tracker } from '../tracker.js';
import { formatDuration, formatTable, formatTime } from './table.js';
import { collect } from './options.js';

export type OpenTracker = () => Promise<Tracker>;

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, nonFiniteReplacer, 2)}\n`);
};


export function addTrackingCommands(program: Command, open: OpenTracker): void {
  const experiments = program.command('experiments').description('list, delete and restore experiments');
  experiments.command('list').description('list experiments').option('--json', 'print JSON')
    .option('--all', 'include deleted experiments')
    .action(async (opts: { json?: boolean; all?: boolean }) => {
      const tracker = await open();
      const list = await tracker.listExperiments(opts.all ? 'ALL' : 'ACTIVE_ONLY');
      if (opts.json) return printJson(list);
      const counts = new Map<string, number>();
      for (const run of (await tracker.searchRuns({ maxResults: 50000, experiments: list.map((e) => e.id) })).runs) {
        counts.set(run.experimentId, (counts.get(run.experimentId) ?? 0) + 1);
      }
      console.log(formatTable(['ID', 'NAME', 'RUNS', 'CREATED', 'STAGE'],
        list.map((e) => [e.id, e.name, String(counts.get(e.id) ?? 0), formatTime(e.creationTime), e.lifecycleStage])));
    });
  experiments.command('delete <name>').description('soft-delete an experiment (by name or id)')
    .action(async (name: string) => { await (await open()).deleteExperiment(name); console.log(`deleted experiment ${name}`); });
  experiments.command('restore <name>').description('restore a deleted experiment')
    .action(async (name: string) => { await (await open()).restoreExperiment(name); console.log(`restored experiment ${name}`); });

  const runs = program.command('runs').description('list, show, delete and restore runs');
  runs.command('list').description('list runs, newest first')
    .option('--experiment <name>', 'experiment name or id (repeatable)', collect)
    .option('--filter <expr>', 'MLflow filter, e.g. "metrics.acc > 0.9 and params.model = \'rf\'"')
    .option('--order-by <expr>', 'e.g. "metrics.acc DESC" (repeatable)', collect)
    .option('--max-results <n>', 'at most this many runs', (v) => parseMaxResults(v))
    .option('--deleted', 'list deleted runs instead')
    .option('--json', 'print JSON (the objects getRun returns)')
    .action(async (opts: { experiment?: string[]; filter?: string; orderBy?: string[]; maxResults?: number; deleted?: boolean; json?: boolean }) => {
      const tracker = await open();
      const { runs: found } = await tracker.searchRuns({
        ...(opts.experiment ? { experiments: opts.experiment } : {}),
        ...(opts.filter ? { filter: opts.filter } : {}),
        ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
        maxResults: opts.maxResults ?? 1000,
        viewType: opts.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
      });
      if (opts.json) return printJson(found);
      console.log(runsTable(found));
    });
  runs.command('show <runId>').description('show one run').option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const run = await (await open()).getRun(id);
      if (opts.json) return printJson(run);
      console.log(describeRun(run));
    });
  runs.command('delete <runId>').description('soft-delete a run')
    .action(async (id: string) => { await (await open()).deleteRun(id); console.log(`deleted run ${id}`); });
  runs.command('restore <runId>').description('restore a deleted run')
    .action(async (id: string) => { await (await open()).restoreRun(id); console.log(`restored run ${id}`); });
  runs.command('end <runId>').description('end a run its process left RUNNING (a crashed kernel or script)')
    .option('--status <status>', 'FINISHED, FAILED or KILLED', 'KILLED')
    .action(async (id: string, opts: { status: 'FINISHED' | 'FAILED' | 'KILLED' }) => {
      const run = await (await open()).endRun(id, opts.status);
      console.log(`ended run ${run.name} (${run.id}) ${run.status}`);
    });
}

function parseMaxResults(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--max-results "${value}" is not a positive integer`);
  return n;
}

const shown = (n: number): string => (Number.isInteger(n) ? String(n) : Number.isFinite(n) ? n.toPrecision(4) : String(n));

export function runsTable(runs: Run[]): string {
  if (runs.length === 0) return 'no runs';
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, 4);
  return formatTable(
    ['RUN ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', ...metricKeys],
    runs.map((r) => [r.id, r.name, r.experimentName, r.status, formatTime(r.startTime), formatDuration(r.startTime, r.endTime),
      ...metricKeys.map((k) => { const v = r.metrics[k]; return v === undefined ? "" : shown(v); })]),
  );
}

function describeRun(run: Run): string {
  const section = (title: string, entries: [string, string][]): string =>
    entries.length === 0 ? '' : `\n${title}\n${entries.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`;
  return [
    `run ${run.name} (${run.id})`,
    `  experiment: ${run.experimentName} (${run.experimentId})`,
    `  status: ${run.status}${run.lifecycleStage === 'deleted' ? ' (deleted)' : ''}`,
    `  started: ${formatTime(run.startTime)}   ended: ${formatTime(run.endTime) || '-'}`,
    `  user: ${run.user}${run.parentRunId ? `   parent: ${run.parentRunId}` : ''}`,
  ].join('\n')
    + section('params', Object.entries(run.params))
    + section('metrics', Object.entries(run.metricSummaries).map(([k, s]) => [k, `${shown(s.value)} (step ${s.step}, ${s.count} points)`]))
    + section('tags', Object.entries(run.tags));
}
