/** The `import` and `export` commands: definitions only; src/cli/commands/transfer.ts loads when one runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { ImportOptions, TransferCommandOptions } from './commands/transfer.js';

const transfer = () => import('./commands/transfer.js');

/** Adds `tracklab import SRC... [--into DST]` and `tracklab export DST`. */
export function addTransferCommands(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('copy experiments, runs, artifacts and models from other stores into this one')
    .argument('<sources...>', 'store folders or URIs (an mlruns folder, a tracklab folder, mlruns:PATH, ...)')
    .option('--into <store>', 'destination store (default: --store, else the default store)')
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (sources: string[], opts: ImportOptions) =>
      ctx.print(await (await transfer()).importStores(ctx.store, sources, opts)),
    );
  program
    .command('export')
    .description('copy this store into another (e.g. mlruns:./mlruns for MLflow)')
    .argument('<destination>', "store folder or URI; a new folder named mlruns, or mlruns:PATH, gets MLflow's layout")
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (destination: string, opts: TransferCommandOptions) =>
      ctx.print(await (await transfer()).exportStore(ctx.store, destination, opts)),
    );
}
