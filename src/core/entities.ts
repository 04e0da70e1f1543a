/** Entities of tracklab's data model. Field meanings follow MLflow's (mlflow/entities) so data can move both ways. */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A run that failed or was killed: its values are not results, so rankings by a metric put it after the rest. */
export const unfinished = (status: string | undefined): boolean => status === 'FAILED' || status === 'KILLED';
export const TERMINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

export type LifecycleStage = 'active' | 'deleted';
/** Which runs or experiments a listing returns, as MLflow's ViewType. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  id: string;
  name: string;
  lifecycleStage: LifecycleStage;
  /** ms since the epoch */
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

/** One point of a metric's history. `value` may be NaN or +-Infinity (see README, "NaN and Infinity"). */
export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/**
 * One metric history in columns, in logging order: what large reads return instead of one object per point
 * (a 100k-point history is three arrays, not 100k objects).
 */
export interface MetricColumns {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

/**
 * Running summary of a metric: the latest point (largest step, timestamp, value, as MLflow) plus min, max and count.
 * A backend that keeps only the latest point (an MLflow server: `capabilities.metricSummaries` false) gives count 0
 * and NaN min and max, meaning "not known"; `summaryKnown` tells them apart and displays show "—".
 */
export interface MetricSummary {
  value: number;
  step: number;
  timestamp: number;
  min: number;
  max: number;
  count: number;
}

/** Whether min, max and count of a summary were kept (false for a backend that keeps only the latest point). */
export const summaryKnown = (s: MetricSummary): boolean => s.count > 0;

/** What displays show for a min, max or count the backend did not keep. */
export const UNKNOWN_SUMMARY = '—';

/** A dataset input of a run (MLflow log_input). */
export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  /** tag mlflow.data.context, e.g. "training" */
  context?: string;
}

/** Everything a store keeps about a run. */
export interface RunRecord {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  deletedTime: number | null;
  user: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, MetricSummary>;
  inputs: DatasetInput[];
  /**
   * Where the run's files live, e.g. `file:///home/me/mlruns/1/<id>/artifacts`; filled in by the backend that returns
   * the run (a backend may leave it out of what it stores and derive it).
   */
  artifactUri?: string;
}

/** A run as the API and the CLI's --json return it. */
export interface Run {
  id: string;
  name: string;
  experimentId: string;
  experimentName: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  user: string;
  parentRunId: string | null;
  params: Record<string, string>;
  /** latest value of each metric */
  metrics: Record<string, number>;
  /** latest step, timestamp, min, max and count of each metric */
  metricSummaries: Record<string, MetricSummary>;
  tags: Record<string, string>;
  inputs: DatasetInput[];
  /** where the run's files live (a `file:` URI for folder stores); '' when the backend does not say */
  artifactUri?: string;
}

export interface ArtifactEntry {
  /** path relative to the run's artifact root, '/'-separated */
  path: string;
  isDir: boolean;
  /** bytes; 0 for folders */
  size: number;
}

/** MLflow's reserved system tags plus tracklab's own. */
export const TAGS = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepoURL: 'mlflow.source.git.repoURL',
  parentRunId: 'mlflow.parentRunId',
  note: 'mlflow.note.content',
  logModelHistory: 'mlflow.log-model.history',
  gitDirty: 'tracklab.source.git.dirty',
  nodeVersion: 'tracklab.node.version',
  tracklabVersion: 'tracklab.version',
} as const;
