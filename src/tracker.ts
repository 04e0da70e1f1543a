/** The public entry point: open a store, start runs, read and search them. */
import type { ArtifactEntry, Experiment, Run, RunRecord, ViewType } from './core/entities.js';
import { TAGS } from './core/entities.js';
import { badState, invalid, notFound } from './core/errors.js';
import { RUN_ID_ENV } from './core/reproduction.js';
import { randomRunName } from './core/names.js';
import { searchInMemory } from './core/search/index.js';
import { currentUser, defaultSourceName, sourceTags, type SourceType } from './core/source-info.js';
import {
  ownEntries, tagValueToString, validateArtifactPath, validateExperimentName, validateKey, validateRunId, validateRunName,
} from './core/validation.js';
import { ActiveRun } from './active-run.js';
import { openStore } from './store/resolve-store.js';
import type { TrackingStore } from './store/tracking-store.js';
import { ModelRegistry, type Lineage, type ModelEdit, type RegisterOptions, type TransitionOptions } from './registry/model-registry.js';
import { openRegistry } from './registry/open-registry.js';
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

export interface HistoryPoint { step: number; value: number; timestamp: number }

export class Tracker {
  private readonly active = new Set<ActiveRun>();
  private registryService: ModelRegistry | undefined;

  private constructor(readonly store: TrackingStore, private readonly options: Required<Omit<TrackerOptions, 'store'>>) {}

  /**
   * Opens a store.
   * @example const tracker = await Tracker.open({ store: './tracklab' });
   */
  static async open(options: TrackerOptions = {}): Promise<Tracker> {
    const store = await openStore(options.store, options.cwd);
    return new Tracker(store, {
      user: options.user ?? currentUser(),
      sourceName: options.sourceName ?? defaultSourceName(),
      sourceType: options.sourceType ?? 'LOCAL',
      cwd: options.cwd ?? process.cwd(),
    });
  }

  /** The store's URI, e.g. file:///home/me/project/tracklab */
  get storeUri(): string { return this.store.uri; }

  /**
   * Starts a run in an experiment (created if missing).
   * @example const run = await tracker.startRun({ experiment: 'iris', name: 'rf-100', tags: { team: 'a' } });
   */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const adopted = await this.adoptEnvRun(options);
    if (adopted) return adopted;
    const experiment = await this.store.ensureExperiment(validateExperimentName(options.experiment ?? 'Default'));
    const name = options.name === undefined ? randomRunName() : validateRunName(options.name);
    const tags: Record<string, string> = {};
    for (const [key, value] of ownEntries('tags', options.tags ?? {})) tags[validateKey('tag', key)] = tagValueToString(key, value);
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
    const run = new ActiveRun(this.store, writer, record.id, name, experiment.id, experiment.name, record.params, (r) => this.active.delete(r));
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
      throw badState(`${RUN_ID_ENV} names run ${id}, which is ${record.status}; `
        + `unset ${RUN_ID_ENV} to start a new run`);
    }
    const tags: Record<string, unknown> = { ...options.tags };
    if (options.name !== undefined) {
      await this.store.updateRun(id, { name: validateRunName(options.name) });
      tags[TAGS.runName] = options.name;
    }
    const experiment = await this.store.getExperiment(record.experimentId);
    const writer = await this.store.openRunWriter(id);
    const name = options.name ?? record.name;
    const run = new ActiveRun(this.store, writer, id, name, experiment.id, experiment.name, record.params,
      (r) => this.active.delete(r));
    this.active.add(run);
    if (Object.keys(tags).length > 0) await run.setTags(tags);
    return run;
  }

  /** Runs started by this tracker that have not ended. */
  get activeRuns(): ActiveRun[] { return [...this.active]; }

  /** @example const r = await tracker.getRun(run.id); r.metrics.loss */
  async getRun(id: string): Promise<Run> {
    const record = await this.store.getRun(validateRunId(id));
    const names = await this.experimentNames();
    return toRun(record, names.get(record.experimentId) ?? record.experimentId);
  }

  /**
   * Searches runs with MLflow's filter and order_by syntax; pages with nextPageToken.
   * @example await tracker.searchRuns({ experiments: ['iris'], filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'] });
   */
  async searchRuns(query: SearchRunsQuery = {}): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const experiments = await this.store.listExperiments('ALL');
    const names = new Map(experiments.map((e) => [e.id, e.name]));
    const ids = query.experiments === undefined
      ? experiments.filter((e) => e.lifecycleStage === 'active').map((e) => e.id)
      : query.experiments.map((wanted) => resolveExperiment(experiments, wanted).id);
    const records = await this.store.listRuns(ids, query.viewType ?? 'ACTIVE_ONLY');
    const runs = records.map((r) => toRun(r, names.get(r.experimentId) ?? r.experimentId));
    return searchInMemory(runs, query);
  }

  /** @example const h = await tracker.getMetricHistory(run.id, 'loss'); // [{ step, value, timestamp }] */
  async getMetricHistory(runId: string, key: string): Promise<HistoryPoint[]> {
    const points = await this.store.getMetricHistory(validateRunId(runId), validateKey('metric', key));
    return points.map(({ step, value, timestamp }) => ({ step, value, timestamp }));
  }

  /** Every metric history of a run in one read: { key: [{ step, value, timestamp }] }. */
  async getMetricHistories(runId: string): Promise<Record<string, HistoryPoint[]>> {
    const out: Record<string, HistoryPoint[]> = Object.create(null) as Record<string, HistoryPoint[]>;
    for (const { key, step, value, timestamp } of await this.store.getAllMetricHistories(validateRunId(runId))) {
      (out[key] ??= []).push({ step, value, timestamp });
    }
    return out;
  }

  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.store.listExperiments(view);
  }

  /** An experiment by name or id. */
  async getExperiment(nameOrId: string): Promise<Experiment> {
    return resolveExperiment(await this.store.listExperiments('ALL'), nameOrId);
  }

  async createExperiment(name: string, tags: Record<string, unknown> = {}): Promise<Experiment> {
    const clean: Record<string, string> = {};
    for (const [key, value] of ownEntries('tags', tags)) clean[validateKey('tag', key)] = tagValueToString(key, value, 5000);
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

  async deleteRun(id: string): Promise<void> { await this.store.setRunLifecycle(validateRunId(id), 'deleted'); }
  async restoreRun(id: string): Promise<void> { await this.store.setRunLifecycle(validateRunId(id), 'active'); }

  /** Sets a tag on any run (e.g. one that has ended). */
  async setTag(runId: string, key: string, value: unknown): Promise<void> {
    await this.store.logBatch(validateRunId(runId), { tags: { [validateKey('tag', key)]: tagValueToString(key, value) } });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.store.deleteTag(validateRunId(runId), validateKey('tag', key));
  }

  async listArtifacts(runId: string, dir = '', options: { recursive?: boolean } = {}): Promise<ArtifactEntry[]> {
    return this.store.listArtifacts(validateRunId(runId), validateArtifactPath(dir), options.recursive ?? false);
  }

  async readArtifact(runId: string, path: string): Promise<Buffer> {
    return this.store.readArtifact(validateRunId(runId), validateArtifactPath(path));
  }

  /** Local path of an artifact, when the store keeps files locally. */
  async artifactLocalPath(runId: string, path: string): Promise<string | undefined> {
    return this.store.artifactLocalPath(validateRunId(runId), validateArtifactPath(path));
  }

  /** Flushes every active run (they stay RUNNING) and closes the store. */
  async close(): Promise<void> {
    for (const run of this.active) await run.flush();
    await this.store.close();
  }

  // ---- model registry (src/registry) ----
  /** The model registry beside this store; opened on first use. */
  get models(): ModelRegistry {
    this.registryService ??= new ModelRegistry(this.store, openRegistry(this.store), this.options.user);
    return this.registryService;
  }

  /**
   * Registers the model logged at `source` (`runs:/<run id>/<path>`) as the next version of `name` (created if missing).
   * @example const mv = await tracker.registerModel('iris-rf', `runs:/${run.id}/model`, { description: 'baseline' }); // mv.version === 1
   */
  async registerModel(name: string, source: string, options: RegisterOptions = {}): Promise<ModelVersion> {
    return this.models.registerModel(name, source, options);
  }

  /** Creates a registered model with no versions yet. */
  async createRegisteredModel(name: string, options: RegisterOptions = {}): Promise<RegisteredModel> {
    return this.models.createRegisteredModel(name, options);
  }

  /** @example const m = await tracker.getRegisteredModel('iris-rf'); m.aliases.champion // 2 */
  async getRegisteredModel(name: string): Promise<RegisteredModel> { return this.models.getRegisteredModel(name); }

  /** Every registered model, by name, each with its versions, aliases and history. */
  async listRegisteredModels(): Promise<RegisteredModel[]> { return this.models.listRegisteredModels(); }

  async updateRegisteredModel(name: string, edit: ModelEdit): Promise<RegisteredModel> { return this.models.updateRegisteredModel(name, edit); }

  /** Deletes a model and its versions (refused while a version is in Staging or Production). */
  async deleteRegisteredModel(name: string): Promise<void> { await this.models.deleteRegisteredModel(name); }

  async getModelVersion(name: string, version: number | string): Promise<ModelVersion> { return this.models.getModelVersion(name, version); }

  async updateModelVersion(name: string, version: number | string, edit: ModelEdit): Promise<ModelVersion> {
    return this.models.updateModelVersion(name, version, edit);
  }

  /** Deletes a version and the aliases pointing to it; its number is never reused. */
  async deleteModelVersion(name: string, version: number | string, options: { comment?: string } = {}): Promise<void> {
    await this.models.deleteModelVersion(name, version, options.comment);
  }

  /**
   * Moves a version to None, Staging, Production or Archived (any case); recorded in the model's history.
   * @example await tracker.transitionStage('iris-rf', 2, 'Production', { archiveExisting: true, comment: 'beats v1' });
   */
  async transitionStage(name: string, version: number | string, stage: string, options: TransitionOptions = {}): Promise<ModelVersion> {
    return this.models.transitionStage(name, version, stage, options);
  }

  /** @example await tracker.setAlias('iris-rf', 'champion', 2); // models:/iris-rf@champion */
  async setAlias(name: string, alias: string, version: number | string, options: { comment?: string } = {}): Promise<void> {
    await this.models.setAlias(name, alias, version, options.comment);
  }

  async deleteAlias(name: string, alias: string, options: { comment?: string } = {}): Promise<void> {
    await this.models.deleteAlias(name, alias, options.comment);
  }

  /** @example await tracker.resolveModelUri('models:/iris-rf@champion') // { name, version, runId, source, path } */
  async resolveModelUri(uri: string): Promise<ResolvedModelUri> { return this.models.resolveModelUri(uri); }

  /**
   * Loads a model by `runs:/<run id>/<path>`, `models:/name/3`, `models:/name/latest`, `models:/name/Production` or `models:/name@alias`.
   * @example const rf = await tracker.loadModel<RandomForestClassifier>('models:/iris-rf@champion'); rf.predict(X);
   */
  async loadModel<T = unknown>(uri: string): Promise<T> { return (await this.models.loadModel(uri)) as T; }

  /** The run, experiment, git commit, datasets and history behind a version: lineage('iris-rf', 2) or lineage('models:/iris-rf@champion'). */
  async lineage(nameOrUri: string, version?: number | string): Promise<Lineage> { return this.models.lineage(nameOrUri, version); }

  private async experimentNames(): Promise<Map<string, string>> {
    return new Map((await this.store.listExperiments('ALL')).map((e) => [e.id, e.name]));
  }
}

/** One adoption per process: later runs of the same script are new runs. */
let envRunAdopted = false;

function resolveExperiment(experiments: Experiment[], wanted: string): Experiment {
  if (typeof wanted !== 'string' || wanted === '') throw invalid(`experiment ${JSON.stringify(wanted)} is invalid: give a name or id`);
  const found = experiments.find((e) => e.name === wanted) ?? experiments.find((e) => e.id === wanted);
  if (!found) {
    const known = experiments.filter((e) => e.lifecycleStage === 'active').map((e) => `"${e.name}"`).join(', ');
    throw notFound(`experiment "${wanted}" does not exist; known experiments: ${known || 'none'}`);
  }
  return found;
}

/** The API view of a stored run. */
export function toRun(record: RunRecord, experimentName: string): Run {
  const metrics: Record<string, number> = {};
  for (const [key, s] of Object.entries(record.metrics)) metrics[key] = s.value;
  return {
    id: record.id,
    name: record.name,
    experimentId: record.experimentId,
    experimentName,
    status: record.status,
    startTime: record.startTime,
    endTime: record.endTime,
    lifecycleStage: record.lifecycleStage,
    user: record.user,
    parentRunId: record.tags[TAGS.parentRunId] ?? null,
    params: { ...record.params },
    metrics,
    metricSummaries: record.metrics,
    tags: { ...record.tags },
    inputs: record.inputs,
  };
}
