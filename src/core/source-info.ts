/**
 * Where a run comes from: user, script or notebook, git state, runtime versions. Computed once per process and folder.
 */
import { dirname, join, resolve } from 'node:path';
import { TAGS } from './entities.js';
import { PROJECT_TAGS } from './reproduction.js';
import { TRACKLAB_VERSION } from './version.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const { arch, platform, release, userInfo } = process.getBuiltinModule('node:os');
const { fileURLToPath } = process.getBuiltinModule('node:url');

export interface GitInfo {
  commit: string;
  branch: string;
  repoURL: string;
  dirty: boolean;
}

export type SourceType = 'NOTEBOOK' | 'JOB' | 'PROJECT' | 'LOCAL' | 'UNKNOWN';

const gitCache = new Map<string, GitInfo | null>();

function git(cwd: string, args: string[]): string | undefined {
  try {
    // loaded when git is asked: opening a store or listing runs never needs a child process
    return process
      .getBuiltinModule('node:child_process')
      .execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      })
      .trim();
  } catch {
    return undefined;
  }
}

/** The git state of `cwd`, or null outside a repository (or without git). */
export function gitInfo(cwd: string): GitInfo | null {
  const key = resolve(cwd);
  if (gitCache.has(key)) return gitCache.get(key) ?? null;
  const commit = git(key, ['rev-parse', 'HEAD']);
  const info =
    commit === undefined
      ? null
      : {
          commit,
          branch: git(key, ['rev-parse', '--abbrev-ref', 'HEAD']) ?? '',
          repoURL: git(key, ['config', '--get', 'remote.origin.url']) ?? '',
          dirty: (git(key, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
        };
  gitCache.set(key, info);
  return info;
}

/** Seeds the cache gitInfo reads, for a caller that asked git itself (a run's start then spawns no git). */
export function rememberGitInfo(cwd: string, info: GitInfo | null): void {
  gitCache.set(resolve(cwd), info);
}

export function currentUser(): string {
  try {
    return process.env['TRACKLAB_USER'] ?? userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

/** The script that started this process, as MLflow records `mlflow.source.name`. */
export function defaultSourceName(): string {
  const script = process.argv[1];
  return script ? resolve(script) : '<unknown>';
}

/** The nearest folder at or above `cwd` holding a package.json, or undefined. */
function packageRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** sha256 of a file's bytes, hex. */
export function fileSha256(file: string): string {
  const { createHash } = process.getBuiltinModule('node:crypto'); // only when a file is hashed
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const lockCache = new Map<string, { file: string; sha256: string } | null>();

/**
 * The package-lock.json of the package `cwd` is in, with its hash; null when there is none. Looked up once per
 * process and folder, like the git state: every run's start asks.
 */
export function lockfileInfo(cwd: string): { file: string; sha256: string } | null {
  const key = resolve(cwd);
  const known = lockCache.get(key);
  if (known !== undefined) return known;
  const root = packageRoot(key);
  const file = root === undefined ? undefined : join(root, 'package-lock.json');
  const info = file === undefined || !existsSync(file) ? null : { file, sha256: fileSha256(file) };
  lockCache.set(key, info);
  return info;
}

/** This module's file as the V8 stack trace names it (import.meta is not allowed here). */
function ownFile(): string {
  const hit = /((?:file:\/\/)?\/[^\s():]*\/core\/source-info\.[cm]?[jt]s)/.exec(new Error().stack ?? '')?.[1];
  if (hit === undefined) throw new Error('no stack frame of source-info');
  return hit.startsWith('file://') ? fileURLToPath(hit) : hit;
}

let tslabVersionCache: string | null | undefined;

/** The version of tslab the project resolves (else the one beside tracklab), or null when it is not installed. */
export function tslabVersion(cwd: string): string | null {
  if (tslabVersionCache !== undefined) return tslabVersionCache;
  tslabVersionCache = null;
  const project = join(resolve(cwd), 'package.json');
  // the project's own tslab, else the one installed beside tracklab (no import.meta: notebooks require this file)
  const places = [(): string => project, ownFile];
  for (const place of places) {
    try {
      const file = createRequire(place()).resolve('tslab/package.json');
      tslabVersionCache = (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
      break;
    } catch {
      // not resolvable from here; try the next place
    }
  }
  return tslabVersionCache;
}

/** e.g. "linux 6.1.0-18-amd64 x64" */
export const osDescription = (): string => `${platform()} ${release()} ${arch()}`;

/** System tags every run gets at start. */
export function sourceTags(opts: {
  sourceName: string;
  sourceType: SourceType;
  user: string;
  cwd: string;
}): Record<string, string> {
  const tags: Record<string, string> = {
    [TAGS.user]: opts.user,
    [TAGS.sourceName]: opts.sourceName,
    [TAGS.sourceType]: opts.sourceType,
    [TAGS.nodeVersion]: process.version,
    [TAGS.tracklabVersion]: TRACKLAB_VERSION,
    [PROJECT_TAGS.os]: osDescription(),
  };
  const tslab = tslabVersion(opts.cwd);
  if (tslab) tags[PROJECT_TAGS.tslabVersion] = tslab;
  const lock = lockfileInfo(opts.cwd);
  if (lock) tags[PROJECT_TAGS.lockfileHash] = lock.sha256;
  const info = gitInfo(opts.cwd);
  if (info) {
    tags[TAGS.gitCommit] = info.commit;
    if (info.branch) tags[TAGS.gitBranch] = info.branch;
    if (info.repoURL) tags[TAGS.gitRepoURL] = info.repoURL;
    tags[TAGS.gitDirty] = String(info.dirty);
  }
  return tags;
}
