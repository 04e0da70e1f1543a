/** The `kernel` and `exec` commands: definitions only; Jupyter and tslab load when one of them runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { collect, positiveSeconds } from './options.js';
import type { ExecCommandOptions, KernelOptions } from './commands/notebooks.js';

const notebooks = () => import('./commands/notebooks.js');

/**
 * Adds `tracklab kernel install|uninstall` and `tracklab exec`.
 *
 * @example
 * addNotebookCommands(program, ctx); // tracklab kernel install --prefix .jupyter; tracklab exec nb.ipynb -p lr=0.1
 */
export function addNotebookCommands(program: Command, ctx: CliContext): void {
  const kernel = program.command('kernel').description('the tracklab Jupyter kernel (TypeScript with tracking magics)');
  kernel
    .command('install')
    .description('register the "tracklab" kernelspec with Jupyter')
    .option('--prefix <dir>', 'install into <dir>/share/jupyter/kernels (default: your user Jupyter folder)')
    .option('--python <path>', 'the Python that has Jupyter (default /usr/bin/python3 or python3)')
    .option('--name <name>', 'kernelspec name, e.g. one per project (default tracklab)')
    .option('--display-name <text>', 'the name the kernel menu shows')
    .option('--replace', 'replace a kernelspec of that name that runs another tracklab')
    .action(async (o: KernelOptions) => ctx.print(await (await notebooks()).kernelInstall(o)));
  kernel
    .command('uninstall')
    .description('remove the "tracklab" kernelspec')
    .option('--prefix <dir>', 'remove it from <dir>/share/jupyter/kernels')
    .option('--name <name>', 'kernelspec name (default tracklab)')
    .option('--python <path>', 'the Python that has Jupyter')
    .action(async (o: KernelOptions) => ctx.print(await (await notebooks()).kernelUninstall(o)));
  program
    .command('exec')
    .description('run a notebook headless through Jupyter, with papermill-style parameters')
    .argument('<notebook>', 'the .ipynb file')
    .option(
      '-p, --param <name=value>',
      'set a variable the "parameters" cell declares with let (JSON or text); repeatable',
      collect,
      [],
    )
    .option('--out <file>', 'where to write the executed notebook (default <notebook>.executed.ipynb)')
    .option('--kernel <name>', 'kernelspec to run', 'tracklab')
    .option('--timeout <seconds>', 'per-cell timeout', positiveSeconds('--timeout'), 600)
    .option('--server <url>', 'use this Jupyter server instead of starting one on 127.0.0.1')
    .option('--token <token>', 'token for --server')
    .option('--python <path>', 'the Python that has Jupyter, for the server this starts')
    .action(async (notebook: string, o: ExecCommandOptions) =>
      ctx.print(await (await notebooks()).execCommand(ctx.store, notebook, o)),
    );
}
