/**
 * `tracklab reproduce`: re-creates a run from what it recorded (commit, uncommitted diff, lockfile, entry point and
 * parameters) in a temporary git worktree, as a new run tagged with its origin, and compares the two.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../core/entities.js';
import { TAGS } from '../core/entities.js';
import { badState, invalid } from '../core/errors.js';
import {
  DIFF_ARTIFACT,
  PROJECT_TAGS,
  reproduceBlocker,
  type Difference,
  type ReproductionResult,
} from '../core/reproduction.js';
import { Tracker } from '../tracker.js';
import { compareRuns } from './compare-runs.js';
import { addWorktree, applyPatch, gitTopLevel, removeWorktree, requireCommit } from './git-tree.js';
import { loadProject } from './mlproject.js';
import { projectMessages as msg } from './messages.js';
import { installNodeEnv } from './node-env.js';
import { runProject } from './run-project.js';

export interface ReproduceOptions {
  runId: string;
  /** the store holding the run; default the usual */
  store?: string;
  /** the store the re-run goes to; default the run's own store */
  into?: string;
  /** relative tolerance for final metric values; default 0 (exact) */
  rtol?: number;
  /** a folder inside a clone of the run's repository; default the working directory */
  cwd?: string;
  /** run `npm ci` even when an identical lockfile is installed in the clone */
  freshEnv?: boolean;
  stdio?: 'inherit' | 'ignore';
  /** progress lines; default none */
  log?: (line: string) => void;
}

/**
 * Re-runs a run and compares it with the original; the result is recorded on both as the tag
 * `tracklab.reproduction.result`. Runs that cannot be re-created throw one clear reason before anything runs.
 * @example const r = await reproduceRun({ runId, rtol: 1e-9 }); r.status // 'matched' | 'differed' | 'failed'
 */
export async function reproduceRun(options: ReproduceOptions): Promise<ReproductionResult> {
  const rtol = options.rtol ?? 0;
  if (!Number.isFinite(rtol) || rtol < 0) {
    throw invalid(msg.rtolInvalid(options.rtol));
  }
  const log = options.log ?? (() => undefined);
  const source = await Tracker.open({ ...(options.store === undefined ? {} : { store: options.store }) });
  try {
    const original = await source.getRun(options.runId);
    const blocker = reproduceBlocker(original.tags);
    if (blocker) throw badState(msg.notReproducible(original.id, blocker));
    const cwd = options.cwd ?? process.cwd();
    const top = gitTopLevel(cwd);
    if (top === undefined) {
      throw badState(msg.notInGit(cwd));
    }
    const commit = original.tags[TAGS.gitCommit] as string;
    requireCommit(top, commit);
    const temp = await mkdtemp(join(tmpdir(), 'tracklab-reproduce-'));
    const tree = join(temp, 'tree');
    try {
      log(`checking out ${commit.slice(0, 12)} into ${tree}`);
      addWorktree(top, commit, tree);
      const reRunId = await reRun(source, original, { top, tree, temp, log }, options);
      return await record(source, original, reRunId, rtol, options.into);
    } finally {
      removeWorktree(top, tree);
      await rm(temp, { recursive: true, force: true });
    }
  } finally {
    await source.close();
  }
}

interface Place {
  top: string;
  tree: string;
  temp: string;
  log: (line: string) => void;
}

async function reRun(source: Tracker, original: Run, place: Place, options: ReproduceOptions): Promise<string> {
  const tags = original.tags;
  if (tags[PROJECT_TAGS.diff] === 'recorded' || tags[PROJECT_TAGS.diff] === 'redacted') {
    if (tags[PROJECT_TAGS.diff] === 'redacted') {
      place.log('the recorded diff had secrets redacted; the re-run uses the placeholders');
    }
    const patch = join(place.temp, 'diff.patch');
    await writeFile(patch, await source.readArtifact(original.id, DIFF_ARTIFACT));
    applyPatch(place.tree, patch);
  }
  const path = tags[PROJECT_TAGS.path] ?? '.';
  const projectDir = join(place.tree, path);
  const project = loadProject(projectDir);
  if (project.nodeEnv !== undefined) {
    const how = installNodeEnv(
      projectDir,
      project.nodeEnv,
      tags[PROJECT_TAGS.lockfileHash],
      options.freshEnv ? undefined : join(place.top, path),
    );
    place.log(
      how === 'linked'
        ? 'the same lockfile is installed in this clone: reusing its node_modules'
        : 'installed with npm ci',
    );
  }
  const params = JSON.parse(tags[PROJECT_TAGS.parameters] ?? '{}') as Record<string, string>;
  const result = await runProject({
    projectDir,
    entry: tags[PROJECT_TAGS.entry] as string,
    params,
    store: options.into ?? source.storeUri,
    experiment: original.experimentName,
    tags: { [PROJECT_TAGS.reproductionOf]: original.id },
    ...(options.stdio ? { stdio: options.stdio } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return result.runId;
}

/** Compares, and records the result on the re-run and on the original. */
async function record(
  source: Tracker,
  original: Run,
  reRunId: string,
  rtol: number,
  into?: string,
): Promise<ReproductionResult> {
  const target = into === undefined ? source : await Tracker.open({ store: into });
  try {
    const reproduced = await target.getRun(reRunId);
    const differences = compareRuns(original, reproduced, rtol);
    const failed = reproduced.status !== 'FINISHED';
    const result: ReproductionResult = {
      status: failed ? 'failed' : differences.length === 0 ? 'matched' : 'differed',
      originalRunId: original.id,
      reproducedRunId: reRunId,
      rtol,
      time: Date.now(),
      differences,
      differenceCount: differences.length,
      ...(failed ? { error: `the re-run ended ${reproduced.status}` } : {}),
    };
    const text = tagText(result);
    await target.setTag(reRunId, PROJECT_TAGS.reproduction, text);
    await source.setTag(original.id, PROJECT_TAGS.reproduction, text);
    return result;
  } finally {
    if (target !== source) await target.close();
  }
}

/** The result as JSON that fits a tag: the list of differences is cut, the count kept. */
function tagText(result: ReproductionResult): string {
  let shown: Difference[] = result.differences;
  let text = JSON.stringify(result);
  while (text.length > 7000 && shown.length > 0) {
    shown = shown.slice(0, Math.floor(shown.length / 2));
    text = JSON.stringify({ ...result, differences: shown });
  }
  return text;
}

/** The differences as a plain text table for the terminal. */
export function differencesTable(differences: readonly Difference[]): string[][] {
  return differences.map((d) => [
    d.kind,
    d.key,
    d.original ?? '(absent)',
    d.reproduced ?? '(absent)',
    d.delta === undefined ? '' : d.delta.toPrecision(4),
  ]);
}
