/** The `sync` command: definition only; src/cli/commands/sync.ts (and the REST client) load when it runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Adds `tracklab sync`. */
export function addSyncCommand(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('replay runs logged while the MLflow server was unreachable (exactly once)')
    .action(async () => ctx.print(await (await import('./commands/sync.js')).sync(ctx.store)));
}
