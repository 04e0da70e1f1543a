/** The git side of projects: the uncommitted diff of a tree, and a temporary worktree at a recorded commit. */
import { spawnSync } from 'node:child_process';
import { badState, notFound, TracklabError } from '../core/errors.js';
import { REDACTED, redactText } from '../report/redact.js';

/** Diffs larger than this are recorded cut (and then cannot be re-applied). */
export const DIFF_LIMIT = 1 << 20;

interface GitResult { status: number; stdout: string; stderr: string }

function git(cwd: string, args: string[]): GitResult {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw new TracklabError('IO_ERROR', `could not run git ${args[0] ?? ''}: ${r.error.message}; is git installed?`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function gitOk(cwd: string, args: string[], what: string): string {
  const r = git(cwd, args);
  if (r.status !== 0) throw badState(`${what} failed in ${cwd}: ${r.stderr.trim().split('\n').pop() ?? `git exit ${r.status}`}`);
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

// `password = "hunter2"`, `API_TOKEN: abc` in changed lines: keep the key, hide the value
const ASSIGNED_SECRET = /^([+-].*?\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key)[\w-]*["']?\s*[:=]\s*)(["']?)[^\s"',;]{4,}\2/gim;

/**
 * The changes of the work tree at `top` against HEAD: tracked files, and untracked files git does not ignore, as one
 * patch `git apply` takes back. Untracked files under `skip` (folders relative to `top`, e.g. the store) are left out.
 */
export function treeDiff(top: string, skip: readonly string[] = []): TreeDiff {
  let patch = gitOk(top, ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], 'git diff');
  const untracked = gitOk(top, ['ls-files', '--others', '--exclude-standard', '-z'], 'git ls-files').split('\0')
    .filter((f) => f !== '' && !skip.some((dir) => f === dir || f.startsWith(`${dir}/`)));
  for (const file of untracked) {
    if (patch.length > DIFF_LIMIT) break;
    // exits 1 when the files differ, which they always do against /dev/null
    patch += git(top, ['diff', '--no-index', '--binary', '--no-color', '--', '/dev/null', file]).stdout;
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
    throw notFound(`commit ${commit} is not in the git repository ${top}; fetch it (git fetch --all) or run from a clone that has it`);
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
    throw badState(`the recorded uncommitted changes do not apply to the commit: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  }
}
