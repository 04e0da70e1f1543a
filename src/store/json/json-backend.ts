/**
 * Assembles tracklab's JSON folder store into a Backend: the JsonStore for tracking (plus search and artifact URIs),
 * the JsonRegistry beside it, and artifacts under `runs/<id>/artifacts`.
 */
import type { RunPack } from '../../core/history-pack.js';
import type { SampledColumns, SampledHistory } from '../../core/history-sample.js';
import { join } from 'node:path';
import type { HistoryPoint } from '../../core/history-points.js';
import type { Experiment, MetricColumns, MetricPoint, RunRecord, ViewType } from '../../core/entities.js';
import { artifactResolver } from '../artifact-repository.js';
import type { Backend } from '../backend.js';
import type { NewRun, RunBatch, RunPage, RunSearch, RunUpdate, RunWriter, TrackingStore } from '../tracking-store.js';
import { lazyRegistry } from '../lazy-registry.js';
import type { ModelRegistryStore } from '../registry-store.js';
import { JsonStore } from './json-store.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { pathToFileURL } = process.getBuiltinModule('node:url');

/** Opens (creating if needed) the JSON store in folder `root` as a Backend. */
export async function openJsonBackend(root: string): Promise<Backend> {
  const store = await JsonStore.open(root);
  const tracking = new JsonTracking(store);
  let registry: ModelRegistryStore | undefined;
  return {
    kind: 'json',
    uri: store.uri,
    tracking,
    // created on first use, so a read-only look at a store leaves no registry folder behind, and loaded on first use,
    // so listing runs does not load the registry's modules
    get registry() {
      return (registry ??= lazyRegistry(async () => new (await import('./json-registry.js')).JsonRegistry(root)));
    },
    artifacts: artifactResolver((run) => artifactDir(root, run.id)),
    capabilities: {
      metricSummaries: true,
      registryHistory: true,
      datasets: true,
      localArtifacts: true,
      concurrentWriters: true,
    },
    close: () => tracking.close(),
    sync: async () => (await import('../sync-folder.js')).syncFolder(root),
  };
}

const artifactDir = (root: string, runId: string): string => join(root, 'runs', runId, 'artifacts');

/** The JsonStore as a TrackingStore: adds search and the artifact URI of every run it returns. */
export class JsonTracking implements TrackingStore {
  readonly uri: string;
  /** `file:` URL of the runs folder, built once: pathToFileURL costs more than a whole search step per run */
  private readonly runsUrl: string;

  constructor(readonly store: JsonStore) {
    this.uri = store.uri;
    this.runsUrl = pathToFileURL(join(store.root, 'runs')).href;
  }

  private withUri = (run: RunRecord): RunRecord => {
    run.artifactUri ??= `${this.runsUrl}/${encodeURIComponent(run.id)}/artifacts`;
    return run;
  };

  createExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    return this.store.createExperiment(name, tags);
  }
  ensureExperiment(name: string): Promise<Experiment> {
    return this.store.ensureExperiment(name);
  }
  getExperiment(id: string): Promise<Experiment> {
    return this.store.getExperiment(id);
  }
  getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.store.getExperimentByName(name);
  }
  listExperiments(view?: ViewType): Promise<Experiment[]> {
    return this.store.listExperiments(view);
  }
  setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.store.setExperimentLifecycle(id, stage);
  }
  setExperimentTag(id: string, key: string, value: string): Promise<void> {
    return this.store.setExperimentTag(id, key, value);
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    return this.withUri(await this.store.createRun(input));
  }
  async getRun(id: string): Promise<RunRecord> {
    return this.withUri(await this.store.getRun(id));
  }
  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    return this.withUri(await this.store.updateRun(id, update));
  }
  setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.store.setRunLifecycle(id, stage);
  }
  logBatch(id: string, batch: RunBatch): Promise<void> {
    return this.store.logBatch(id, batch);
  }
  deleteTag(id: string, key: string): Promise<void> {
    return this.store.deleteTag(id, key);
  }
  openRunWriter(id: string): Promise<RunWriter> {
    return this.store.openRunWriter(id);
  }
  getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    return this.store.getMetricHistory(id, key);
  }
  getMetricColumns(id: string, key: string): Promise<MetricColumns> {
    return this.store.getMetricColumns(id, key);
  }
  getHistoryPoints(id: string, key: string): Promise<HistoryPoint[]> {
    return this.store.getHistoryPoints(id, key);
  }
  getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    return this.store.getAllMetricHistories(id);
  }
  getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory> {
    return this.store.getSampledHistory(id, key, maxPoints);
  }

  getSampledHistories(id: string, keys: readonly string[], maxPoints: number): Promise<Map<string, SampledColumns>> {
    return this.store.getSampledHistories(id, keys, maxPoints);
  }
  getRunPack(id: string, keys: readonly string[], maxPoints: number): Promise<RunPack | undefined> {
    return this.store.getRunPack(id, keys, maxPoints);
  }

  async searchRuns(query: RunSearch): Promise<RunPage> {
    const page = await this.store.searchRuns(query);
    // the store returns new records (not the ones it caches), which may gain their URI
    return { ...page, runs: page.runs.map(this.withUri) };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
