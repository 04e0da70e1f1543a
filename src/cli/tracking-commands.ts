/** The `experiments` and `runs` commands: definitions only; each action loads its command module when it runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { collect, positiveInteger } from './options.js';
import type { ListExperimentsOptions } from './commands/experiments.js';
import type { ListRunsOptions } from './commands/runs.js';

const experimentsModule = () => import('./commands/experiments.js');
const runsModule = () => import('./commands/runs.js');

/** Adds `tracklab experiments list|delete|restore`, `tracklab compact` and `tracklab runs list|show|delete|...`. */
export function addTrackingCommands(program: Command, ctx: CliContext): void {
  addExperimentCommands(program, ctx);
  program
    .command('compact [runIds...]')
    .description('write the metric segments of runs (every run when none is named), so histories read fast')
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts: { json?: boolean }) =>
      ctx.print(await (await import('./commands/compact.js')).compactRuns(await ctx.tracker(), ids, opts)),
    );
  addRunCommands(program, ctx);
}

function addExperimentCommands(program: Command, ctx: CliContext): void {
  const experiments = program.command('experiments').description('list, delete and restore experiments');
  experiments
    .command('list')
    .description('list experiments')
    .option('--json', 'print JSON')
    .option('--all', 'include deleted experiments')
    .action(async (opts: ListExperimentsOptions) =>
      ctx.print(await (await experimentsModule()).listExperiments(await ctx.tracker(), opts)),
    );
  experiments
    .command('delete <name>')
    .description('soft-delete an experiment (by name or id)')
    .action(async (name: string) =>
      ctx.print(await (await experimentsModule()).deleteExperiment(await ctx.tracker(), name)),
    );
  experiments
    .command('restore <name>')
    .description('restore a deleted experiment')
    .action(async (name: string) =>
      ctx.print(await (await experimentsModule()).restoreExperiment(await ctx.tracker(), name)),
    );
}

function addRunCommands(program: Command, ctx: CliContext): void {
  const runs = program.command('runs').description('list, show, delete and restore runs');
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--experiment <name>', 'experiment name or id (repeatable)', collect)
    .option('--filter <expr>', 'MLflow filter, e.g. "metrics.acc > 0.9 and params.model = \'rf\'"')
    .option('--order-by <expr>', 'e.g. "metrics.acc DESC" (repeatable)', collect)
    .option('--max-results <n>', 'at most this many runs', positiveInteger('--max-results'))
    .option('--deleted', 'list deleted runs instead')
    .option('--json', 'print JSON (the objects getRun returns)')
    .action(async (opts: ListRunsOptions) => ctx.print(await (await runsModule()).listRuns(await ctx.tracker(), opts)));
  runs
    .command('show <runId>')
    .description('show one run')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) =>
      ctx.print(await (await runsModule()).showRun(await ctx.tracker(), id, opts)),
    );
  runs
    .command('delete <runId>')
    .description('soft-delete a run')
    .action(async (id: string) => ctx.print(await (await runsModule()).deleteRun(await ctx.tracker(), id)));
  runs
    .command('restore <runId>')
    .description('restore a deleted run')
    .action(async (id: string) => ctx.print(await (await runsModule()).restoreRun(await ctx.tracker(), id)));
  runs
    .command('end <runId>')
    .description('end a run its process left RUNNING (a crashed kernel or script)')
    .option('--status <status>', 'FINISHED, FAILED or KILLED', 'KILLED')
    .action(async (id: string, opts: { status: 'FINISHED' | 'FAILED' | 'KILLED' }) =>
      ctx.print(await (await runsModule()).endRun(await ctx.tracker(), id, opts.status)),
    );
}
