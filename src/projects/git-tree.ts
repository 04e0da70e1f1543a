/** The git side of projects: the uncommitted diff of a tree, and a temporary worktree at a recorded commit. */
import { execFile, spawnSync } from 'node:child_process';
import { badState, notFound, TracklabError } from '../core/errors.js';
import type { GitInfo } from '../core/source-info.js';
import { REDACTED, redactText } from '../report/redact.js';
import { projectMessages as msg } from './messages.js';

/** Diffs larger than this are recorded cut (and then cannot be re-applied). */
export const DIFF_LIMIT = 1 << 20;

interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

const noGit = (args: string[], why: string): TracklabError =>
  new TracklabError('IO_ERROR', msg.gitMissing(args[0] ?? '', why));

const lastLine = (r: GitResult): string => r.stderr.trim().split('\n').pop() ?? `git exit ${r.status}`;

function git(cwd: string, args: string[]): GitResult {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw noGit(args, r.error.message);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** git, asynchronously, so independent questions run at once. */
function gitAsync(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((done, fail) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string') fail(noGit(args, code));
      else done({ status: typeof code === 'number' ? code : 0, stdout, stderr });
    });
  });
}

async function gitOkAsync(cwd: string, args: string[], what: string): Promise<string> {
  const r = await gitAsync(cwd, args);
  if (r.status !== 0) throw badState(msg.gitFailed(what, cwd, lastLine(r)));
  return r.stdout;
}

function gitOk(cwd: string, args: string[], what: string): string {
  const r = git(cwd, args);
  if (r.status !== 0) throw badState(msg.gitFailed(what, cwd, lastLine(r)));
  return r.stdout;
}

/** The top folder of the git work tree holding `dir`, or undefined outside one. */
export function gitTopLevel(dir: string): string | undefined {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export interface TreeDiff {
  /** the patch, secrets redacted, cut at DIFF_LIMIT */
  patch: string;
  state: 'none' | 'recorded' | 'redacted' | 'truncated';
}

/** What a run records of the git tree it starts in. */
export interface GitState extends GitInfo {
  top: string;
  /** untracked files git does not ignore, relative to `top` */
  untracked: string[];
}

// `password = "hunter2"`, `API_TOKEN: abc` in changed lines: keep the key, hide the value
const SECRET_NAME = '(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key)';
const ASSIGNED_SECRET = new RegExp(
  `^([+-].*?\\b[\\w-]*${SECRET_NAME}[\\w-]*["']?\\s*[:=]\\s*)(["']?)[^\\s"',;]{4,}\\2`,
  'gim',
);

/**
 * The git state of the tree holding `dir` in three git processes run at once (git processes are most of what
 * `tracklab run` adds to a command), or undefined outside a repository or before its first commit.
 */
export async function gitState(dir: string): Promise<GitState | undefined> {
  const [head, remote, status] = await Promise.all([
    gitAsync(dir, ['rev-parse', '--show-toplevel', 'HEAD', '--abbrev-ref', 'HEAD']),
    gitAsync(dir, ['config', '--get', 'remote.origin.url']),
    gitAsync(dir, ['status', '--porcelain', '-z', '--untracked-files=all']),
  ]);
  const [top, commit, branch] = head.stdout.trim().split('\n');
  if (head.status !== 0 || top === undefined || commit === undefined) return undefined;
  const entries = status.stdout.split('\0').filter((e) => e !== '');
  return {
    top,
    commit,
    branch: branch ?? '',
    repoURL: remote.status === 0 ? remote.stdout.trim() : '',
    dirty: entries.some((e) => !e.startsWith('??')),
    untracked: entries.filter((e) => e.startsWith('?? ')).map((e) => e.slice(3)),
  };
}

/**
 * The changes of the work tree against HEAD: tracked files, and untracked files git does not ignore, as one patch
 * `git apply` takes back. Untracked files under `skip` (folders relative to the top, e.g. the store) are left out.
 */
export async function treeDiff(state: GitState, skip: readonly string[] = []): Promise<TreeDiff> {
  const diffArgs = ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'];
  let patch = state.dirty ? await gitOkAsync(state.top, diffArgs, 'git diff') : '';
  const untracked = state.untracked.filter((f) => !skip.some((dir) => f === dir || f.startsWith(`${dir}/`)));
  for (const file of untracked) {
    if (patch.length > DIFF_LIMIT) break;
    // exits 1 when the files differ, which they always do against /dev/null
    const added = await gitAsync(state.top, ['diff', '--no-index', '--binary', '--no-color', '--', '/dev/null', file]);
    patch += added.stdout;
  }
  if (patch === '') return { patch, state: 'none' };
  if (patch.length > DIFF_LIMIT) return { patch: redact(patch.slice(0, DIFF_LIMIT)), state: 'truncated' };
  const clean = redact(patch);
  return { patch: clean, state: clean.includes(REDACTED) ? 'redacted' : 'recorded' };
}

function redact(patch: string): string {
  return redactText(patch).replace(ASSIGNED_SECRET, `$1$2${REDACTED}$2`);
}

/** Throws a one-line reason when `commit` is not in the repository at `top`. */
export function requireCommit(top: string, commit: string): void {
  if (git(top, ['cat-file', '-e', `${commit}^{commit}`]).status !== 0) {
    throw notFound(msg.commitMissing(commit, top));
  }
}

/** Checks out `commit` into a new detached worktree at `dir`. */
export function addWorktree(top: string, commit: string, dir: string): void {
  gitOk(top, ['worktree', 'add', '--detach', '--quiet', dir, commit], `git worktree add ${commit}`);
}

/** Removes a worktree made by addWorktree; never fails. */
export function removeWorktree(top: string, dir: string): void {
  git(top, ['worktree', 'remove', '--force', dir]);
  git(top, ['worktree', 'prune']);
}

/** Applies a recorded patch file to the worktree at `dir`. */
export function applyPatch(dir: string, patchFile: string): void {
  const r = git(dir, ['apply', '--binary', '--whitespace=nowarn', patchFile]);
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n')[0] ?? '';
    throw badState(msg.patchDoesNotApply(why));
  }
}
