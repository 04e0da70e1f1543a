/** `tracklab kernel install|uninstall` and `tracklab exec`, registered on the CLI's commander program. */
import type { Command } from 'commander';
import { CellExecutionError, execNotebook } from '../exec/exec-notebook.js';
import { installKernel, uninstallKernel } from '../kernel/kernelspec.js';
import { collect } from './options.js';
import { TracklabError } from '../core/errors.js';

/** `--timeout` as seconds; anything but a positive number is refused before Jupyter starts. */
function parseTimeout(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new TracklabError('INVALID_PARAMETER_VALUE', `--timeout must be a positive number of seconds, got ${JSON.stringify(text)}`);
  }
  return n;
}


/**
 * Adds the notebook commands to `program` (the lead's CLI calls this once).
 *
 * @example
 * addNotebookCommands(program); // tracklab kernel install --prefix .jupyter; tracklab exec nb.ipynb -p lr=0.1
 */
export function addNotebookCommands(program: Command): void {
  const kernel = program.command('kernel').description('the tracklab Jupyter kernel (TypeScript with tracking magics)');
  kernel.command('install')
    .description('register the "tracklab" kernelspec with Jupyter')
    .option('--prefix <dir>', 'install into <dir>/share/jupyter/kernels (default: your user Jupyter folder)')
    .option('--python <path>', 'the Python that has Jupyter (default /usr/bin/python3 or python3)')
    .action(async (o: { prefix?: string; python?: string }) => {
      const r = await installKernel(o);
      process.stdout.write(`installed kernelspec ${r.name} in ${r.location}\n`);
    });
  kernel.command('uninstall')
    .description('remove the "tracklab" kernelspec')
    .option('--prefix <dir>', 'remove it from <dir>/share/jupyter/kernels')
    .option('--python <path>', 'the Python that has Jupyter')
    .action(async (o: { prefix?: string; python?: string }) => {
      const r = await uninstallKernel(o);
      process.stdout.write(`removed kernelspec ${r.name} (${r.location})\n`);
    });
  program.command('exec')
    .description('run a notebook headless through Jupyter, with papermill-style parameters')
    .argument('<notebook>', 'the .ipynb file')
    .option('-p, --param <name=value>', 'set a variable the "parameters" cell declares with let (JSON or text); repeatable', collect, [])
    .option('--out <file>', 'where to write the executed notebook (default <notebook>.executed.ipynb)')
    .option('--kernel <name>', 'kernelspec to run', 'tracklab')
    .option('--timeout <seconds>', 'per-cell timeout', parseTimeout, 600)
    .option('--server <url>', 'use this Jupyter server instead of starting one on 127.0.0.1')
    .option('--token <token>', 'token for --server')
    .option('--python <path>', 'the Python that has Jupyter, for the server this starts')
    .action(async (notebook: string, o: { param: string[]; out?: string; kernel: string; timeout: number; server?: string; token?: string; python?: string }, cmd: Command) => {
      const store = cmd.optsWithGlobals<{ store?: string }>().store;
      // Ctrl-C or a CI timeout: exit through process 'exit', which stops the Jupyter server this started
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
      const result = await execNotebook({
        notebook, params: o.param, kernel: o.kernel, timeout: o.timeout,
        ...(o.out ? { out: o.out } : {}), ...(o.server ? { server: o.server } : {}), ...(o.token ? { token: o.token } : {}),
        ...(o.python ? { python: o.python } : {}), ...(store ? { store } : {}),
        log: (line) => process.stderr.write(`tracklab exec: ${line}\n`),
      });
      if (!result.ok) throw new CellExecutionError(result);
      process.stdout.write(`executed ${result.cellsRun} cells; wrote ${result.out}\n`);
    });
}
