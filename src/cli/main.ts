#!/usr/bin/env node
/**
 * The `tracklab` command. It only defines the commands here; each command's module (and the tracker, the report,
 * Jupyter) loads when that command runs, so `--version` and `--help` stay close to a bare Node start. Errors print one
 * line on stderr and exit with the status of their code (README, "Exit statuses"); no stack traces.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_STATUS, TracklabError } from '../core/errors.js';
import { TRACKLAB_VERSION } from '../core/version.js';
import { createCliContext, type CliContext } from './context.js';
import { cliMessages as msg } from './messages.js';
import { addNotebookCommands } from './notebook-commands.js';
import { addProjectCommands } from './project-commands.js';
import { addRegistryCommands } from './registry-commands.js';
import { addReportCommand } from './report-command.js';
import { addTrackingCommands } from './tracking-commands.js';
import { installSafeOutput } from './terminal-text.js';
import { addSyncCommand } from './sync-command.js';
import { addTransferCommands } from './transfer-commands.js';

/** The commander program with every command wired to `ctx` (default: a context reading the global `--store`). */
export function buildProgram(ctx?: CliContext): { program: Command; ctx: CliContext } {
  const program = new Command('tracklab')
    .description('experiment tracking for TypeScript notebooks')
    .version(TRACKLAB_VERSION)
    .option('--store <dir>', 'store folder or URI (default: $TRACKLAB_STORE, else ./tracklab next to package.json)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const context = ctx ?? createCliContext(() => program.opts<{ store?: string }>().store);
  addTrackingCommands(program, context);
  addRegistryCommands(program, context);
  addReportCommand(program, context);
  addTransferCommands(program, context);
  addSyncCommand(program, context);
  addNotebookCommands(program, context);
  addProjectCommands(program, context);
  program
    .command('doctor')
    .description(
      'check every file of the store (also mlruns and mlflow.db); --repair fixes what is safe, after a backup',
    )
    .option(
      '--repair',
      'cut torn last lines, remove stale locks, dead temp files and a bad cache, rebuild a lost experiment list',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { repair?: boolean; json?: boolean }) => {
      const { doctor } = await import('./doctor-command.js');
      const { text, status } = await doctor(context.store, opts);
      context.print(text);
      process.exitCode = status;
    });
  return { program, ctx: context };
}

/** Runs the CLI on `argv` (process.argv shape) and resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  installSafeOutput();
  stopQuietlyWhenReaderCloses();
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return exitStatus(error);
  } finally {
    await ctx.close().catch((error: unknown) => {
      process.exitCode = exitStatus(error);
    });
  }
}

/**
 * `tracklab runs list | head`: once the reader has closed the pipe nothing more can be shown, so stop as
 * `git log | head` does, without a stack trace. Commands that write to the store have done so before they print.
 */
function stopQuietlyWhenReaderCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

/** Prints the error's one line (commander printed its own) and returns the exit status for it. */
function exitStatus(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_STATUS.INVALID_PARAMETER_VALUE;
  if (error instanceof TracklabError) {
    process.stderr.write(`${error.message}\n`);
    return EXIT_STATUS[error.code];
  }
  process.stderr.write(`tracklab: ${msg.unexpected(error instanceof Error ? error.message : String(error))}\n`);
  return 1;
}

void main(process.argv).then((code) => {
  process.exitCode ??= code;
});
