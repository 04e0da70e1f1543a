/**
 * `tracklab run`: checks an entry point's parameters and environment, starts a run recording the code version, runs
 * the command or notebook with TRACKLAB_RUN_ID set so what it logs lands in that run, and ends the run with its
 * outcome.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunStatus } from '../core/entities.js';
import { EXIT_STATUS, invalid, notFound } from '../core/errors.js';
import { DIFF_ARTIFACT, PROJECT_TAGS, RUN_ID_ENV } from '../core/reproduction.js';
import type { ActiveRun } from '../active-run.js';
import { Tracker } from '../tracker.js';
import { rememberGitInfo } from '../core/source-info.js';
import { gitState, treeDiff } from './git-tree.js';
import { findProjectDir, loadProject, type EntryPoint, type Project } from './mlproject.js';
import { checkNodeEnv } from './node-env.js';
import { projectMessages as msg } from './messages.js';
import {
  buildCommand,
  parseAssignments,
  resolveParameters,
  seedOf,
  shellQuote,
  typedValues,
} from './project-parameters.js';

export interface RunProjectOptions {
  /** entry point name; default "main" */
  entry?: string;
  /** `name=value` strings as -P gives them, or a map */
  params?: readonly string[] | Readonly<Record<string, string>>;
  /** a folder at or below the MLproject file; default the working directory */
  projectDir?: string;
  /** store folder or URI; default the usual (TRACKLAB_STORE, else tracklab/ next to package.json) */
  store?: string;
  /** default the project's name */
  experiment?: string;
  runName?: string;
  /** extra tags for the run (a re-run records its origin here) */
  tags?: Readonly<Record<string, string>>;
  /** where the command's output goes; default inherited */
  stdio?: 'inherit' | 'ignore';
  /** progress lines (notebook execution); default none */
  log?: (line: string) => void;
}

export interface RunProjectResult {
  runId: string;
  status: RunStatus;
  /** the command's exit status (9, as `tracklab exec`, for a failed notebook cell) */
  exitCode: number;
  /** the command as run, or the `tracklab exec` equivalent for a notebook */
  command: string;
}

/**
 * Runs an entry point of the MLproject in `projectDir` as one tracked run. Bad parameters, a missing entry point or
 * an environment out of date throw before anything starts.
 * @example const r = await runProject({ entry: 'train', params: ['trees=50'] }); // r.runId, r.status === 'FINISHED'
 */
export async function runProject(options: RunProjectOptions = {}): Promise<RunProjectResult> {
  const project = loadProject(findProjectDir(options.projectDir ?? process.cwd()));
  const entry = pickEntry(project, options.entry ?? 'main');
  const p = options.params;
  const given: Record<string, string> = isList(p) ? parseAssignments(p) : { ...p };
  const values = resolveParameters(entry, given);
  const lock = project.nodeEnv === undefined ? undefined : checkNodeEnv(project.dir, project.nodeEnv);
  if (entry.notebook !== undefined && !existsSync(resolve(project.dir, entry.notebook))) {
    throw notFound(msg.notebookMissing(entry.notebook, entry.name, project.dir));
  }
  const command = entry.notebook === undefined ? buildCommand(entry, values) : execCommandLine(entry.notebook, values);

  const tracker = await Tracker.open({
    cwd: project.dir,
    sourceType: 'PROJECT',
    sourceName: join(project.dir, entry.notebook ?? 'MLproject'),
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  try {
    const run = await startProjectRun(tracker, project, entry, values, command, lock, options);
    const exitCode = await runEntry(project, entry, values, command, run.id, tracker.storeUri, options);
    const recorded = (await tracker.getRun(run.id)).status;
    // the script may have ended the run itself; a failing exit still wins
    const status: RunStatus =
      exitCode > 128 ? 'KILLED' : exitCode !== 0 ? 'FAILED' : recorded === 'RUNNING' ? 'FINISHED' : recorded;
    await run.end(status);
    return { runId: run.id, status, exitCode, command };
  } finally {
    await tracker.close();
  }
}

/** The store's folder relative to `top` when it lies inside it: its files are not part of the code. */
function storeFolder(uri: string, top: string): string[] {
  if (!uri.startsWith('file:')) return [];
  const rel = relative(top, fileURLToPath(uri));
  return rel === '' || rel.startsWith('..') ? [] : [rel.split('\\').join('/')];
}

/** What the notebook run amounts to on the command line, for the record. */
const execCommandLine = (notebook: string, values: Record<string, string>): string =>
  ['npx tracklab exec', notebook, ...Object.entries(values).map(([k, v]) => `-p ${shellQuote(`${k}=${v}`)}`)].join(' ');

const isList = (p: RunProjectOptions['params']): p is readonly string[] => Array.isArray(p);

function pickEntry(project: Project, name: string): EntryPoint {
  const entry = project.entryPoints[name];
  if (entry) return entry;
  const known = Object.keys(project.entryPoints).join(', ');
  throw invalid(msg.noSuchEntryPoint(project.file, name, known));
}

async function startProjectRun(
  tracker: Tracker,
  project: Project,
  entry: EntryPoint,
  values: Record<string, string>,
  command: string,
  lock: { file: string; sha256: string } | undefined,
  options: RunProjectOptions,
): Promise<ActiveRun> {
  const parent = process.env[RUN_ID_ENV];
  const git = await gitState(project.dir);
  const { commit = '', branch = '', repoURL = '', dirty = false } = git ?? {};
  rememberGitInfo(project.dir, git ? { commit, branch, repoURL, dirty } : null);
  const top = git?.top;
  const diff = git === undefined ? undefined : await treeDiff(git, storeFolder(tracker.storeUri, git.top));
  const seed = seedOf(values);
  const run = await tracker.startRun({
    experiment: options.experiment ?? (project.name || 'Default'),
    ...(options.runName === undefined ? {} : { name: options.runName }),
    // a `tracklab run` inside another one is recorded as its child
    ...(parent ? { parentRunId: parent } : {}),
    tags: {
      [PROJECT_TAGS.project]: project.name,
      [PROJECT_TAGS.entry]: entry.name,
      [PROJECT_TAGS.path]: top === undefined ? '.' : relative(top, project.dir).split('\\').join('/') || '.',
      [PROJECT_TAGS.parameters]: JSON.stringify(values),
      [PROJECT_TAGS.command]: command,
      [PROJECT_TAGS.diff]: diff?.state ?? 'none',
      ...(lock ? { [PROJECT_TAGS.lockfile]: project.nodeEnv, [PROJECT_TAGS.lockfileHash]: lock.sha256 } : {}),
      ...(seed === undefined ? {} : { [PROJECT_TAGS.seed]: seed }),
      ...options.tags,
    },
  });
  await run.logParams(values);
  if (diff && diff.state !== 'none') await run.logText(diff.patch, DIFF_ARTIFACT);
  await run.flush();
  return run;
}

async function runEntry(
  project: Project,
  entry: EntryPoint,
  values: Record<string, string>,
  command: string,
  runId: string,
  store: string,
  options: RunProjectOptions,
): Promise<number> {
  if (entry.notebook === undefined) return runCommand(command, project.dir, runId, store, options.stdio ?? 'inherit');
  const temp = await mkdtemp(join(tmpdir(), 'tracklab-run-'));
  const saved = { id: process.env[RUN_ID_ENV], store: process.env['TRACKLAB_STORE'] };
  process.env[RUN_ID_ENV] = runId;
  process.env['TRACKLAB_STORE'] = store;
  try {
    // Jupyter's client loads only for notebook entry points
    const { CellExecutionError, execNotebook } = await import('../exec/exec-notebook.js');
    const result = await execNotebook({
      notebook: resolve(project.dir, entry.notebook),
      params: typedValues(entry, values),
      store,
      out: join(temp, entry.notebook.split('/').pop() ?? 'notebook.ipynb'),
      ...(options.log ? { log: options.log } : {}),
    });
    if (result.ok) return 0;
    process.stderr.write(`${new CellExecutionError(result).message}\n`);
    return EXIT_STATUS.EXECUTION_FAILED;
  } finally {
    restoreEnv(RUN_ID_ENV, saved.id);
    restoreEnv('TRACKLAB_STORE', saved.store);
    await rm(temp, { recursive: true, force: true });
  }
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** Runs `command` through /bin/sh; resolves with its exit status (128 + signal number when killed). */
function runCommand(
  command: string,
  cwd: string,
  runId: string,
  store: string,
  stdio: 'inherit' | 'ignore',
): Promise<number> {
  return new Promise((done, fail) => {
    const env = { ...process.env, [RUN_ID_ENV]: runId, TRACKLAB_STORE: store };
    const child = spawn(command, { cwd, shell: true, stdio, env });
    // Ctrl-C reaches the child through the terminal; this process stays to record how the run ended
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      process.off('SIGINT', ignore);
      fail(error);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      done(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
    });
  });
}
