/**
 * TrackingStore over MLflow's REST API. Search, filters, ordering and paging are the server's; this class maps
 * shapes and error codes only. Run writers buffer metric points and send them in `runs/log-batch` requests.
 */
import { sampleHistory, type SampledHistory } from '../../core/history-sample.js';
import type { Experiment, MetricPoint, RunRecord, RunStatus, ViewType } from '../../core/entities.js';
import { invalid, type TracklabError } from '../../core/errors.js';
import { msg } from '../../core/search/messages.js';
import { MAX_RESULTS_LIMIT } from '../../core/search/search.js';
import type { NewRun, RunBatch, RunPage, RunSearch, RunUpdate, RunWriter, TrackingStore } from '../tracking-store.js';
import {
  asStateError,
  fromDatasetInput,
  toExperiment,
  toKeyValues,
  toPoint,
  fromRestRun,
  type RestExperiment,
  type RestMetric,
  type RestRun,
} from './convert.js';
import { splitLogBatches } from './log-batches.js';
import { ServerUnavailableError, type RestClient } from './rest-client.js';
import { readHistories } from './rest-histories.js';
import { offlineExperiment, queuedOfflineRun, startOfflineRun } from './offline-runs.js';
import { RestRunWriter, type WriterHooks } from './rest-run-writer.js';
import type { Spool } from './spool.js';
import { storeMessages } from '../messages.js';

/**
 * How long a looked-up experiment is reused by name. Another client deleting it meanwhile makes the next run's
 * creation fail with the server's message, as it would without the cache.
 */
const EXPERIMENT_TTL_MS = 60_000;
/** Searched runs kept for their artifact location. */
const RECENT_RUNS = 10_000;

export class RestTracking implements TrackingStore {
  constructor(
    readonly client: RestClient,
    readonly uri: string,
    private readonly hooks: WriterHooks = {},
  ) {}

  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    const { experiment_id: id } = await this.client.call<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      { name, tags: toKeyValues(tags) },
      false,
    );
    return this.getExperiment(id);
  }

  /** Experiments by name as recently seen, so starting run after run asks the server for it once. */
  private readonly known = new Map<string, { experiment: Experiment; at: number }>();

  async ensureExperiment(name: string): Promise<Experiment> {
    const cached = this.known.get(name);
    if (cached && Date.now() - cached.at < EXPERIMENT_TTL_MS) return cached.experiment;
    const experiment = await this.lookUpOrCreate(name);
    if (experiment.lifecycleStage === 'active' && !experiment.id.startsWith('offline:')) {
      this.known.set(name, { experiment, at: Date.now() });
    }
    return experiment;
  }

  private async lookUpOrCreate(name: string): Promise<Experiment> {
    const found = await this.offlineWhenDown(
      () => this.getExperimentByName(name),
      () => offlineExperiment(name),
    );
    if (found) return found;
    try {
      return await this.createExperiment(name);
    } catch (error) {
      // another client created it meanwhile
      if ((error as TracklabError).code !== 'RESOURCE_ALREADY_EXISTS') throw error;
      const again = await this.getExperimentByName(name);
      if (!again) throw error;
      return again;
    }
  }

  async getExperiment(id: string): Promise<Experiment> {
    const res = await this.client.call<{ experiment: RestExperiment }>('GET', 'experiments/get', { experiment_id: id });
    return toExperiment(res.experiment);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const res = await this.client.call<{ experiment: RestExperiment }>('GET', 'experiments/get-by-name', {
        experiment_name: name,
      });
      return toExperiment(res.experiment);
    } catch (error) {
      if ((error as TracklabError).code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    const all: Experiment[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.call<{ experiments?: RestExperiment[]; next_page_token?: string }>(
        'POST',
        'experiments/search',
        { view_type: view, max_results: 1000, ...(token ? { page_token: token } : {}) },
      );
      all.push(...(res.experiments ?? []).map(toExperiment));
      token = res.next_page_token || undefined;
    } while (token);
    return all.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  }

  async setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    this.known.clear();
    if (id === '0' && stage === 'deleted') throw invalid(storeMessages.defaultExperimentUndeletable());
    await this.client.call('POST', stage === 'deleted' ? 'experiments/delete' : 'experiments/restore', {
      experiment_id: id,
    });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.client.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key, value });
  }

  /** When the server is unreachable and the queue is on, the run starts in the queue (see sync.ts). */
  async createRun(input: NewRun): Promise<RunRecord> {
    const create = async (): Promise<RunRecord> => {
      if (input.experimentId.startsWith('offline:')) throw new ServerUnavailableError(this.client.shown, 'offline');
      const res = await this.client.call<{ run: RestRun }>(
        'POST',
        'runs/create',
        {
          experiment_id: input.experimentId,
          user_id: input.user,
          run_name: input.name,
          start_time: input.startTime,
          tags: toKeyValues(input.tags),
        },
        false,
      );
      return fromRestRun(res.run);
    };
    const run = await this.offlineWhenDown(create, () => startOfflineRun(this.hooks, this.client.shown, input));
    this.remember(run); // its artifacts are listed without asking the server (which may be down) for the run
    return run;
  }

  private async offlineWhenDown<T>(call: () => Promise<T>, offline: () => T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ServerUnavailableError && this.hooks.spool) return offline();
      throw error;
    }
  }

  /** A run started offline (by any process) and not yet synced is read from its queue: the server has no such run. */
  async getRun(id: string): Promise<RunRecord> {
    const startedHere = this.hooks.offline?.has(id) === true ? queuedOfflineRun(this.hooks, id) : undefined;
    if (startedHere) return startedHere;
    try {
      return fromRestRun((await this.client.call<{ run: RestRun }>('GET', 'runs/get', { run_id: id })).run);
    } catch (error) {
      const unknown =
        error instanceof ServerUnavailableError || (error as TracklabError).code === 'RESOURCE_DOES_NOT_EXIST';
      const queued = unknown ? queuedOfflineRun(this.hooks, id) : undefined;
      if (queued) return queued;
      throw error;
    }
  }

  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    await this.client
      .call('POST', 'runs/update', {
        run_id: id,
        ...(update.status === undefined ? {} : { status: update.status }),
        ...(update.endTime === undefined || update.endTime === null ? {} : { end_time: update.endTime }),
        ...(update.name === undefined ? {} : { run_name: update.name }),
      })
      .catch((e: unknown) => {
        throw asStateError(e);
      });
    return this.getRun(id);
  }

  /** Ends a run: the status and end time, without reading the run back (what a writer's `end` needs). */
  async finishRun(id: string, status: RunStatus, endTime: number): Promise<void> {
    await this.client.call('POST', 'runs/update', { run_id: id, status, end_time: endTime }).catch((e: unknown) => {
      throw asStateError(e);
    });
  }

  async setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.client.call('POST', stage === 'deleted' ? 'runs/delete' : 'runs/restore', { run_id: id });
  }

  /** Params and tags in log-batch requests, inputs with log-inputs. */
  async logBatch(id: string, batch: RunBatch): Promise<void> {
    try {
      for (const body of splitLogBatches([], toKeyValues(batch.params ?? {}), toKeyValues(batch.tags ?? {}))) {
        await this.client.call('POST', 'runs/log-batch', { run_id: id, ...body });
      }
      if (batch.inputs && batch.inputs.length > 0) {
        await this.client.call('POST', 'runs/log-inputs', { run_id: id, datasets: batch.inputs.map(fromDatasetInput) });
      }
    } catch (error) {
      throw asStateError(error);
    }
  }

  async deleteTag(id: string, key: string): Promise<void> {
    await this.client.call('POST', 'runs/delete-tag', { run_id: id, key }).catch((e: unknown) => {
      throw asStateError(e);
    });
  }

  async openRunWriter(id: string): Promise<RunWriter> {
    return new RestRunWriter(this, id, this.hooks);
  }

  /** The offline queue, when on. */
  get spool(): Spool | undefined {
    return this.hooks.spool;
  }

  /** Every point of one metric, fetched page by page. */
  async getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.call<{ metrics?: RestMetric[]; next_page_token?: string }>(
        'GET',
        'metrics/get-history',
        {
          run_id: id,
          metric_key: key,
          max_results: 25000,
          ...(token ? { page_token: token } : {}),
        },
      );
      points.push(...(res.metrics ?? []).map(toPoint));
      token = res.next_page_token || undefined;
    } while (token);
    return points;
  }

  /** `keys` of many runs in few requests (see rest-histories.ts), by run id. */
  getMetricHistoriesBulk(runIds: readonly string[], keys: readonly string[]): Promise<Map<string, MetricPoint[]>> {
    return readHistories(this, runIds, keys);
  }

  /** The full history (paged in by getMetricHistory), downsampled by the shared path. */
  async getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory> {
    return sampleHistory(await this.getMetricHistory(id, key), maxPoints);
  }

  /** The histories of every metric of the run, fetched concurrently, ordered by timestamp then step. */
  async getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    const keys = Object.keys((await this.getRun(id)).metrics);
    const lists = await Promise.all(keys.map((key) => this.getMetricHistory(id, key)));
    return lists.flat().sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
  }

  async searchRuns(query: RunSearch): Promise<RunPage> {
    const max = query.maxResults ?? 1000;
    if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS_LIMIT) {
      throw invalid(msg.maxResults(max, MAX_RESULTS_LIMIT));
    }
    const res = await this.client.call<{ runs?: RestRun[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: query.experimentIds,
      filter: query.filter ?? '',
      run_view_type: query.view ?? 'ACTIVE_ONLY',
      max_results: max,
      order_by: query.orderBy ?? [],
      ...(query.pageToken ? { page_token: query.pageToken } : {}),
    });
    const runs = (res.runs ?? []).map(fromRestRun);
    for (const run of runs) this.remember(run);
    return res.next_page_token ? { runs, nextPageToken: res.next_page_token } : { runs };
  }

  /** Runs from recent searches, for their artifact location (a report lists the artifacts of every run it found). */
  private readonly recent = new Map<string, RunRecord>();

  recentRun(id: string): RunRecord | undefined {
    return this.recent.get(id);
  }

  private remember(run: RunRecord): void {
    this.recent.delete(run.id);
    this.recent.set(run.id, run);
    if (this.recent.size > RECENT_RUNS) this.recent.delete(this.recent.keys().next().value as string);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
