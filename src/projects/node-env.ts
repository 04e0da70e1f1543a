/**
 * The environment of a TypeScript project is its lockfile (`node_env: package-lock.json`): checked before a run,
 * installed with `npm ci` before a re-run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { badState, invalid, notFound, TracklabError } from '../core/errors.js';
import { fileSha256 } from '../core/source-info.js';
import { projectMessages as msg } from './messages.js';

interface LockPackage {
  version?: string;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
}
interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockPackage>;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(msg.fileMissing(what, file));
    throw invalid(msg.fileNotJson(what, file, (error as Error).message));
  }
}

/**
 * Checks that `lockfile` (relative to `dir`) exists, agrees with package.json, and is what node_modules holds;
 * returns its sha256. Each failure names the file and the npm command that fixes it.
 */
export function checkNodeEnv(dir: string, lockfile: string): { file: string; sha256: string } {
  const file = join(dir, lockfile);
  const lock = readJson<Lockfile>(file, 'the lockfile named by node_env,');
  const root = lock.packages?.[''];
  if ((lock.lockfileVersion ?? 1) < 2 || root === undefined) {
    const version = lock.lockfileVersion ?? 1;
    throw invalid(msg.lockfileTooOld(file, version));
  }
  const pkg = readJson<Record<string, Record<string, string> | undefined>>(join(dir, 'package.json'), 'package.json');
  for (const field of DEP_FIELDS) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      const locked = (root as Record<string, Record<string, string> | undefined>)[field]?.[name];
      if (locked !== range) {
        throw badState(msg.lockfileOutOfDate(file, name, range, locked));
      }
    }
  }
  const problem = installedMismatch(dir, lock);
  if (problem) throw badState(msg.installMismatch(dir, lockfile, problem));
  return { file, sha256: fileSha256(file) };
}

/** Why node_modules (its hidden lockfile, written by npm) differs from the lockfile, or undefined when it does not. */
function installedMismatch(dir: string, lock: Lockfile): string | undefined {
  const wanted = Object.entries(lock.packages ?? {}).filter(
    ([path, p]) => path.startsWith('node_modules/') && !p.optional,
  );
  if (wanted.length === 0) return undefined;
  const hiddenFile = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(hiddenFile)) return 'nothing is installed';
  const installed = readJson<Lockfile>(hiddenFile, "npm's record of node_modules").packages ?? {};
  for (const [path, p] of wanted) {
    const have = installed[path];
    const name = path.slice('node_modules/'.length);
    if (have === undefined) return `${name} is not installed`;
    if (!p.link && have.version !== p.version) return `${name} is ${have.version}, the lockfile has ${p.version}`;
  }
  return undefined;
}

/**
 * Installs the environment of the project at `dir` for a re-run: its lockfile must hash to `sha256`. When the project
 * at `reuseFrom` has the same lockfile installed, its node_modules is linked instead of installed again (environments
 * are keyed by their lockfile's hash, as MLflow keys conda environments); otherwise `npm ci` runs.
 */
export function installNodeEnv(
  dir: string,
  lockfile: string,
  sha256: string | undefined,
  reuseFrom?: string,
): 'linked' | 'installed' {
  const file = join(dir, lockfile);
  if (!existsSync(file)) {
    throw notFound(msg.lockfileNotAtCommit(lockfile, dir));
  }
  const actual = fileSha256(file);
  if (sha256 !== undefined && actual !== sha256) {
    throw badState(msg.lockfileHashDiffers(lockfile, actual, sha256));
  }
  if (reuseFrom !== undefined && canReuse(reuseFrom, lockfile, actual)) {
    symlinkSync(join(reuseFrom, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return 'linked';
  }
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
  if (r.error) throw new TracklabError('IO_ERROR', msg.npmMissing(r.error.message));
  if (r.status !== 0) {
    const last = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-2)
      .join(' / ');
    throw badState(msg.npmFailed(dir, last || `exit ${r.status}`));
  }
  return 'installed';
}

function canReuse(dir: string, lockfile: string, sha256: string): boolean {
  const file = join(dir, lockfile);
  if (!existsSync(file) || !existsSync(join(dir, 'node_modules', '.package-lock.json'))) return false;
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as Lockfile;
    return fileSha256(file) === sha256 && installedMismatch(dir, lock) === undefined;
  } catch {
    return false;
  }
}
