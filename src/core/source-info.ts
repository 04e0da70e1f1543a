/** Where a run comes from: user, script or notebook, git state, runtime versions. Computed once per process and folder. */
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { TAGS } from './entities.js';
import { TRACKLAB_VERSION } from './version.js';

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
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}

/** The git state of `cwd`, or null outside a repository (or without git). */
export function gitInfo(cwd: string): GitInfo | null {
  const key = resolve(cwd);
  if (gitCache.has(key)) return gitCache.get(key) ?? null;
  const commit = git(key, ['rev-parse', 'HEAD']);
  const info = commit === undefined ? null : {
    commit,
    branch: git(key, ['rev-parse', '--abbrev-ref', 'HEAD']) ?? '',
    repoURL: git(key, ['config', '--get', 'remote.origin.url']) ?? '',
    dirty: (git(key, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
  gitCache.set(key, info);
  return info;
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

/** System tags every run gets at start. */
export function sourceTags(opts: { sourceName: string; sourceType: SourceType; user: string; cwd: string }): Record<string, string> {
  const tags: Record<string, string> = {
    [TAGS.user]: opts.user,
    [TAGS.sourceName]: opts.sourceName,
    [TAGS.sourceType]: opts.sourceType,
    [TAGS.nodeVersion]: process.version,
    [TAGS.tracklabVersion]: TRACKLAB_VERSION,
  };
  const info = gitInfo(opts.cwd);
  if (info) {
    tags[TAGS.gitCommit] = info.commit;
    if (info.branch) tags[TAGS.gitBranch] = info.branch;
    if (info.repoURL) tags[TAGS.gitRepoURL] = info.repoURL;
    tags[TAGS.gitDirty] = String(info.dirty);
  }
  return tags;
}
