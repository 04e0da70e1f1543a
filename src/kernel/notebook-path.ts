/**
 * The path of the notebook a kernel runs, for `mlflow.source.name`. Jupyter does not tell kernels, so it is found:
 * under a Notebook server, from the server's sessions (the server is the kernel's parent and lists its URL and token
 * in its runtime file); under nbconvert / nbclient, from the parent's command line. Linux-only sources; undefined
 * elsewhere or when not found.
 */
import { readFile, readlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { textOf } from '../core/format.js';

/** Jupyter's runtime folders, where servers write nbserver-<pid>.json. */
export function runtimeDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const data = env['JUPYTER_DATA_DIR'] ?? join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'jupyter');
  return [...new Set([env['JUPYTER_RUNTIME_DIR'], join(data, 'runtime')].filter((d): d is string => Boolean(d)))];
}

/** The kernel id Jupyter put in the connection file's name (kernel-<id>.json). */
export const kernelIdOf = (connectionFile: string): string | undefined =>
  /^kernel-(.+)\.json$/.exec(basename(connectionFile))?.[1];

export async function findNotebookPath(connectionFile: string, ppid = process.ppid): Promise<string | undefined> {
  return (await fromServer(connectionFile, ppid)) ?? (await fromCommandLine(ppid));
}

async function fromServer(connectionFile: string, ppid: number): Promise<string | undefined> {
  const id = kernelIdOf(connectionFile);
  if (!id) return undefined;
  for (const dir of [dirnameOf(connectionFile), ...runtimeDirs()]) {
    const info =
      (await readJson(join(dir, `nbserver-${ppid}.json`))) ?? (await readJson(join(dir, `jpserver-${ppid}.json`)));
    if (!info || typeof info['url'] !== 'string') continue;
    try {
      const res = await fetch(`${info['url']}api/sessions`, {
        headers: { Authorization: `token ${textOf(info['token'])}` },
      });
      const sessions = (await res.json()) as {
        path?: string;
        notebook?: { path?: string };
        kernel?: { id?: string };
      }[];
      const mine = sessions.find((s) => s.kernel?.id === id);
      const path = mine?.path ?? mine?.notebook?.path;
      if (path) return resolve(textOf(info['root_dir'] ?? info['notebook_dir'], '.'), path);
    } catch {
      // the server is busy or gone: fall back to the other sources
    }
  }
  return undefined;
}

/** `jupyter nbconvert --execute a.ipynb` (or any parent whose arguments name one notebook in the kernel's folder). */
async function fromCommandLine(ppid: number): Promise<string | undefined> {
  try {
    const argv = (await readFile(`/proc/${ppid}/cmdline`, 'utf8')).split('\0');
    // inputs only: not options, not the value of --output
    const args = argv.filter(
      (a, i) => a.endsWith('.ipynb') && !a.startsWith('-') && !/^--output(-dir)?$/.test(argv[i - 1] ?? ''),
    );
    const cwd = await readlink(`/proc/${ppid}/cwd`);
    const paths = args.map((a) => resolve(cwd, a)).filter((p) => existsSync(p));
    const here = paths.filter((p) => resolve(p, '..') === process.cwd());
    return here.length === 1 ? here[0] : paths.length === 1 ? paths[0] : undefined;
  } catch {
    return undefined;
  }
}

const dirnameOf = (file: string): string => resolve(file, '..');

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
