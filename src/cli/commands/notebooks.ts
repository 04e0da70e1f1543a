/** `tracklab kernel install|uninstall` and `tracklab exec`. */
import { CellExecutionError, execNotebook } from '../../exec/exec-notebook.js';
import { installKernel, uninstallKernel } from '../../kernel/kernelspec.js';

export interface KernelOptions {
  prefix?: string;
  python?: string;
  name?: string;
  displayName?: string;
  replace?: boolean;
}
export interface ExecCommandOptions {
  param: string[];
  out?: string;
  kernel: string;
  timeout: number;
  server?: string;
  token?: string;
  python?: string;
}

/** Registers the "tracklab" kernelspec with Jupyter. */
export async function kernelInstall(opts: KernelOptions): Promise<string> {
  const r = await installKernel(opts);
  return `installed kernelspec ${r.name} in ${r.location}${r.hint ? `\n${r.hint}` : ''}`;
}

/** Removes the "tracklab" kernelspec. */
export async function kernelUninstall(opts: KernelOptions): Promise<string> {
  const r = await uninstallKernel(opts);
  return `removed kernelspec ${r.name} (${r.location})`;
}

/** Runs a notebook headless; a failing cell throws CellExecutionError after the executed notebook is written. */
export async function execCommand(store: string | undefined, notebook: string, o: ExecCommandOptions): Promise<string> {
  // Ctrl-C or a CI timeout: exit through process 'exit', which stops the Jupyter server this started
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }
  const result = await execNotebook({
    notebook,
    params: o.param,
    kernel: o.kernel,
    timeout: o.timeout,
    ...(o.out ? { out: o.out } : {}),
    ...(o.server ? { server: o.server } : {}),
    ...(o.token ? { token: o.token } : {}),
    ...(o.python ? { python: o.python } : {}),
    ...(store ? { store } : {}),
    log: (line) => process.stderr.write(`tracklab exec: ${line}\n`),
  });
  if (!result.ok) throw new CellExecutionError(result);
  return `executed ${result.cellsRun} cells; wrote ${result.out}`;
}
