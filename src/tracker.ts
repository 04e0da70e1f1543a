/** The public entry point: open a store, start runs, read and search them. */
import type { ArtifactEntry, Experiment, MetricColumns, Run, ViewType } from './core/entities.js';
import { TAGS } from './core/entities.js';
import { badState, invalid, notFound } from './core/errors.js';
import { toRun, toRunTaking } from './core/run-view.js';
import { toHistoryPoints, type HistoryPoint } from './core/history-points.js';
import type { RunPack } from './core/history-pack.js';
import { columnsOfSample, isMaxPoints, type SampledColumns, type SampledHistory } from './core/history-sample.js';
import { searchExperimentsInMemory, type ExperimentSearch } from './core/search/experiments.js';
import { RUN_ID_ENV } from './core/reproduction.js';
import { randomRunName } from './core/names.js';
import { currentUser, defaultSourceName, sourceTags, type SourceType } from './core/source-info.js';
import {
  ownEntries,
  tagValueToString,
  validateArtifactPath,
  validateExperimentName,
  validateKey,
  validateRunId,
  validateRunName,
  validateRunStatus,
} from './core/validation.js';
import type { ActiveRun } from './active-run.js';
import { trackerMessages as msg } from './tracker-messages.js';
import type { ArtifactRepository } from './store/artifact-repository.js';
import type { Backend, BackendCapabilities } from './store/backend.js';
import { openBackend } from './store/resolve-store.js';
import type { TrackingStore } from './store/tracking-store.js';
import { validateModelName } from './registry/registry-validation.js';
import type {
  Lineage,
  ModelEdit,
  ModelRegistry,
  RegisterOptions,
  TransitionOptions,
} from './registry/model-registry.js';
import type { ModelVersion, RegisteredModel, ResolvedModelUri } from './registry/views.js';

export interface TrackerOptions {
  /** folder path or URI; default TRACKLAB_STORE, else `tracklab/` next to the nearest package.json */
  store?: string;
  /** recorded as mlflow.user; default the OS user (or TRACKLAB_USER) */
  user?: string;
  /** recorded as mlflow.source.name; default the script being run */
  sourceName?: string;
  /** recorded as mlflow.source.type; default LOCAL */
  sourceType?: SourceType;
  /** folder whose git state runs record; default the working directory */
  cwd?: string;
}

export interface StartRunOptions {
  /** experiment name, created if missing; default "Default" */
  experiment?: string;
  /** default a random readable name like "swift-heron-417" */
  name?: string;
  tags?: Record<string, unknown>;
  /** makes this a nested run of that run */
  parentRunId?: string;
}

export interface SearchRunsQuery {
  /** names or ids; default every active experiment */
  experiments?: string[];
  /** MLflow filter syntax, e.g. `metrics.acc > 0.9 and params.model = "rf"` */
  filter?: string;
  /** e.g. ["metrics.acc DESC"]; default start time, newest first */
  orderBy?: string[];
  /** default 1000, at most 50000 */
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface SearchExperimentsQuery extends ExperimentSearch {
  /** default ACTIVE_ONLY */
  viewType?: ViewType;
}

export type { HistoryPoint } from './core/history-points.js';

export class Tracker {
  private readonly active = new Set<ActiveRun>();
  private registryService: ModelRegistry | undefined;

  /** The tracking part of the backend. */
  readonly store: TrackingStore;

  private constructor(
    readonly backend: Backend,
    private readonly options: Required<Omit<TrackerOptions, 'store'>>,
  ) {
    this.store = backend.tracking;
  }

  /**
   * Opens a store.
   * @example const tracker = await Tracker.open({ store: './tracklab' });
   */
  static async open(options: TrackerOptions = {}): Promise<Tracker> {
    const backend = await openBackend(options.store, options.cwd);
    return new Tracker(backend, {
      user: options.user ?? currentUser(),
      sourceName: options.sourceName ?? defaultSourceName(),
      sourceType: options.sourceType ?? 'LOCAL',
      cwd: options.cwd ?? process.cwd(),
    });
  }

  /** The store's URI, e.g. file:///home/me/project/tracklab */
  get storeUri(): string {
    return this.backend.uri;
  }

  /** What this store can keep (metric summaries, registry history, ...); see BackendCapabilities. */
  get capabilities(): BackendCapabilities {
    return this.backend.capabilities;
  }

  /**
   * Starts a run in an experiment (created if missing).
   * @example const run = await tracker.startRun({ experiment: 'iris', name: 'rf-100', tags: { team: 'a' } });
   */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const adopted = await this.adoptEnvRun(options);
    if (adopted) return adopted;
    const experiment = await this.store.ensureExperiment(validateExperimentName(options.experiment ?? 'Default'));
    const name = options.name === undefined ? randomRunName() : validateRunName(options.name);
    const tags: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of ownEntries('tags', options.tags ?? {}))
      tags[validateKey('tag', key)] = tagValueToString(key, value);
    if (options.parentRunId !== undefined) {
      const parent = await this.store.getRun(validateRunId(options.parentRunId));
      tags[TAGS.parentRunId] = parent.id;
    }
    const record = await this.store.createRun({
      experimentId: experiment.id,
      name,
      startTime: Date.now(),
      user: this.options.user,
      tags: { ...sourceTags({ ...this.options }), ...tags, [TAGS.runName]: name },
    });
    const writer = await this.store.openRunWriter(record.id);
    const { ActiveRun } = await loadActiveRun();
    const run = new ActiveRun(
      this.backend,
      this.backend.artifacts.forRun(record),
      writer,
      record.id,
      name,
      experiment.id,
      experiment.name,
      record.params,
      (r) => this.active.delete(r),
    );
    this.active.add(run);
    return run;
  }

  // ---- TRACKLAB_RUN_ID: `tracklab run` created the run this process logs to --------------------------------------

  /**
   * The first top-level startRun of a process started with TRACKLAB_RUN_ID continues that run (as MLflow does with
   * MLFLOW_RUN_ID), so what a script or notebook logs lands in the run `tracklab run` recorded the code version in.
   * The run keeps its experiment; a name or tags asked for are applied to it.
   */
  private async adoptEnvRun(options: StartRunOptions): Promise<ActiveRun | undefined> {
    const id = process.env[RUN_ID_ENV];
    if (!id || envRunAdopted || options.parentRunId !== undefined) return undefined;
    envRunAdopted = true;
    const record = await this.store.getRun(validateRunId(id));
    if (record.status !== 'RUNNING') {
      throw badState(msg.envRunNotRunning(RUN_ID_ENV, id, record.status));
    }
    const tags: Record<string, unknown> = { ...options.tags };
    if (options.name !== undefined) {
      await this.store.updateRun(id, { name: validateRunName(options.name) });
      tags[TAGS.runName] = options.name;
    }
    const experiment = await this.store.getExperiment(record.experimentId);
    const writer = await this.store.openRunWriter(id);
    const name = options.name ?? record.name;
    const { ActiveRun } = await loadActiveRun();
    const run = new ActiveRun(
      this.backend,
      this.backend.artifacts.forRun(record),
      writer,
      id,
      name,
      experiment.id,
      experiment.name,
      record.params,
      (r) => this.active.delete(r),
    );
    this.active.add(run);
    if (Object.keys(tags).length > 0) await run.setTags(tags);
    return run;
  }

  /** Runs started by this tracker that have not ended. */
  get activeRuns(): ActiveRun[] {
    return [...this.active];
  }

  /** @example const r = await tracker.getRun(run.id); r.metrics.loss */
  async getRun(id: string): Promise<Run> {
    const record = await this.store.getRun(validateRunId(id));
    const names = await this.experimentNames();
    return toRun(record, names.get(record.experimentId) ?? record.experimentId);
  }

  /**
   * Searches runs with MLflow's filter and order_by syntax; pages with nextPageToken.
   * @example
   * await tracker.searchRuns({ experiments: ['iris'], filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'] });
   */
  async searchRuns(query: SearchRunsQuery = {}): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const experiments = await this.store.listExperiments('ALL');
    const names = new Map(experiments.map((e) => [e.id, e.name]));
    const ids =
      query.experiments === undefined
        ? experiments.filter((e) => e.lifecycleStage === 'active').map((e) => e.id)
        : query.experiments.map((wanted) => resolveExperiment(experiments, wanted).id);
    const page = await this.store.searchRuns({
      experimentIds: ids,
      view: query.viewType ?? 'ACTIVE_ONLY',
      ...(query.filter !== undefined ? { filter: query.filter } : {}),
      ...(query.orderBy !== undefined ? { orderBy: query.orderBy } : {}),
      ...(query.maxResults !== undefined ? { maxResults: query.maxResults } : {}),
      ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
      plainDicts: true,
    });
    const convert = page.plainDicts ? toRunTaking : toRun;
    const runs = page.runs.map((r) => convert(r, names.get(r.experimentId) ?? r.experimentId));
    return page.nextPageToken === undefined ? { runs } : { runs, nextPageToken: page.nextPageToken };
  }

  /**
   * Every point of a metric, in logging order; with `maxPoints`, at most that many buckets in step order, each with
   * its last point, min, max, count and whether it held a NaN (see README, "Metric histories").
   * @example const h = await tracker.getMetricHistory(run.id, 'loss'); // [{ step, value, timestamp }]
   * @example const { points } = await tracker.getMetricHistory(run.id, 'loss', { maxPoints: 1000 });
   */
  async getMetricHistory(runId: string, key: string): Promise<HistoryPoint[]>;
  async getMetricHistory(runId: string, key: string, options: { maxPoints: number }): Promise<SampledHistory>;
  async getMetricHistory(
    runId: string,
    key: string,
    options?: { maxPoints: number },
  ): Promise<HistoryPoint[] | SampledHistory> {
    const id = validateRunId(runId);
    const k = validateKey('metric', key);
    if (options !== undefined) {
      if (!isMaxPoints(options.maxPoints)) throw invalid(msg.maxPointsInvalid(options.maxPoints));
      return this.store.getSampledHistory(id, k, options.maxPoints);
    }
    if (this.store.getHistoryPoints) return this.store.getHistoryPoints(id, k);
    if (this.store.getMetricColumns) {
      // one object per point, made from the columns (not a store object and then a copy)
      const { steps, values, timestamps } = await this.store.getMetricColumns(id, k);
      return toHistoryPoints(steps, values, timestamps);
    }
    const points = await this.store.getMetricHistory(id, k);
    return points.map(({ step, value, timestamp }) => ({ step, value, timestamp }));
  }

  /**
   * Every point of a metric, in logging order, as three columns: what to read when a history is long and the caller
   * computes on it or draws it, since no object is made per point.
   * @example const { steps, values } = await tracker.getMetricColumns(run.id, 'loss'); // Float64Array each
   */
  async getMetricColumns(runId: string, key: string): Promise<MetricColumns> {
    const id = validateRunId(runId);
    const k = validateKey('metric', key);
    if (this.store.getMetricColumns) return this.store.getMetricColumns(id, k);
    const points = await this.store.getMetricHistory(id, k);
    return {
      steps: Float64Array.from(points, (p) => p.step),
      values: Float64Array.from(points, (p) => p.value),
      timestamps: Float64Array.from(points, (p) => p.timestamp),
    };
  }

  /**
   * getMetricHistory with `maxPoints` for several metrics of a run, in columns (Float64Arrays; min and max only when
   * downsampled): { key: { total, exact, step, value, timestamp, min?, max? } }. One read on stores that can.
   * @example const { loss } = await tracker.getSampledHistories(run.id, ['loss'], { maxPoints: 1000 });
   */
  async getSampledHistories(
    runId: string,
    keys: readonly string[],
    options: { maxPoints: number },
  ): Promise<Record<string, SampledColumns>> {
    const id = validateRunId(runId);
    for (const key of keys) validateKey('metric', key);
    if (!isMaxPoints(options.maxPoints)) throw invalid(msg.maxPointsInvalid(options.maxPoints));
    const out = Object.create(null) as Record<string, SampledColumns>;
    if (this.store.getSampledHistories) {
      for (const [key, s] of await this.store.getSampledHistories(id, keys, options.maxPoints)) out[key] = s;
      return out;
    }
    for (const key of keys) out[key] = columnsOfSample(await this.store.getSampledHistory(id, key, options.maxPoints));
    return out;
  }

  /**
   * The pack of a run's drawn histories that its store wrote when it compacted the run, in the report's data-file form
   * (core/history-pack.ts), for exactly `keys` (in this order) and `maxPoints`: a report build copies it instead of
   * sampling and encoding the histories again. Undefined when the store keeps none for them.
   */
  async getRunPack(
    runId: string,
    keys: readonly string[],
    options: { maxPoints: number },
  ): Promise<RunPack | undefined> {
    const id = validateRunId(runId);
    for (const key of keys) validateKey('metric', key);
    if (!isMaxPoints(options.maxPoints)) throw invalid(msg.maxPointsInvalid(options.maxPoints));
    return this.store.getRunPack?.(id, keys, options.maxPoints);
  }

  /** Every metric history of a run in one read: { key: [{ step, value, timestamp }] }. */
  async getMetricHistories(runId: string): Promise<Record<string, HistoryPoint[]>> {
    const out: Record<string, HistoryPoint[]> = Object.create(null) as Record<string, HistoryPoint[]>;
    for (const { key, step, value, timestamp } of await this.store.getAllMetricHistories(validateRunId(runId))) {
      (out[key] ??= []).push({ step, value, timestamp });
    }
    return out;
  }

  /**
   * The histories of `keys` for many runs: { runId: { key: points } }. Stores behind a network read them in few bulk
   * requests (`bulkHistories` is true for those); the others read run by run. Keys a run lacks are absent.
   * @example const h = await tracker.getMetricHistoriesBulk([a.id, b.id], ['loss']); // h[a.id].loss
   */
  async getMetricHistoriesBulk(
    runIds: readonly string[],
    keys: readonly string[],
  ): Promise<Record<string, Record<string, HistoryPoint[]>>> {
    const ids = runIds.map(validateRunId);
    for (const key of keys) validateKey('metric', key);
    const out = Object.create(null) as Record<string, Record<string, HistoryPoint[]>>;
    const wanted = new Set(keys);
    const bulk = this.store.getMetricHistoriesBulk ? await this.store.getMetricHistoriesBulk(ids, keys) : undefined;
    for (const id of ids) {
      const byKey = (out[id] = Object.create(null) as Record<string, HistoryPoint[]>);
      for (const { key, step, value, timestamp } of bulk?.get(id) ?? (await this.store.getAllMetricHistories(id))) {
        if (wanted.has(key)) (byKey[key] ??= []).push({ step, value, timestamp });
      }
    }
    return out;
  }

  /** Whether `getMetricHistoriesBulk` saves requests on this store (a tracking server), so readers should batch. */
  get bulkHistories(): boolean {
    return typeof this.store.getMetricHistoriesBulk === 'function';
  }

  /**
   * MLflow's search_experiments: filter on name, creation_time, last_update_time and tags, order, and pages.
   * @example await tracker.searchExperiments({ filter: "name LIKE 'iris%' AND tags.team = 'a'", orderBy: ['name'] });
   */
  async searchExperiments(
    query: SearchExperimentsQuery = {},
  ): Promise<{ experiments: Experiment[]; nextPageToken?: string }> {
    const { viewType, ...search } = query;
    return searchExperimentsInMemory(await this.store.listExperiments(viewType ?? 'ACTIVE_ONLY'), search);
  }

  /** Sets a tag on an experiment (by name or id), as MLflow's set_experiment_tag. */
  async setExperimentTag(nameOrId: string, key: string, value: unknown): Promise<void> {
    const experiment = await this.getExperiment(nameOrId);
    await this.store.setExperimentTag(experiment.id, validateKey('tag', key), tagValueToString(key, value, 5000));
  }

  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.store.listExperiments(view);
  }

  /** An experiment by name or id. */
  async getExperiment(nameOrId: string): Promise<Experiment> {
    return resolveExperiment(await this.store.listExperiments('ALL'), nameOrId);
  }

  async createExperiment(name: string, tags: Record<string, unknown> = {}): Promise<Experiment> {
    const clean: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of ownEntries('tags', tags))
      clean[validateKey('tag', key)] = tagValueToString(key, value, 5000);
    return this.store.createExperiment(validateExperimentName(name), clean);
  }

  /** Gets or creates an experiment by name (one experiment even when several processes ask at once). */
  async ensureExperiment(name: string): Promise<Experiment> {
    return this.store.ensureExperiment(validateExperimentName(name));
  }

  async deleteExperiment(nameOrId: string): Promise<void> {
    await this.store.setExperimentLifecycle((await this.getExperiment(nameOrId)).id, 'deleted');
  }

  async restoreExperiment(nameOrId: string): Promise<void> {
    await this.store.setExperimentLifecycle((await this.getExperiment(nameOrId)).id, 'active');
  }

  /**
   * Ends a run another process left RUNNING (its kernel or script died): sets the status and end time.
   * @example await tracker.endRun('3f2a9c01d4e5', 'KILLED');
   */
  async endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'KILLED'): Promise<Run> {
    const record = await this.store.getRun(validateRunId(runId));
    if (record.status !== 'RUNNING') throw badState(msg.alreadyEnded(record.name, record.id, record.status));
    await this.store.updateRun(record.id, { status: validateRunStatus(status), endTime: Date.now() });
    return this.getRun(record.id);
  }

  async deleteRun(id: string): Promise<void> {
    await this.store.setRunLifecycle(validateRunId(id), 'deleted');
  }
  async restoreRun(id: string): Promise<void> {
    await this.store.setRunLifecycle(validateRunId(id), 'active');
  }

  /** Sets a tag on any run (e.g. one that has ended). */
  async setTag(runId: string, key: string, value: unknown): Promise<void> {
    await this.store.logBatch(validateRunId(runId), {
      tags: { [validateKey('tag', key)]: tagValueToString(key, value) },
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.store.deleteTag(validateRunId(runId), validateKey('tag', key));
  }

  async listArtifacts(runId: string, dir = '', options: { recursive?: boolean } = {}): Promise<ArtifactEntry[]> {
    const checked = validateArtifactPath(dir);
    return (await this.artifacts(runId)).list(checked, options.recursive ?? false);
  }

  async readArtifact(runId: string, path: string): Promise<Buffer> {
    const checked = validateArtifactPath(path);
    return (await this.artifacts(runId)).read(checked);
  }

  /** Local path of an artifact, when the store keeps files locally. */
  async artifactLocalPath(runId: string, path: string): Promise<string | undefined> {
    const checked = validateArtifactPath(path);
    return (await this.artifacts(runId)).localPath(checked);
  }

  /** Copies a local file or folder into the artifacts of any run (e.g. one that has ended), under `artifactDir`. */
  async logArtifact(runId: string, localPath: string, artifactDir = ''): Promise<void> {
    const checked = validateArtifactPath(artifactDir, 'artifact folder');
    await (await this.artifacts(runId)).copyIn(localPath, checked);
  }

  /** The artifact repository of a run, resolved from its artifact URI. */
  private async artifacts(runId: string): Promise<ArtifactRepository> {
    const id = validateRunId(runId);
    return this.backend.artifacts.forRun(this.store.recentRun?.(id) ?? (await this.store.getRun(id)));
  }

  /** Flushes every active run (they stay RUNNING) and closes the store. */
  async close(): Promise<void> {
    for (const run of this.active) await run.flush();
    await this.backend.close();
  }

  // ---- model registry (src/registry) ----
  /**
   * The model registry beside this store, opened on first use. Loaded on demand with the model flavors it reads, so
   * commands that only track or list runs never load them.
   */
  private async registry(): Promise<ModelRegistry> {
    if (this.registryService) return this.registryService;
    const registry = this.backend.registry;
    if (!registry) throw badState(msg.noRegistry(this.backend.uri, this.backend.kind));
    const { ModelRegistry } = await import('./registry/model-registry.js');
    this.registryService ??= new ModelRegistry(this.backend, registry, this.options.user);
    return this.registryService;
  }

  /**
   * Registers the model logged at `modelUri` (`runs:/<run id>/<path>`) as the next version of `name` (created if
   * missing), in MLflow's argument order. The older order `registerModel(name, modelUri)` still works and warns once:
   * it is recognised by a valid model name first and something that is not one (a URI) second.
   * @example
   * const mv = await tracker.registerModel(`runs:/${run.id}/model`, 'iris-rf', { description: 'baseline' });
   * // mv.version === 1
   */
  async registerModel(modelUri: string, name: string, options: RegisterOptions = {}): Promise<ModelVersion> {
    if (isModelName(modelUri) && !isModelName(name)) {
      warnOldOrder();
      return (await this.registry()).registerModel(modelUri, name, options);
    }
    return (await this.registry()).registerModel(name, modelUri, options);
  }

  /** Creates a registered model with no versions yet. */
  async createRegisteredModel(name: string, options: RegisterOptions = {}): Promise<RegisteredModel> {
    return (await this.registry()).createRegisteredModel(name, options);
  }

  /** @example const m = await tracker.getRegisteredModel('iris-rf'); m.aliases.champion // 2 */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.registry()).getRegisteredModel(name);
  }

  /** Every registered model, by name, each with its versions, aliases and history. */
  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return (await this.registry()).listRegisteredModels();
  }

  async updateRegisteredModel(name: string, edit: ModelEdit): Promise<RegisteredModel> {
    return (await this.registry()).updateRegisteredModel(name, edit);
  }

  /** Deletes a model and its versions (refused while a version is in Staging or Production). */
  async deleteRegisteredModel(name: string): Promise<void> {
    await (await this.registry()).deleteRegisteredModel(name);
  }

  async getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
    return (await this.registry()).getModelVersion(name, version);
  }

  async updateModelVersion(name: string, version: number | string, edit: ModelEdit): Promise<ModelVersion> {
    return (await this.registry()).updateModelVersion(name, version, edit);
  }

  /** Deletes a version and the aliases pointing to it; its number is never reused. */
  async deleteModelVersion(name: string, version: number | string, options: { comment?: string } = {}): Promise<void> {
    await (await this.registry()).deleteModelVersion(name, version, options.comment);
  }

  /**
   * Moves a version to None, Staging, Production or Archived (any case); recorded in the model's history.
   * @example await tracker.transitionStage('iris-rf', 2, 'Production', { archiveExisting: true, comment: 'beats v1' });
   */
  async transitionStage(
    name: string,
    version: number | string,
    stage: string,
    options: TransitionOptions = {},
  ): Promise<ModelVersion> {
    return (await this.registry()).transitionStage(name, version, stage, options);
  }

  /** @example await tracker.setAlias('iris-rf', 'champion', 2); // models:/iris-rf@champion */
  async setAlias(
    name: string,
    alias: string,
    version: number | string,
    options: { comment?: string } = {},
  ): Promise<void> {
    await (await this.registry()).setAlias(name, alias, version, options.comment);
  }

  async deleteAlias(name: string, alias: string, options: { comment?: string } = {}): Promise<void> {
    await (await this.registry()).deleteAlias(name, alias, options.comment);
  }

  /** @example await tracker.resolveModelUri('models:/iris-rf@champion') // { name, version, runId, source, path } */
  async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    return (await this.registry()).resolveModelUri(uri);
  }

  /**
   * Loads a model by `runs:/<run id>/<path>`, `models:/name/3`, `models:/name/latest`, `models:/name/Production` or
   * `models:/name@alias`.
   * @example const rf = await tracker.loadModel<RandomForestClassifier>('models:/iris-rf@champion'); rf.predict(X);
   */
  async loadModel<T = unknown>(uri: string): Promise<T> {
    return (await (await this.registry()).loadModel(uri)) as T;
  }

  /**
   * The run, experiment, git commit, datasets and history behind a version: lineage('iris-rf', 2) or
   * lineage('models:/iris-rf@champion').
   */
  async lineage(nameOrUri: string, version?: number | string): Promise<Lineage> {
    return (await this.registry()).lineage(nameOrUri, version);
  }

  private async experimentNames(): Promise<Map<string, string>> {
    return new Map((await this.store.listExperiments('ALL')).map((e) => [e.id, e.name]));
  }
}

const isModelName = (value: unknown): boolean => {
  try {
    validateModelName(value);
    return true;
  } catch {
    return false;
  }
};
let warnedOldOrder = false;
function warnOldOrder(): void {
  if (warnedOldOrder) return;
  warnedOldOrder = true;
  process.emitWarning(msg.oldRegisterOrder(), 'DeprecationWarning');
}

/**
 * ActiveRun loads with the first run started, so commands that only read (`runs list`) never load it. The promise is
 * kept: an `import()` per run costs a module resolution every time (and a loader round trip under tsx).
 */
let activeRunModule: Promise<typeof import('./active-run.js')> | undefined;
const loadActiveRun = (): Promise<typeof import('./active-run.js')> => (activeRunModule ??= import('./active-run.js'));

/** One adoption per process: later runs of the same script are new runs. */
let envRunAdopted = false;

function resolveExperiment(experiments: Experiment[], wanted: string): Experiment {
  if (typeof wanted !== 'string' || wanted === '') throw invalid(msg.experimentInvalid(wanted));
  const found = experiments.find((e) => e.name === wanted) ?? experiments.find((e) => e.id === wanted);
  if (!found) {
    const known = experiments
      .filter((e) => e.lifecycleStage === 'active')
      .map((e) => `"${e.name}"`)
      .join(', ');
    throw notFound(msg.experimentMissing(wanted, known));
  }
  return found;
}

export { toRun };
