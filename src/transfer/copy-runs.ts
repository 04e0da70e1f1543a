/** Copies experiments and runs (params, tags, every metric point, inputs, artifacts, nested links) between backends. */
import { dirname } from 'node:path';
import type { Experiment, RunRecord } from '../core/entities.js';
import { TracklabError } from '../core/errors.js';
import type { ArtifactRepository } from '../store/artifact-repository.js';
import type { Backend } from '../store/backend.js';
import type { TransferSummary } from './summary.js';

export interface TransferContext {
  src: Backend;
  dest: Backend;
  summary: TransferSummary;
  dryRun: boolean;
  /** called after each run or model version */
  tick: () => void;
}

const notFound = (error: unknown): boolean =>
  error instanceof TracklabError && error.code === 'RESOURCE_DOES_NOT_EXIST';
const orUndefined = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch((e: unknown) => {
    if (notFound(e)) return undefined;
    throw e;
  });

/** Every run of `experiment` in `backend`, a page at a time (oldest first). */
export async function* runsOf(backend: Backend, experiment: Experiment): AsyncGenerator<RunRecord> {
  let pageToken: string | undefined;
  do {
    const page = await backend.tracking.searchRuns({
      experimentIds: [experiment.id],
      view: 'ALL',
      maxResults: 1000,
      orderBy: ['attributes.start_time ASC'],
      ...(pageToken ? { pageToken } : {}),
    });
    for (const run of page.runs) yield run;
    pageToken = page.nextPageToken;
  } while (pageToken);
}

/** Copies every experiment (merged by name) and its runs (kept by id). */
export async function copyExperiments(ctx: TransferContext): Promise<void> {
  let deletedRuns = 0;
  for (const experiment of await ctx.src.tracking.listExperiments('ALL')) {
    const { target, created } = await targetExperiment(ctx, experiment);
    for await (const run of runsOf(ctx.src, experiment)) {
      if (run.lifecycleStage === 'deleted') deletedRuns += 1;
      await copyRun(ctx, run, target);
      ctx.tick();
    }
    // a deleted experiment new to the destination arrives deleted too (its runs were copied first)
    if (target && created && experiment.lifecycleStage === 'deleted')
      await ctx.dest.tracking.setExperimentLifecycle(target.id, 'deleted');
  }
  if (deletedRuns > 0 && ctx.summary.runs.copied > 0) {
    ctx.summary.notHeld.push(
      `original deletion times of deleted runs (the copies are marked deleted at the time of the import)`,
    );
  }
}

async function targetExperiment(
  ctx: TransferContext,
  experiment: Experiment,
): Promise<{ target: Experiment | undefined; created: boolean }> {
  const existing = await ctx.dest.tracking.getExperimentByName(experiment.name);
  if (existing) {
    ctx.summary.experiments.merged += 1;
    const missing = Object.entries(experiment.tags).filter(([k]) => !(k in existing.tags));
    if (!ctx.dryRun && existing.lifecycleStage === 'active') {
      for (const [k, v] of missing) await ctx.dest.tracking.setExperimentTag(existing.id, k, v);
    }
    return { target: existing, created: false };
  }
  ctx.summary.experiments.created += 1;
  if (ctx.dryRun) return { target: undefined, created: true };
  return { target: await ctx.dest.tracking.createExperiment(experiment.name, experiment.tags), created: true };
}

/** On a copy whose backend assigns its own run ids (an MLflow server): the id of the run it was copied from. */
export const IMPORTED_FROM_TAG = 'tracklab.import.run_id';

/** The destination's copy of `run`: the same id, or on a server the run tagged with the source id. */
async function findCopy(ctx: TransferContext, run: RunRecord, target: Experiment): Promise<RunRecord | undefined> {
  const same = await orUndefined(ctx.dest.tracking.getRun(run.id));
  if (same || ctx.dest.kind !== 'mlflow-rest' || target.id.startsWith('offline:')) return same;
  const { runs } = await ctx.dest.tracking.searchRuns({
    experimentIds: [target.id],
    filter: `tags."${IMPORTED_FROM_TAG}" = '${run.id}'`,
    view: 'ALL',
    maxResults: 1,
  });
  return runs[0];
}

async function copyRun(ctx: TransferContext, run: RunRecord, target: Experiment | undefined): Promise<void> {
  const existing = target ? await findCopy(ctx, run, target) : undefined;
  const summaries = ctx.src.capabilities.metricSummaries && ctx.dest.capabilities.metricSummaries;
  if (existing) {
    const difference = differs(run, existing, summaries);
    if (difference === undefined) {
      ctx.summary.runs.identical += 1;
    } else {
      ctx.summary.runs.conflicts += 1;
      ctx.summary.conflicts.push(
        `run ${run.id} (${run.name}) is already in ${ctx.summary.destination} with other ${difference}; left as it is`,
      );
    }
    return;
  }
  ctx.summary.runs.copied += 1;
  ctx.summary.params += Object.keys(run.params).length;
  ctx.summary.tags += Object.keys(run.tags).length;
  ctx.summary.datasetInputs += run.inputs.length;
  if (ctx.src.capabilities.metricSummaries)
    ctx.summary.metricPoints += Object.values(run.metrics).reduce((n, s) => n + s.count, 0);
  const srcFiles = ctx.src.artifacts.forRun(run);
  const files = (await srcFiles.list('', true)).filter((e) => !e.isDir);
  ctx.summary.artifacts.files += files.length;
  ctx.summary.artifacts.bytes += files.reduce((n, e) => n + e.size, 0);
  if (ctx.dryRun || !target) return;
  const created = await ctx.dest.tracking.createRun({
    id: run.id,
    experimentId: target.id,
    name: run.name,
    startTime: run.startTime,
    user: run.user,
    tags: run.tags,
  });
  if (created.id !== run.id) await ctx.dest.tracking.logBatch(created.id, { tags: { [IMPORTED_FROM_TAG]: run.id } });
  await writeRunData(ctx, run, created.id);
  const destFiles = ctx.dest.artifacts.forRun(created);
  for (const entry of files) await copyFile(srcFiles, destFiles, entry.path);
  if (run.lifecycleStage === 'deleted') await ctx.dest.tracking.setRunLifecycle(created.id, 'deleted');
  const copy = await ctx.dest.tracking.getRun(created.id);
  ctx.summary.verified.runs += 1;
  const difference = differs(run, copy, summaries);
  if (difference !== undefined)
    ctx.summary.verified.mismatches.push(`run ${run.id} (${run.name}): ${difference} differ after copying`);
}

/** Params, inputs and every metric point through the destination's writer; then the run's final status. */
async function writeRunData(ctx: TransferContext, run: RunRecord, destId: string): Promise<void> {
  const writer = await ctx.dest.tracking.openRunWriter(destId);
  const points = await ctx.src.tracking.getAllMetricHistories(run.id);
  for (const p of points) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  if (!ctx.src.capabilities.metricSummaries) ctx.summary.metricPoints += points.length;
  await writer.logBatch({ params: run.params, inputs: run.inputs });
  if (run.status === 'RUNNING' || run.status === 'SCHEDULED') {
    await writer.flush();
    if (run.status === 'SCHEDULED') await ctx.dest.tracking.updateRun(destId, { status: 'SCHEDULED' });
  } else {
    // one sync of the whole destination at the end of the import stands for the fsyncs of each run
    await writer.end(run.status, run.endTime ?? run.startTime, { durable: ctx.dest.sync === undefined });
  }
}

async function copyFile(from: ArtifactRepository, to: ArtifactRepository, path: string): Promise<void> {
  const local = await from.localPath(path);
  const dir = path.includes('/') ? dirname(path) : '';
  if (local !== undefined && path.split('/').pop() === local.split(/[\\/]/).pop()) await to.copyIn(local, dir);
  else await to.write(path, await from.read(path));
}

/** Which part of two copies of a run differs, or undefined when they hold the same data. */
export function differs(a: RunRecord, b: RunRecord, summaries = true): string | undefined {
  if (a.name !== b.name || a.status !== b.status || a.startTime !== b.startTime || a.endTime !== b.endTime)
    return 'name, status or times';
  if (a.lifecycleStage !== b.lifecycleStage) return 'lifecycle stage';
  if (canonical(a.params) !== canonical(b.params)) return 'params';
  const tags = (r: RunRecord): string =>
    canonical(Object.fromEntries(Object.entries(r.tags).filter(([k]) => k !== IMPORTED_FROM_TAG)));
  if (tags(a) !== tags(b)) return 'tags';
  const metrics = (r: RunRecord): string =>
    canonical(
      Object.fromEntries(
        Object.entries(r.metrics).map(([k, s]) => [
          k,
          [String(s.value), s.step, s.timestamp, ...(summaries ? [s.count, String(s.min), String(s.max)] : [])],
        ]),
      ),
    );
  if (metrics(a) !== metrics(b)) return 'metrics';
  const inputs = (r: RunRecord): string =>
    r.inputs
      .map((d) => `${d.name}\u0000${d.digest}\u0000${d.context ?? ''}`)
      .sort()
      .join('\n');
  if (inputs(a) !== inputs(b)) return 'dataset inputs';
  return undefined;
}

const canonical = (r: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
