import type {
  ArtifactEntry, DatasetInput, Experiment, MetricPoint, RunRecord, RunStatus, ViewType,
} from '../core/entities.js';

/**
 * The one interface every tracking backend implements (JSON files today; an MLflow `mlruns` folder and an MLflow
 * REST server are planned). Inputs reach a backend already validated (src/core/validation.ts); a backend only stores.
 * Nothing here names a file: a backend over REST must be able to implement it.
 */
export interface TrackingStore {
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
  /** Every point of every metric of a run, in logging order (one read for reports). */
  getAllMetricHistories(id: string): Promise<MetricPoint[]>;
  /** Runs of the given experiments (ids), newest first; filtering and ordering are done by src/core/search. */
  listRuns(experimentIds: readonly string[], view: ViewType): Promise<RunRecord[]>;

  /** Copies a local file or folder into the run's artifacts under `artifactDir` (validated relative path or ''). */
  logArtifact(runId: string, localPath: string, artifactDir: string): Promise<void>;
  writeArtifact(runId: string, artifactPath: string, data: string | Uint8Array): Promise<void>;
  listArtifacts(runId: string, dir?: string, recursive?: boolean): Promise<ArtifactEntry[]>;
  readArtifact(runId: string, artifactPath: string): Promise<Buffer>;
  /** A local path to the artifact when the backend has one (after a containment check), else undefined. */
  artifactLocalPath(runId: string, artifactPath: string): Promise<string | undefined>;

  close(): Promise<void>;
}

export interface NewRun {
  experimentId: string;
  name: string;
  startTime: number;
  user: string;
  tags: Record<string, string>;
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
  /** Writes buffered points and the latest metric values out: they survive kill -9 of this process. */
  flush(): Promise<void>;
  /** Flushes, records the final status and end time, and fsyncs the run: it survives power loss. */
  end(status: RunStatus, endTime: number): Promise<void>;
}
