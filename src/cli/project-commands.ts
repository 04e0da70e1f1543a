/** `tracklab run [ENTRY] -P k=v` and `tracklab reproduce RUN_ID`. Both set process.exitCode rather than exit. */
import type { Command } from 'commander';
import { describeReproduction, reproduceCommand } from '../core/reproduction.js';
import type { CliContext } from './context.js';
import { collect } from './options.js';
import { formatTable } from './table.js';

interface RunFlags {
  param?: string[];
  experiment?: string;
  runName?: string;
  projectDir?: string;
}
interface ReproduceFlags {
  into?: string;
  rtol?: string;
  freshEnv?: boolean;
  quiet?: boolean;
}

/** Registers `run` and `reproduce`; both read the global --store from `ctx`. */
export function addProjectCommands(program: Command, ctx: CliContext): void {
  program
    .command('run [entry]')
    .description('run an MLproject entry point (default "main") as one tracked run')
    .option('-P, --param <name=value>', 'a parameter of the entry point (repeatable)', collect)
    .option('--experiment <name>', 'experiment of the run (default: the project name)')
    .option('--run-name <name>', 'name of the run')
    .option('--project-dir <dir>', 'folder of the MLproject file (default: the working directory or above)')
    .action(async (entry: string | undefined, flags: RunFlags) => {
      const where = ctx.store;
      // loaded when the command runs, so other commands do not pay for it
      const { runProject } = await import('../projects/run-project.js');
      const result = await runProject({
        ...(entry === undefined ? {} : { entry }),
        params: flags.param ?? [],
        ...(where === undefined ? {} : { store: where }),
        ...(flags.experiment === undefined ? {} : { experiment: flags.experiment }),
        ...(flags.runName === undefined ? {} : { runName: flags.runName }),
        ...(flags.projectDir === undefined ? {} : { projectDir: flags.projectDir }),
        log: (line) => process.stderr.write(`  ${line}\n`),
      });
      const again = reproduceCommand(result.runId);
      process.stderr.write(`tracklab: run ${result.runId} ${result.status}; re-create it with: ${again}\n`);
      process.exitCode = result.exitCode;
    });
  program
    .command('reproduce <runId>')
    .description('re-run a run from its recorded commit, diff, lockfile and parameters, and compare')
    .option('--into <store>', "store folder or URI for the re-run (default: the run's own store)")
    .option('--rtol <x>', 'relative tolerance for final metric values (default 0: exact)')
    .option('--fresh-env', 'run npm ci even when the same lockfile is installed in this clone')
    .option('--quiet', "hide the re-run's own output")
    .action(async (runId: string, flags: ReproduceFlags) => {
      const where = ctx.store;
      const { differencesTable, reproduceRun } = await import('../projects/reproduce-run.js');
      const result = await reproduceRun({
        runId,
        ...(where === undefined ? {} : { store: where }),
        ...(flags.into === undefined ? {} : { into: flags.into }),
        ...(flags.rtol === undefined ? {} : { rtol: Number(flags.rtol) }),
        ...(flags.freshEnv ? { freshEnv: true } : {}),
        ...(flags.quiet ? { stdio: 'ignore' as const } : {}),
        log: (line) => process.stderr.write(`  ${line}\n`),
      });
      if (result.differences.length > 0) {
        const header = ['KIND', 'KEY', 'ORIGINAL', 'REPRODUCED', 'DIFFERENCE'];
        ctx.print(formatTable(header, differencesTable(result.differences)));
      }
      ctx.print(`${result.status === 'matched' ? 'reproduced' : 'not reproduced'}: ${describeReproduction(result)}`);
      process.exitCode = result.status === 'matched' ? 0 : 1;
    });
}
