/** MLflow's REST JSON shapes and their conversion to tracklab's entities, both ways. */
import type {
  DatasetInput,
  Experiment,
  MetricPoint,
  MetricSummary,
  RunRecord,
  RunStatus,
} from '../../core/entities.js';
import { badState, TracklabError } from '../../core/errors.js';

export interface KeyValue {
  key: string;
  value: string;
}
export interface RestMetric {
  key: string;
  value: number | string;
  timestamp: number | string;
  step?: number | string;
}
export interface RestExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
  artifact_location?: string;
  creation_time?: number | string;
  last_update_time?: number | string;
  tags?: KeyValue[];
}
export interface RestDatasetInput {
  tags?: KeyValue[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}
export interface RestRun {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    user_id?: string;
    status?: string;
    start_time?: number | string;
    end_time?: number | string;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: RestMetric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: RestDatasetInput[] };
}

/** MLflow's JSON writes NaN and infinities as strings, int64 sometimes as strings. */
export const num = (v: number | string | undefined): number => (v === undefined ? 0 : Number(v));

/** A metric value as MLflow's protobuf JSON parser accepts it. */
export const metricValue = (v: number): number | string =>
  Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';

export const toKeyValues = (record: Record<string, string>): KeyValue[] =>
  Object.entries(record).map(([key, value]) => ({ key, value }));

export const fromKeyValues = (list: KeyValue[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value ?? '']));

export function toExperiment(e: RestExperiment): Experiment {
  return {
    id: e.experiment_id,
    name: e.name,
    lifecycleStage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    creationTime: num(e.creation_time),
    lastUpdateTime: num(e.last_update_time),
    tags: fromKeyValues(e.tags),
  };
}

export function toPoint(m: RestMetric): MetricPoint {
  return { key: m.key, value: num(m.value), step: num(m.step), timestamp: num(m.timestamp) };
}

/** A server keeps only the latest value of a metric: min, max and count are not known (count 0, see MetricSummary). */
function summary(m: RestMetric): MetricSummary {
  const value = num(m.value);
  return { value, step: num(m.step), timestamp: num(m.timestamp), min: Number.NaN, max: Number.NaN, count: 0 };
}

export function toDatasetInput(d: RestDatasetInput): DatasetInput {
  const context = d.tags?.find((t) => t.key === 'mlflow.data.context')?.value;
  const { name, digest, source_type: sourceType, source, schema, profile } = d.dataset;
  return {
    name,
    digest,
    sourceType,
    source,
    ...(schema ? { schema } : {}),
    ...(profile ? { profile } : {}),
    ...(context ? { context } : {}),
  };
}

export function fromDatasetInput(d: DatasetInput): RestDatasetInput {
  return {
    tags: d.context === undefined ? [] : [{ key: 'mlflow.data.context', value: d.context }],
    dataset: {
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      ...(d.schema === undefined ? {} : { schema: d.schema }),
      ...(d.profile === undefined ? {} : { profile: d.profile }),
    },
  };
}

/**
 * One summary per key. MLflow 3 lists a key once per dataset or logged model it was logged against (`dataset_name`,
 * `model_id`); the run's value is then the latest of them, by step, timestamp and value as MLflow orders points.
 */
function latestByKey(metrics: readonly RestMetric[]): Record<string, MetricSummary> {
  const out = Object.create(null) as Record<string, MetricSummary>;
  for (const m of metrics) {
    const s = summary(m);
    const before = out[m.key];
    if (!before || s.step > before.step || (s.step === before.step && later(s, before))) out[m.key] = s;
  }
  return out;
}

const later = (a: MetricSummary, b: MetricSummary): boolean =>
  a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.value > b.value);

export function fromRestRun(r: RestRun): RunRecord {
  const tags = fromKeyValues(r.data?.tags);
  const end = r.info.end_time;
  return {
    id: r.info.run_id,
    experimentId: r.info.experiment_id,
    name: r.info.run_name ?? tags['mlflow.runName'] ?? '',
    status: (r.info.status ?? 'RUNNING') as RunStatus,
    startTime: num(r.info.start_time),
    endTime: end === undefined || end === null ? null : num(end),
    lifecycleStage: r.info.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    deletedTime: null,
    user: r.info.user_id ?? tags['mlflow.user'] ?? '',
    params: fromKeyValues(r.data?.params),
    tags,
    metrics: latestByKey(r.data?.metrics ?? []),
    inputs: (r.inputs?.dataset_inputs ?? []).map(toDatasetInput),
    ...(r.info.artifact_uri ? { artifactUri: r.info.artifact_uri } : {}),
  };
}

/** MLflow refuses writes to a deleted run with INVALID_PARAMETER_VALUE; tracklab's contract says INVALID_STATE. */
export function asStateError(error: unknown): unknown {
  if (error instanceof TracklabError && /must be in the 'active' state/.test(error.message)) {
    return badState(error.message.replace(/^tracklab: /, ''));
  }
  return error;
}
