import type { HistoryPoint } from '../core/history-points.js';
import type { RunPack } from '../core/history-pack.js';
import type { SampledColumns, SampledHistory } from '../core/history-sample.js';
import type {
  DatasetInput,
  Experiment,
  MetricColumns,
  MetricPoint,
  RunRecord,
  RunStatus,
  ViewType,
} from '../core/entities.js';

/**
 * The one interface every tracking backend implements (tracklab's JSON folder, an MLflow `mlruns` folder, an MLflow
 * REST server). Inputs reach a backend already validated (src/core/validation.ts); a backend only stores. Nothing here
 * names a file: a backend over REST must be able to implement it. Artifacts are not here: they sit behind an
 * ArtifactRepository resolved from each run's `artifactUri` (artifact-repository.ts).
 */
export interface TrackingStore extends TrackingStoreCore {
  /**
   * MLflow's search_runs: one page of runs of the given experiments, filtered and ordered in the backend (file
   * backends use src/core/search; a REST backend forwards the query). Every returned run has its `artifactUri`.
   */
  searchRuns(query: RunSearch): Promise<RunPage>;
}

/**
 * What a tracking backend does besides search; a folder backend implements this and gets search from search-records.ts.
 */
export interface TrackingStoreCore {
  /** The URI the store was opened with, e.g. `file:///home/me/project/tracklab`. */
  readonly uri: string;

  createExperiment(name: string, tags?: Record<string, string>): Promise<Experiment>;
  /** Atomic get-or-create by name: several processes asking at once get one experiment. */
  ensureExperiment(name: string): Promise<Experiment>;
  getExperiment(id: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  listExperiments(view?: ViewType): Promise<Experiment[]>;
  setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void>;
  setExperimentTag(id: string, key: string, value: string): Promise<void>;

  createRun(input: NewRun): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord>;
  updateRun(id: string, update: RunUpdate): Promise<RunRecord>;
  setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void>;
  /** Params, tags and inputs; params already set with the same value are no-ops, a different value is an error. */
  logBatch(id: string, batch: RunBatch): Promise<void>;
  deleteTag(id: string, key: string): Promise<void>;
  /**
   * The handle of the process that logs a run (its owner): metric points are buffered synchronously, params, tags and
   * inputs are written at once, and `end` makes the run durable. Changes other processes make to the run meanwhile
   * (tags, delete/restore) are folded in, not overwritten.
   */
  openRunWriter(id: string): Promise<RunWriter>;
  getMetricHistory(id: string, key: string): Promise<MetricPoint[]>;
  /**
   * Optional: one history in columns, the same points as `getMetricHistory` without an object per point. Stores that
   * keep columns (tracklab's JSON store) implement it; readers convert `getMetricHistory` otherwise.
   */
  getMetricColumns?(id: string, key: string): Promise<MetricColumns>;
  /**
   * Optional: one history as `{ step, value, timestamp }` objects, the same points as `getMetricHistory`, made straight
   * from the store's own representation (no intermediate point or column that outlives the read).
   */
  getHistoryPoints?(id: string, key: string): Promise<HistoryPoint[]>;
  /** Every point of every metric of a run, each key in logging order (one read for reports). */
  getAllMetricHistories(id: string): Promise<MetricPoint[]>;
  /**
   * Optional, for stores behind a network: `keys` of many runs in few requests, by run id, each run's points ordered
   * as `getAllMetricHistories`. Readers use it when present and read run by run otherwise.
   */
  getMetricHistoriesBulk?(runIds: readonly string[], keys: readonly string[]): Promise<Map<string, MetricPoint[]>>;
  /**
   * Optional, for stores behind a network: a run as a recent search returned it, without a request, or undefined.
   * Only for what never changes in a run (its id and artifact location), e.g. to list artifacts of searched runs.
   */
  recentRun?(id: string): RunRecord | undefined;
  /**
   * One history reduced to at most `maxPoints` buckets (min/max/last each, in step order), through the one shared
   * downsampling path (src/core/history-sample.ts), so every backend returns the same buckets for the same points.
   */
  getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory>;
  /** Optional: getSampledHistory of several keys in one read, in columns (absent: one read per key). */
  getSampledHistories?(id: string, keys: readonly string[], maxPoints: number): Promise<Map<string, SampledColumns>>;
  /**
   * Optional: the pack of a run's drawn histories the store wrote when it compacted the run (core/history-pack.ts),
   * for exactly `keys` (in this order) and `maxPoints`; undefined when it has none.
   */
  getRunPack?(id: string, keys: readonly string[], maxPoints: number): Promise<RunPack | undefined>;

  close(): Promise<void>;
}

/** A search as MLflow's SearchRuns request has it. */
export interface RunSearch {
  /** experiment ids (not names); at least one */
  experimentIds: readonly string[];
  /** MLflow filter syntax; '' or absent matches every run */
  filter?: string;
  /** e.g. `['metrics.acc DESC']`; default start time, newest first, then run id */
  orderBy?: readonly string[];
  /** 1..50000, default 1000 */
  maxResults?: number;
  /** `nextPageToken` of the previous page */
  pageToken?: string;
  /** default ACTIVE_ONLY */
  view?: ViewType;
  /**
   * The caller turns each record into a `Run` (`toRun`) and keeps nothing else of it: a store may then return params
   * and tags as plain objects built for this caller alone, and says so with `RunPage.plainDicts`; such records hold
   * only the fields `toRun` reads (`artifactUri` may be present but undefined, for a backend to fill).
   */
  plainDicts?: boolean;
}

/** One page of a run search. */
export interface RunPage {
  runs: RunRecord[];
  /** present only when more runs match */
  nextPageToken?: string;
  /**
   * Set when every record's params and tags are plain objects (not null-prototype) that no one else holds, as
   * `toRun` would copy them: the caller may take them as they are (`toRunTaking`).
   */
  plainDicts?: true;
}

export interface NewRun {
  /** keep this id (import between stores); default a new random 32-hex id. The caller checks it is free. */
  id?: string;
  experimentId: string;
  name: string;
  startTime: number;
  user: string;
  tags: Record<string, string>;
}

/**
 * The record of a run just started: RUNNING, active, with `input`'s tags and nothing logged. Every backend starts runs
 * from it, so a new run looks the same whichever store holds it; `own` replaces fields the backend keeps its own way
 * (its artifact URI, null-prototype records).
 *
 * @example newRunRecord('3f2a...', input, { artifactUri: 'file:///tmp/mlruns/0/3f2a.../artifacts' })
 */
export function newRunRecord(id: string, input: NewRun, own: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    experimentId: input.experimentId,
    name: input.name,
    status: 'RUNNING',
    startTime: input.startTime,
    endTime: null,
    lifecycleStage: 'active',
    deletedTime: null,
    user: input.user,
    params: {},
    tags: { ...input.tags },
    metrics: {},
    inputs: [],
    ...own,
  };
}

export interface RunUpdate {
  status?: RunStatus;
  endTime?: number | null;
  name?: string;
}

export interface RunBatch {
  params?: Record<string, string>;
  tags?: Record<string, string>;
  inputs?: DatasetInput[];
}

export interface RunWriter {
  readonly id: string;
  /** Validated by the caller. Cheap: buffers a line; writes out when the buffer is large. */
  appendMetric(key: string, value: number, step: number, timestamp: number): void;
  /** Params (immutable: a different value is an error), tags and inputs, written before this resolves. */
  logBatch(batch: RunBatch): Promise<void>;
  /**
   * Write-behind for stores where every write is a round trip (a server): validated params and tags go out with the
   * run's next request (its metric points, a short timer, `flush` or `end`), which then throws a refusal. Stores
   * without it write params and tags through `logBatch`.
   */
  queueBatch?(batch: Pick<RunBatch, 'params' | 'tags'>): void;
  /** Writes buffered points and the latest metric values out: they survive kill -9 of this process. */
  flush(): Promise<void>;
  /**
   * Flushes, records the final status and end time, and fsyncs the run: it survives power loss. With
   * `{ durable: false }` the fsync is left to the caller, who makes a whole batch durable at once (Backend.sync).
   */
  end(status: RunStatus, endTime: number, options?: { durable?: boolean }): Promise<void>;
}
