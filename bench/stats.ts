/** Small helpers shared by the benchmark scripts. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export async function timeIt(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** A temp folder on the same disk as everything else in /tmp; removed by the returned function. */
export function scratch(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Python with MLflow importable (../shared/mlflow-server/python.sh beside the checkout or a worktree, or
 * $TRACKLAB_MLFLOW_SERVER_DIR), or undefined: suites then measure tracklab alone and say so.
 */
export function mlflowPython(): string | undefined {
  const repo = join(import.meta.dirname, '..');
  return [
    process.env['TRACKLAB_MLFLOW_SERVER_DIR'],
    join(repo, '..', 'shared', 'mlflow-server'),
    join(repo, '..', '..', 'shared', 'mlflow-server'),
  ]
    .filter((d): d is string => d !== undefined)
    .map((d) => join(d, 'python.sh'))
    .find((p) => existsSync(p));
}

/** A numeric command-line option `--name N` of a bench script, or `dflt` when it is not given. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** CPU milliseconds (user + sys) of the children waited for so far, or NaN where /proc is missing (Linux only). */
export function childCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
