/**
 * Registering the `tracklab` kernelspec with Jupyter, and writing one into a private JUPYTER_PATH for `tracklab exec`.
 */
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
  /** installs into {prefix}/share/jupyter/kernels/<name>; default the user's Jupyter data folder */
  prefix?: string;
  /** the kernelspec's name (one per project, e.g. tracklab-course); default `tracklab` */
  name?: string;
  /** the name the notebook's kernel menu shows; default "TypeScript (tracklab)", or with the name when one is given */
  displayName?: string;
  /** replace a kernelspec of that name that points at another tracklab; default false (refused) */
  replace?: boolean;
  /** the Python that has Jupyter; default /usr/bin/python3 when it exists, else python3 */
  python?: string;
}

export interface KernelInstallResult {
  name: string;
  /** the folder Jupyter reported, or the prefix folder */
  location: string;
  /** what to do before Jupyter sees a --prefix install: set JUPYTER_PATH */
  hint?: string;
}

/** Absolute path of the compiled kernel script (dist/kernel/kernel-main.js), also when running from src/. */
export function kernelMainPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'kernel-main.js');
  if (existsSync(sibling)) return sibling;
  const built = resolve(here, '..', '..', 'dist', 'kernel', 'kernel-main.js');
  if (existsSync(built)) return built;
  throw badState(msg.kernelNotBuilt(built));
}

/** The kernel.json contents: node + the compiled kernel script, language TypeScript. */
export function kernelSpec(displayName = KERNEL_DISPLAY_NAME): Record<string, unknown> {
  return {
    argv: [process.execPath, kernelMainPath(), '--config-path', '{connection_file}'],
    display_name: displayName,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { tracklab: true },
  };
}

/** Writes `<jupyterDir>/kernels/tracklab/kernel.json` directly (no Python needed); returns the kernel folder. */
export async function writeKernelSpec(
  jupyterDir: string,
  name = KERNEL_NAME,
  displayName = KERNEL_DISPLAY_NAME,
): Promise<string> {
  const dir = join(jupyterDir, 'kernels', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'kernel.json'), `${JSON.stringify(kernelSpec(displayName), null, 2)}\n`);
  return dir;
}

/** The kernel script an installed kernelspec of that name runs, if there is one (from `jupyter kernelspec list`). */
async function installedScript(
  python: string | undefined,
  name: string,
  prefix: string | undefined,
): Promise<string | undefined> {
  const env: Record<string, string> = prefix ? { JUPYTER_PATH: join(resolve(prefix), 'share', 'jupyter') } : {};
  const out = await jupyter(python, ['kernelspec', 'list', '--json'], env).catch(() => '{}');
  type Listed = Record<string, { resource_dir?: string; spec?: { argv?: string[] } }>;
  const found = (
    JSON.parse(out.slice(Math.max(0, out.indexOf('{')), out.lastIndexOf('}') + 1) || '{}') as { kernelspecs?: Listed }
  ).kernelspecs?.[name];
  if (!found?.spec?.argv) return undefined;
  // a --prefix install only replaces what is in that prefix
  if (prefix && !resolve(found.resource_dir ?? '').startsWith(resolve(prefix))) return undefined;
  return found.spec.argv[1] ?? '';
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
  const name = options.name ?? KERNEL_NAME;
  if (!/^[a-z0-9._-]+$/i.test(name)) throw new TracklabError('INVALID_PARAMETER_VALUE', msg.badKernelName(name));
  const display = options.displayName ?? (name === KERNEL_NAME ? KERNEL_DISPLAY_NAME : `TypeScript (${name})`);
  const existing = await installedScript(options.python, name, options.prefix);
  if (existing !== undefined && existing !== kernelMainPath() && !options.replace) {
    throw new TracklabError('RESOURCE_ALREADY_EXISTS', msg.kernelExists(name, existing));
  }
  const staging = await mkdtemp(join(tmpdir(), 'tracklab-kernelspec-'));
  try {
    const specDir = await writeKernelSpec(staging, name, display);
    const where = options.prefix ? [`--prefix=${resolve(options.prefix)}`] : ['--user'];
    const out = await jupyter(options.python, [
      'kernelspec',
      'install',
      '--replace',
      `--name=${name}`,
      ...where,
      specDir,
    ]);
    const location =
      /installed kernelspec \S+ in (.+)$/im.exec(out)?.[1]?.trim() ??
      join(resolve(options.prefix ?? '~'), 'share', 'jupyter', 'kernels', name);
    const hint = options.prefix ? msg.setJupyterPath(join(resolve(options.prefix), 'share', 'jupyter')) : undefined;
    return { name, location, ...(hint ? { hint } : {}) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes the `tracklab` kernelspec (from `prefix` when given). */
export async function uninstallKernel(options: KernelInstallOptions = {}): Promise<KernelInstallResult> {
  const name = options.name ?? KERNEL_NAME;
  if (options.prefix) {
    const dir = join(resolve(options.prefix), 'share', 'jupyter', 'kernels', name);
    if (!existsSync(dir)) throw new TracklabError('RESOURCE_DOES_NOT_EXIST', msg.noKernelspec(name, dir));
    await rm(dir, { recursive: true, force: true });
    return { name, location: dir };
  }
  const out = await jupyter(options.python, ['kernelspec', 'remove', '-f', name]);
  return { name, location: /Removed (.+)$/im.exec(out)?.[1]?.trim() ?? name };
}

function jupyter(python: string | undefined, args: string[], env: Record<string, string> = {}): Promise<string> {
  const py = python ?? defaultPython();
  return new Promise((resolvePromise, reject) => {
    execFile(
      py,
      ['-m', 'jupyter', ...args],
      { encoding: 'utf8', env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        if (error)
          reject(
            new TracklabError(
              'IO_ERROR',
              msg.pythonFailed(`${py} -m jupyter ${args.join(' ')}`, out || error.message),
              { cause: error },
            ),
          );
        else resolvePromise(out);
      },
    );
  });
}
