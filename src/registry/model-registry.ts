/**
 * The registry as the Tracker exposes it: validates input once, checks that sources are model folders of runs in
 * this store, resolves models:/ URIs, loads models and assembles lineage. Storage is a ModelRegistryStore.
 */
import type { DatasetInput, Experiment, RunRecord, RunStatus } from '../core/entities.js';
import { TAGS } from '../core/entities.js';
import { registryMessages as msg } from './messages.js';
import { badState, invalid, notFound, TracklabError } from '../core/errors.js';
import { MANIFEST_FILE } from '../models/manifest.js';
import { loadLoggedModel, loadModelFrom } from '../models/model-package.js';
import { runsUri } from '../models/runs-uri.js';
import { parseModelsUri, parseModelUri, parseRunsUri, type ModelRef } from './model-uri.js';
import type { ModelRegistryStore, RegisteredModelRecord, RegistryHistoryEntry } from '../store/registry-store.js';
import type { Backend } from '../store/backend.js';
import { checkArchiveExisting, checkDeletable } from '../store/registry-rules.js';
import type { TrackingStore } from '../store/tracking-store.js';
import {
  cleanTags,
  parseStage,
  validateAlias,
  validateComment,
  validateDescription,
  validateModelName,
  validateVersion,
} from './registry-validation.js';
import {
  toModelVersion,
  toRegisteredModel,
  type ModelVersion,
  type RegisteredModel,
  type ResolvedModelUri,
} from './views.js';

export interface RegisterOptions {
  description?: string;
  tags?: Record<string, unknown>;
}
export interface ModelEdit {
  description?: string;
  tags?: Record<string, unknown>;
  deleteTags?: string[];
}
export interface TransitionOptions {
  archiveExisting?: boolean;
  comment?: string;
}

/** A registered version traced back to what produced it. */
export interface Lineage {
  model: ModelVersion;
  run: {
    id: string;
    name: string;
    status: RunStatus;
    startTime: number;
    endTime: number | null;
    user: string;
    lifecycleStage: string;
    params: Record<string, string>;
    metrics: Record<string, number>;
  } | null;
  experiment: { id: string; name: string } | null;
  git: { commit: string; branch: string | null; repoURL: string | null; dirty: boolean | null } | null;
  sourceScript: string | null;
  parentRunId: string | null;
  datasets: DatasetInput[];
  /** history entries of this version, oldest first */
  history: RegistryHistoryEntry[];
}

/** Artifact files that mark a folder as a model (tracklab's manifest, or an MLflow model folder). */
const MODEL_MARKERS = [MANIFEST_FILE, 'MLmodel'];

export class ModelRegistry {
  private readonly tracking: TrackingStore;

  constructor(
    private readonly backend: Backend,
    readonly store: ModelRegistryStore,
    private readonly user: string,
  ) {
    this.tracking = backend.tracking;
  }

  async createRegisteredModel(name: string, options: RegisterOptions = {}): Promise<RegisteredModel> {
    const doc = await this.store.createRegisteredModel(validateModelName(name), {
      description: validateDescription('model', options.description ?? ''),
      tags: cleanTags(options.tags ?? {}),
      user: this.user,
    });
    return toRegisteredModel(doc);
  }

  async registerModel(name: string, source: string, options: RegisterOptions = {}): Promise<ModelVersion> {
    const modelName = validateModelName(name);
    const description = validateDescription('version', options.description ?? '');
    const tags = cleanTags(options.tags ?? {});
    const { runId, path } = await this.checkSource(source);
    const record = await this.store.createModelVersion(modelName, {
      source: runsUri(runId, path),
      runId,
      path,
      description,
      tags,
      user: this.user,
    });
    return this.getModelVersion(modelName, record.version);
  }

  /** Refuses anything but a model folder inside the artifacts of an existing, active run of this store. */
  async checkSource(source: string): Promise<{ runId: string; path: string }> {
    const { runId, path } = parseRunsUri(source);
    const run = await this.tracking.getRun(runId).catch((error: unknown) => {
      if (isNotFound(error)) throw notFound(msg.sourceRunMissing(source, runId, this.tracking.uri));
      throw error;
    });
    if (run.lifecycleStage === 'deleted') throw badState(msg.sourceRunDeleted(source, runId));
    const repo = this.backend.artifacts.forRun(run);
    const entries = await repo.list(path, false).catch((error: unknown) => {
      if (isNotFound(error)) throw notFound(msg.sourcePathMissing(source, path, runId));
      if (error instanceof TracklabError && error.code === 'INVALID_PARAMETER_VALUE') return [];
      throw error;
    });
    if (!entries.some((e) => MODEL_MARKERS.some((m) => e.path === `${path}/${m}`))) {
      throw invalid(msg.sourceNotAModel(source, path, runId, MANIFEST_FILE));
    }
    return { runId, path };
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return toRegisteredModel(await this.store.getRegisteredModel(validateModelName(name)));
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return (await this.store.listRegisteredModels()).map(toRegisteredModel);
  }

  async updateRegisteredModel(name: string, edit: ModelEdit): Promise<RegisteredModel> {
    return toRegisteredModel(await this.store.updateRegisteredModel(validateModelName(name), cleanEdit('model', edit)));
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    const checked = validateModelName(name);
    checkDeletable(await this.store.getRegisteredModel(checked)); // the backend checks again under its lock
    await this.store.deleteRegisteredModel(checked);
  }

  async getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
    const doc = await this.store.getRegisteredModel(validateModelName(name));
    return toModelVersion(doc, findVersion(doc, validateVersion(version)));
  }

  async updateModelVersion(name: string, version: number | string, edit: ModelEdit): Promise<ModelVersion> {
    const n = validateVersion(version);
    await this.store.updateModelVersion(validateModelName(name), n, cleanEdit('version', edit));
    return this.getModelVersion(name, n);
  }

  async deleteModelVersion(name: string, version: number | string, comment?: string): Promise<void> {
    await this.store.deleteModelVersion(validateModelName(name), validateVersion(version), {
      user: this.user,
      comment: validateComment(comment),
    });
  }

  async transitionStage(
    name: string,
    version: number | string,
    stage: string,
    options: TransitionOptions = {},
  ): Promise<ModelVersion> {
    const n = validateVersion(version);
    const target = parseStage(stage);
    if (options.archiveExisting === true) checkArchiveExisting(target);
    await this.store.transitionStage(validateModelName(name), n, target, {
      archiveExisting: options.archiveExisting === true,
      user: this.user,
      comment: validateComment(options.comment),
    });
    return this.getModelVersion(name, n);
  }

  async setAlias(name: string, alias: string, version: number | string, comment?: string): Promise<void> {
    await this.store.setAlias(validateModelName(name), validateAlias(alias), validateVersion(version), {
      user: this.user,
      comment: validateComment(comment),
    });
  }

  async deleteAlias(name: string, alias: string, comment?: string): Promise<void> {
    await this.store.deleteAlias(validateModelName(name), validateAlias(alias), {
      user: this.user,
      comment: validateComment(comment),
    });
  }

  async resolveModelUri(uri: string): Promise<ResolvedModelUri> {
    const { ref } = parseModelsUri(uri);
    const doc = await this.store.getRegisteredModel(ref.name);
    const v = findVersion(doc, pickVersion(doc, ref, uri));
    return { name: doc.name, version: v.version, runId: v.runId, source: v.source, path: v.path };
  }

  async loadModel(uri: string): Promise<unknown> {
    const parsed = parseModelUri(uri);
    const resolved = parsed.kind === 'runs' ? parsed : await this.resolveModelUri(uri);
    const loggedModel = 'source' in resolved ? /^models:\/(m-[^/]+)$/.exec(resolved.source)?.[1] : undefined;
    if (loggedModel !== undefined && 'source' in resolved) {
      // an MLflow 3 version whose source is a logged model: its files are the model's, not its run's
      const repo = this.backend.artifacts.forLoggedModel?.(loggedModel);
      if (!repo) throw invalid(msg.noLoggedModels(uri, resolved.version, resolved.name, resolved.source));
      return loadLoggedModel(await repo, resolved.source);
    }
    return loadModelFrom(this.backend, resolved.runId, resolved.path);
  }

  /** Version -> run, experiment, git commit, datasets and its history. Accepts (name, version) or a models:/ URI. */
  async lineage(nameOrUri: string, version?: number | string): Promise<Lineage> {
    const { name, version: n } =
      version === undefined
        ? await this.resolveModelUri(nameOrUri)
        : { name: validateModelName(nameOrUri), version: validateVersion(version) };
    const doc = await this.store.getRegisteredModel(name);
    const model = toModelVersion(doc, findVersion(doc, n));
    const history = doc.history.filter((h) => h.version === n);
    const run = await this.tracking.getRun(model.runId).catch(nullIfNotFound);
    if (!run) {
      const none = { run: null, experiment: null, git: null, sourceScript: null, parentRunId: null, datasets: [] };
      return { model, ...none, history };
    }
    const experiment = await this.tracking.getExperiment(run.experimentId).catch(nullIfNotFound);
    return { model, ...runLineage(run, experiment), history };
  }
}

/** What a version's run says of where the model came from: the run, its experiment, commit, script and data. */
function runLineage(run: RunRecord, experiment: Experiment | null): Omit<Lineage, 'model' | 'history'> {
  const tag = (key: string): string | null => (Object.hasOwn(run.tags, key) ? (run.tags[key] as string) : null);
  const metrics = Object.fromEntries(Object.entries(run.metrics).map(([key, s]) => [key, s.value]));
  return {
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      startTime: run.startTime,
      endTime: run.endTime,
      user: run.user,
      lifecycleStage: run.lifecycleStage,
      params: { ...run.params },
      metrics,
    },
    experiment: experiment
      ? { id: experiment.id, name: experiment.name }
      : { id: run.experimentId, name: run.experimentId },
    git:
      tag(TAGS.gitCommit) === null
        ? null
        : {
            commit: tag(TAGS.gitCommit) ?? '',
            branch: tag(TAGS.gitBranch),
            repoURL: tag(TAGS.gitRepoURL),
            dirty: tag(TAGS.gitDirty) === null ? null : tag(TAGS.gitDirty) === 'true',
          },
    sourceScript: tag(TAGS.sourceName),
    parentRunId: tag(TAGS.parentRunId),
    datasets: run.inputs.map((d) => ({ ...d })),
  };
}

function findVersion(doc: RegisteredModelRecord, version: number) {
  const found = doc.versions.find((v) => v.version === version);
  if (!found)
    throw notFound(
      msg.noSuchVersion(
        doc.name,
        version,
        doc.versions.map((v) => v.version),
      ),
    );
  return found;
}

function pickVersion(doc: RegisteredModelRecord, ref: ModelRef, uri: string): number {
  const newest = (versions: number[]): number | undefined =>
    versions.length === 0 ? undefined : Math.max(...versions);
  switch (ref.kind) {
    case 'version':
      return ref.version;
    case 'latest': {
      const v = newest(doc.versions.map((x) => x.version));
      if (v === undefined) throw notFound(msg.noVersions(uri, doc.name));
      return v;
    }
    case 'stage': {
      const v = newest(doc.versions.filter((x) => x.stage === ref.stage).map((x) => x.version));
      if (v === undefined) throw notFound(msg.noVersionInStage(uri, doc.name, ref.stage));
      return v;
    }
    case 'alias': {
      const v = Object.hasOwn(doc.aliases, ref.alias) ? doc.aliases[ref.alias] : undefined;
      if (v === undefined) {
        throw notFound(msg.noSuchAlias(uri, doc.name, ref.alias, Object.keys(doc.aliases)));
      }
      return v;
    }
  }
}

function cleanEdit(
  what: string,
  edit: ModelEdit,
): { description?: string; tags?: Record<string, string>; deleteTags?: string[] } {
  return {
    ...(edit.description !== undefined ? { description: validateDescription(what, edit.description) } : {}),
    ...(edit.tags !== undefined ? { tags: cleanTags(edit.tags) } : {}),
    ...(edit.deleteTags !== undefined
      ? { deleteTags: edit.deleteTags.map((k) => Object.keys(cleanTags({ [k]: '' }))[0] as string) }
      : {}),
  };
}

const nullIfNotFound = (error: unknown): null => {
  if (isNotFound(error)) return null;
  throw error;
};

const isNotFound = (error: unknown): boolean =>
  error instanceof TracklabError && error.code === 'RESOURCE_DOES_NOT_EXIST';
