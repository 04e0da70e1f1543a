/**
 * MLflow's file store (an `mlruns` folder) as a TrackingStore, read and written in MLflow 2.x's layout (layout.ts).
 *
 * Safety with several writer processes, within what the layout allows: metric points are appended whole lines per
 * write(); a param file is created once with its whole content (temp file + link), so the first value wins and a
 * different one is refused; tags, aliases and every meta.yaml are replaced atomically (temp file + rename); meta.yaml
 * changes of a run take the run's lock (`<run>/meta.yaml.lock`, a folder MLflow ignores). Limits: experiment creation
 * is serialised per machine only (its lock cannot live inside the store), and MLflow itself writes without locks.
 */
import type { SampledHistory } from '../../core/history-sample.js';
import { join } from 'node:path';
import type { Experiment, MetricPoint, RunRecord, RunStatus, ViewType } from '../../core/entities.js';
import { TAGS } from '../../core/entities.js';
import { badState, ioError, notFound, paramChanged, runDeleted } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { inRunView, searchRecords } from '../search-records.js';
import { newRunRecord } from '../tracking-store.js';
import type { NewRun, RunBatch, RunPage, RunSearch, RunUpdate, RunWriter, TrackingStore } from '../tracking-store.js';
import {
  createValueOnce,
  ensureDir,
  listDirs,
  readTextIfExists,
  underLock,
  writeNewValue,
  writeValue,
} from './files.js';
import { META, NOT_RUNS, TRASH, type RunInfo } from './layout.js';
import { MlrunsExperiments } from './mlruns-experiments.js';
import { MlrunsRunCache, type CachedRun } from './run-cache.js';
import { runFiles, stamp } from './run-signature.js';
import { exclusionFiles } from './run-exclusion.js';
import type { MlrunsRunWriter } from './run-writer.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync, rmSync } = process.getBuiltinModule('node:fs');
const { pathToFileURL } = process.getBuiltinModule('node:url');

type RunFolderModule = typeof import('./run-folder.js');
let runFolderModule: RunFolderModule | undefined;
/** run-folder.ts, loaded when a run is first read from or written to its folder (a search the cache answers is not). */
async function runFolder(): Promise<RunFolderModule> {
  return (runFolderModule ??= await import('./run-folder.js'));
}

/** A cached run that fails the search's filter, as it did when it was cached. */
const EXCLUDED = 0;

export class MlrunsTracking implements TrackingStore {
  readonly experiments: MlrunsExperiments;
  private readonly runDirs = new Map<string, string>();
  private readonly writers = new Set<MlrunsRunWriter>();
  private readonly cache: MlrunsRunCache;

  constructor(
    readonly root: string,
    readonly uri: string,
  ) {
    this.experiments = new MlrunsExperiments(root);
    this.cache = new MlrunsRunCache(root);
  }

  // ---- experiments ----
  createExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    return this.experiments.create(name, tags);
  }
  ensureExperiment(name: string): Promise<Experiment> {
    return this.experiments.ensure(name);
  }
  async getExperiment(id: string): Promise<Experiment> {
    return this.experiments.get(id);
  }
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments.byName(name);
  }
  async listExperiments(view?: ViewType): Promise<Experiment[]> {
    return this.experiments.list(view);
  }
  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    this.experiments.setTag(id, key, value);
  }

  async setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    const { readRunInfo, writeRunInfo } = await runFolder();
    await this.experiments.setLifecycle(id, stage, (dir, to, at) => {
      for (const runDir of this.runFolders(dir)) {
        const info = readRunInfo(runDir);
        if (!info || info.lifecycleStage === to) continue;
        writeRunInfo(runDir, { ...info, lifecycleStage: to, deletedTime: to === 'deleted' ? at : null });
      }
    });
    this.runDirs.clear(); // the runs moved with their experiment
  }

  // ---- runs ----
  /** Run folders of one experiment folder (every sub-folder but tags/, datasets/ and MLflow 3's models/, traces/). */
  runFolders(experimentDir: string): string[] {
    return listDirs(experimentDir)
      .filter((n) => !NOT_RUNS.has(n) && !n.startsWith('.'))
      .map((n) => `${experimentDir}/${n}`); // no join: listed names are plain, and a search makes thousands
  }

  /** The folder of run `id`, found under any experiment, active or in the trash. */
  runDir(id: string): string {
    const cached = this.runDirs.get(id);
    if (cached !== undefined && existsSync(join(cached, META))) return cached;
    if (/^[\w-]+$/.test(id)) {
      for (const parent of [this.root, join(this.root, TRASH)]) {
        for (const exp of listDirs(parent)) {
          const dir = join(parent, exp, id);
          if (!exp.startsWith('.') && existsSync(join(dir, META))) {
            this.runDirs.set(id, dir);
            return dir;
          }
        }
      }
    }
    throw notFound(storeMessages.runMissing(id, this.root));
  }

  private async info(id: string): Promise<{ dir: string; info: RunInfo }> {
    const dir = this.runDir(id);
    const info = (await runFolder()).readRunInfo(dir);
    if (!info) throw badState(storeMessages.runBeingCreated(id, join(dir, META), 'is missing'));
    return { dir, info };
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    const experiment = this.experiments.get(input.experimentId);
    if (experiment.lifecycleStage !== 'active') throw badState(storeMessages.experimentDeletedNoRuns(experiment.name));
    const id = input.id ?? crypto.randomUUID().replaceAll('-', '');
    const dir = join(this.experiments.dirOf(input.experimentId) as string, id);
    for (const sub of ['metrics', 'params', 'artifacts']) ensureDir(join(dir, sub));
    const artifactUri = pathToFileURL(join(dir, 'artifacts')).href;
    const record = newRunRecord(id, input, { artifactUri });
    // the run is invisible until its meta.yaml exists, so its first tags need no temp file + rename
    for (const [key, value] of Object.entries(input.tags)) writeNewValue(join(dir, 'tags', ...key.split('/')), value);
    (await runFolder()).writeRunInfo(dir, { ...record, artifactUri }); // last: a folder with a meta.yaml is complete
    this.runDirs.set(id, dir);
    return record;
  }

  async getRun(id: string): Promise<RunRecord> {
    const { dir, info } = await this.info(id);
    return (await runFolder()).readRunFolder(dir, info);
  }

  /** Read-modify-write of a run's meta.yaml under the run's lock. */
  private async changeInfo(id: string, change: (info: RunInfo) => RunInfo, durable = false): Promise<void> {
    const dir = this.runDir(id);
    const { readRunInfo, writeRunInfo } = await runFolder();
    await underLock(join(dir, META), () => {
      const info = readRunInfo(dir);
      if (!info) throw badState(storeMessages.runBeingCreated(id, join(dir, META), 'is missing'));
      writeRunInfo(dir, change(info), durable);
    });
  }

  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    await this.changeInfo(id, (info) => ({
      ...info,
      ...(update.status !== undefined ? { status: update.status } : {}),
      ...(update.endTime !== undefined ? { endTime: update.endTime } : {}),
      ...(update.name !== undefined ? { name: update.name } : {}),
    }));
    if (update.name !== undefined) writeValue(join(this.runDir(id), 'tags', TAGS.runName), update.name);
    return this.getRun(id);
  }

  /** The writer's end: final status and end time, made durable. */
  async finish(id: string, status: RunStatus, endTime: number, durable = true): Promise<void> {
    await this.changeInfo(id, (info) => ({ ...info, status, endTime }), durable);
  }

  async setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.changeInfo(id, (info) => ({
      ...info,
      lifecycleStage: stage,
      deletedTime: stage === 'deleted' ? Date.now() : null,
    }));
  }

  async logBatch(id: string, batch: RunBatch): Promise<void> {
    const { dir, info } = await this.info(id);
    if (info.lifecycleStage === 'deleted') throw runDeleted(id);
    const params = Object.entries(batch.params ?? {});
    const paramFile = (key: string): string => join(dir, 'params', ...key.split('/'));
    for (const [key, value] of params) {
      const old = readTextIfExists(paramFile(key));
      if (old !== undefined && old !== value) throw paramChanged(key, id, old, value);
    }
    for (const [key, value] of params) {
      const old = createValueOnce(paramFile(key), value); // atomic: another process may have raced us
      if (old !== undefined && old !== value) throw paramChanged(key, id, old, value);
    }
    for (const [key, value] of Object.entries(batch.tags ?? {}))
      writeValue(join(dir, 'tags', ...key.split('/')), value);
    const name = batch.tags?.[TAGS.runName];
    if (name !== undefined && name !== info.name) await this.changeInfo(id, (i) => ({ ...i, name }));
    if (batch.inputs?.length) for (const input of batch.inputs) (await runFolder()).writeInput(dir, id, input);
  }

  async deleteTag(id: string, key: string): Promise<void> {
    const { dir } = await this.info(id);
    const file = join(dir, 'tags', ...key.split('/'));
    if (readTextIfExists(file) === undefined) throw notFound(storeMessages.tagMissing(id, key));
    try {
      rmSync(file);
    } catch (error) {
      throw ioError('delete tag', file, error);
    }
  }

  async openRunWriter(id: string): Promise<RunWriter> {
    const dir = this.runDir(id);
    const { MlrunsRunWriter } = await import('./run-writer.js'); // not loaded by a process that only reads
    const writer: MlrunsRunWriter = new MlrunsRunWriter(id, dir, this, () => {
      this.writers.delete(writer);
      liveWriters.delete(writer);
    });
    this.writers.add(writer);
    trackWriter(writer);
    return writer;
  }

  async getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    return (await runFolder()).readMetric(this.runDir(id), key);
  }

  /** The full history (paged in by getMetricHistory), downsampled by the shared path. */
  async getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory> {
    const { sampleHistory } = await import('../../core/history-sample.js');
    return sampleHistory(await this.getMetricHistory(id, key), maxPoints);
  }

  async getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    const dir = this.runDir(id);
    const { metricKeys, readMetric } = await runFolder();
    const all = metricKeys(dir).flatMap((key) => readMetric(dir, key));
    return all.sort((a, b) => a.timestamp - b.timestamp); // stable: each key keeps its order
  }

  async searchRuns(query: RunSearch): Promise<RunPage> {
    const view = query.view ?? 'ACTIVE_ONLY';
    const records: RunRecord[] = [];
    const excluding = exclusionFiles(query.filter);
    for (const experimentId of query.experimentIds) {
      const expDir = this.experiments.dirOf(experimentId);
      if (expDir === undefined) continue;
      const dirs = this.runFolders(expDir);
      // every check first, then the records: none of them lives through the garbage of thousands of stats
      const valid = dirs.map((dir) =>
        excluding && this.stillExcluded(dir, excluding) ? EXCLUDED : this.cache.valid(dir),
      );
      for (let i = 0; i < dirs.length; i++) {
        if (valid[i] === EXCLUDED) continue;
        const dir = dirs[i] as string;
        const record = (valid[i] ? this.cache.take(dir) : undefined) ?? (await this.readRun(dir));
        if (!record || record.experimentId !== experimentId || !inRunView(record.lifecycleStage, view)) continue;
        this.runDirs.set(record.id, dir);
        records.push(record);
      }
      this.cache.listedAll(expDir);
    }
    this.cache.save();
    return searchRecords(records, query); // the cache hands out new objects: nothing returned is shared with it
  }

  /** Whether the cached run of `dir` fails the filter and the files that make it fail are unchanged. */
  private stillExcluded(dir: string, excluding: (run: CachedRun) => readonly string[] | undefined): boolean {
    const cached = this.cache.peek(dir);
    const files = cached && excluding(cached);
    return files !== undefined && this.cache.unchangedFiles(dir, files);
  }

  /** A run folder the cache of folded runs (run-cache.ts) does not hold as it is; undefined when it holds no run. */
  private async readRun(dir: string): Promise<RunRecord | undefined> {
    const { readRunFolder, readRunInfo } = await runFolder();
    const { files, listing } = runFiles(dir);
    const at = Date.now();
    const taken = { ...stamp(dir, files), at }; // before reading: a change while reading is seen next time
    const info = readRunInfo(dir);
    if (!info) return undefined;
    const record = readRunFolder(dir, info, listing);
    this.cache.set(dir, record, files, taken);
    return record;
  }

  async close(): Promise<void> {
    for (const writer of this.writers) await writer.flush();
  }
}

/** Writers of every mlruns store in this process; on exit their buffered points are written out synchronously. */
const liveWriters = new Set<MlrunsRunWriter>();
let exitHookInstalled = false;
function trackWriter(writer: MlrunsRunWriter): void {
  liveWriters.add(writer);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const w of liveWriters) {
      try {
        w.writeOutNow();
      } catch {
        /* exiting: nothing more can be done */
      }
    }
  });
}
