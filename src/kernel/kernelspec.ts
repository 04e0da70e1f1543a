/** Registering the `tracklab` kernelspec with Jupyter, and writing one into a private JUPYTER_PATH for `tracklab exec`. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badState, TracklabError } from '../core/errors.js';
import { kernelMessages as msg } from './messages.js';

export const KERNEL_NAME = 'tracklab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (tracklab)';

export interface KernelInstallOptions {
  /** installs into {prefix}/share/jupyter/kernels/tracklab; default the user's Jupyter data folder */
  prefix?: string;
  /** the Python that has Jupyter; default /usr/bin/python3 when it exists, else python3 */
  python?: string;
}

export interface KernelInstallResult {
  name: string;
  /** the folder Jupyter reported, or the prefix folder */
  location: string;
}

/** Absolute path of the compiled kernel script (dist/kernel/kernel-main.js), also when running from src/. */
export function kernelMainPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'kernel-main.js');
  if (existsSync(sibling)) return sibling;
  const built = resolve(here, '..', '..', 'dist', 'kernel', 'kernel-main.js');
  if (existsSync(built)) return built;
  throw badState(`the compiled kernel ${built} is missing; run npm run build first`);
}

/** The kernel.json contents: node + the compiled kernel script, language TypeScript. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, kernelMainPath(), '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { tracklab: true },
  };
}

/** Writes `<jupyterDir>/kernels/tracklab/kernel.json` directly (no Python needed); returns the kernel folder. */
export async function writeKernelSpec(jupyterDir: string): Promise<string> {
  const dir = join(jupyterDir, 'kernels', KERNEL_NAME);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'kernel.json'), `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  return dir;
}

export const defaultPython = (): string =>
  process.platform === 'win32' ? 'python' : existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Registers the `tracklab` kernelspec with `jupyter kernelspec install` (user folder, or `--prefix`).
 *
 * @example
 * await installKernel({ prefix: '.jupyter' }); // then JUPYTER_PATH=.jupyter/share/jupyter jupyter notebook
 */
export async function installKernel(options: KernelInstallOptions = {}): Promise<KernelInstallResult> {
  const staging = await mkdtemp(join(tmpdir(), 'tracklab-kernelspec-'));
  try {
    const specDir = await writeKernelSpec(staging);
    const where = options.prefix ? [`--prefix=${resolve(options.prefix)}`] : ['--user'];
    const out = await jupyter(options.python, ['kernelspec', 'install', '--replace', `--name=${KERNEL_NAME}`, ...where, specDir]);
    const location = /installed kernelspec \S+ in (.+)$/im.exec(out)?.[1]?.trim()
      ?? join(resolve(options.prefix ?? '~'), 'share', 'jupyter', 'kernels', KERNEL_NAME);
    return { name: KERNEL_NAME, location };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes the `tracklab` kernelspec (from `prefix` when given). */
export async function uninstallKernel(options: KernelInstallOptions = {}): Promise<KernelInstallResult> {
  if (options.prefix) {
    const dir = join(resolve(options.prefix), 'share', 'jupyter', 'kernels', KERNEL_NAME);
    if (!existsSync(dir)) throw new TracklabError('RESOURCE_DOES_NOT_EXIST', `no tracklab kernelspec in ${dir}`);
    await rm(dir, { recursive: true, force: true });
    return { name: KERNEL_NAME, location: dir };
  }
  const out = await jupyter(options.python, ['kernelspec', 'remove', '-f', KERNEL_NAME]);
  return { name: KERNEL_NAME, location: /Removed (.+)$/im.exec(out)?.[1]?.trim() ?? KERNEL_NAME };
}

function jupyter(python: string | undefined, args: string[]): Promise<string> {
  const py = python ?? defaultPython();
  return new Promise((resolvePromise, reject) => {
    execFile(py, ['-m', 'jupyter', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (error) reject(new TracklabError('IO_ERROR', msg.pythonFailed(`${py} -m jupyter ${args.join(' ')}`, out || error.message), { cause: error }));
      else resolvePromise(out);
    });
  });
}
