/**
 * What a run records so it can be re-created, and how to read it back: tag names, the reproduce command, the recorded
 * code version and the result of the last reproduction. Pure; the report, the kernel and the CLI all read runs this
 * way.
 */

/** Set by `tracklab run` / `tracklab reproduce` for the process they start: its first started run adopts this id. */
export const RUN_ID_ENV = 'TRACKLAB_RUN_ID';

/** Tags of projects, code versions and reproductions (MLflow's own `mlflow.*` tags are in TAGS). */
export const PROJECT_TAGS = {
  project: 'tracklab.project.name',
  entry: 'tracklab.project.entry',
  /** folder of the MLproject file relative to the git top level ('.' at the top) */
  path: 'tracklab.project.path',
  /** JSON object of the entry point's parameters as run (defaults filled in) */
  parameters: 'tracklab.project.parameters',
  command: 'tracklab.project.command',
  /** "none", "recorded", "redacted" (secrets replaced) or "truncated" (larger than the cap; cannot be re-applied) */
  diff: 'tracklab.source.git.diff',
  lockfile: 'tracklab.source.lockfile',
  lockfileHash: 'tracklab.source.lockfile.sha256',
  tslabVersion: 'tracklab.tslab.version',
  os: 'tracklab.os',
  seed: 'tracklab.seed',
  /** on a re-run: the id of the run it re-creates */
  reproductionOf: 'tracklab.reproduction.of',
  /** JSON ReproductionResult, on the re-run and on the original */
  reproduction: 'tracklab.reproduction.result',
} as const;

/** The artifact holding the uncommitted changes of the tree a run started from. */
export const DIFF_ARTIFACT = 'code/diff.patch';

/** One param or final metric value that differs between a run and its re-run. */
export interface Difference {
  kind: 'param' | 'metric';
  key: string;
  /** absent when the original run has no such key */
  original?: string;
  reproduced?: string;
  /** |reproduced - original| for metrics present in both */
  delta?: number;
}

/** What `tracklab reproduce` found, stored as JSON in the `tracklab.reproduction.result` tag. */
export interface ReproductionResult {
  status: 'matched' | 'differed' | 'failed';
  originalRunId: string;
  reproducedRunId: string;
  /** relative tolerance used for metrics (0: exact) */
  rtol: number;
  /** ms since the epoch */
  time: number;
  differences: Difference[];
  /** how many differences there were before the list was cut to fit a tag */
  differenceCount: number;
  /** for "failed": why the re-run failed */
  error?: string;
}

/**
 * The command that re-creates a run.
 * @example reproduceCommand('1f2e...') // 'npx tracklab reproduce 1f2e...'
 */
export function reproduceCommand(runId: string): string {
  return `npx tracklab reproduce ${runId}`;
}

/** Why a run cannot be re-created from what it recorded, or undefined when it can be tried. */
export function reproduceBlocker(tags: Readonly<Record<string, string>>): string | undefined {
  if (!tags['mlflow.source.git.commit']) {
    return 'no git commit was recorded (the run did not start inside a git repository)';
  }
  if (!tags[PROJECT_TAGS.entry]) {
    return 'no entry point was recorded; start runs with `tracklab run ENTRY` to make them reproducible';
  }
  if (tags[PROJECT_TAGS.diff] === 'truncated') {
    return 'its uncommitted changes were larger than the recorded diff allows';
  }
  return undefined;
}

/** The result of the last reproduction recorded on a run, or undefined (also when the tag does not parse). */
export function reproductionResult(tags: Readonly<Record<string, string>>): ReproductionResult | undefined {
  const text = tags[PROJECT_TAGS.reproduction];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as ReproductionResult;
    return typeof value === 'object' && value !== null && typeof value.status === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A one-line account of a reproduction, e.g. "differed from 1f2e...: metric acc by 0.02". */
export function describeReproduction(r: ReproductionResult): string {
  const other = r.reproducedRunId;
  if (r.status === 'failed') return `re-run ${other} failed: ${r.error ?? 'unknown error'}`;
  if (r.status === 'matched') return `re-run ${other} matched${r.rtol > 0 ? ` (rtol ${r.rtol})` : ' exactly'}`;
  const by = (delta: number | undefined): string => (delta === undefined ? '' : ` by ${delta.toPrecision(3)}`);
  const shown = r.differences.slice(0, 3).map((d) => `${d.kind} ${d.key}${by(d.delta)}`);
  const more = r.differenceCount > shown.length ? ` and ${r.differenceCount - shown.length} more` : '';
  return `re-run ${other} differed: ${shown.join(', ')}${more}`;
}
