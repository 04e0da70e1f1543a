#!/usr/bin/env node
/** The `tracklab` command. Errors print one line on stderr and exit non-zero; no stack traces. */
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS, TracklabError } from '../core/errors.js';
import { TRACKLAB_VERSION } from '../core/version.js';
import { Tracker } from '../tracker.js';
import { addTrackingCommands } from './tracking-commands.js';
import { addRegistryCommands } from './registry-commands.js';
import { addReportCommand } from './report-command.js';
import { addSyncCommand } from './sync-command.js';
import { addTransferCommands } from './transfer-commands.js';
import { addNotebookCommands, CellExecutionError } from '../kernel-magics/index.js';

export function buildProgram(): Command {
  const program = new Command('tracklab')
    .description('experiment tracking for TypeScript notebooks')
    .version(TRACKLAB_VERSION)
    .option('--store <dir>', 'store folder or URI (default: $TRACKLAB_STORE, else ./tracklab next to package.json)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  let tracker: Tracker | undefined;
  const open = async (): Promise<Tracker> => {
    tracker ??= await Tracker.open({ ...(program.opts<{ store?: string }>().store ? { store: program.opts<{ store: string }>().store } : {}) });
    return tracker;
  };
  addTrackingCommands(program, open);
  addRegistryCommands(program, open);
  addReportCommand(program);
  addSyncCommand(program);
  addTransferCommands(program);
  addNotebookCommands(program);
  program.hook('postAction', async () => { await tracker?.close(); });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CellExecutionError) {
      process.stderr.write(`tracklab: ${error.message}\n`);
      return 1;
    }
    if (error instanceof TracklabError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_STATUS[error.code];
    }
    process.stderr.write(`tracklab: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => { process.exitCode = code; });
