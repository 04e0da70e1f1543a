/**
 * MLflow 2.x file-store layout (mlflow/store/tracking/file_store.py): what each meta.yaml holds and how metric lines
 * read and write. Pure functions; the files themselves are read in mlruns-tracking.ts.
 *
 * <root>/<exp id>/meta.yaml, tags/<key>, datasets/<md5>/meta.yaml
 * <root>/<exp id>/<run id>/meta.yaml, params/<key>, tags/<key>, metrics/<key>, inputs/<md5>/meta.yaml, artifacts/
 * <root>/.trash/<exp id>/...   deleted experiments, moved there whole
 * <root>/models/<name>/...     the registry (mlruns-registry.ts)
 */
import type { Experiment, MetricPoint, MetricSummary, RunRecord, RunStatus } from '../../core/entities.js';
import { corrupt } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { foldPoint } from '../../core/metric-summary.js';

export const META = 'meta.yaml';
export const TRASH = '.trash';
export const MODELS = 'models';
/** Sub-folders of an experiment that are not runs (MLflow 3 adds models/ and traces/). */
export const NOT_RUNS = new Set(['tags', 'datasets', 'models', 'traces']);

/** MLflow's RunStatus enum, as stored in a run's meta.yaml. */
const STATUS_CODES: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 };
const STATUS_NAMES = new Map(Object.entries(STATUS_CODES).map(([name, code]) => [code, name as RunStatus]));
/** MLflow's SourceType.LOCAL: what its file store always writes. */
export const SOURCE_TYPE_LOCAL = 4;

export const statusCode = (status: RunStatus): number => STATUS_CODES[status];

export function statusName(code: unknown, file: string): RunStatus {
  if (code === undefined || code === null) return 'RUNNING'; // MLflow's default for a meta.yaml without status
  const name =
    typeof code === 'number'
      ? STATUS_NAMES.get(code)
      : typeof code === 'string' && code in STATUS_CODES
        ? (code as RunStatus)
        : undefined;
  if (name === undefined) throw corrupt(file, storeMessages.statusUnknown(code));
  return name;
}

/** An integer field of a meta.yaml (ms timestamps); null/absent give `fallback`. */
export function intField(
  meta: Record<string, unknown>,
  key: string,
  file: string,
  fallback: number | null,
): number | null {
  const v = meta[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw corrupt(file, storeMessages.fieldNotMillis(key, v));
}

export function textField(meta: Record<string, unknown>, key: string, file: string, fallback?: string): string {
  const v = meta[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v); // ids written as numbers by old MLflow releases
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw corrupt(file, storeMessages.fieldMissing(key));
}

export function experimentFromMeta(
  meta: Record<string, unknown>,
  tags: Record<string, string>,
  file: string,
): Experiment {
  const stage = meta['lifecycle_stage'] ?? 'active';
  if (stage !== 'active' && stage !== 'deleted') throw corrupt(file, storeMessages.lifecycleUnknown(stage));
  const created = intField(meta, 'creation_time', file, 0) ?? 0;
  return {
    id: textField(meta, 'experiment_id', file),
    name: textField(meta, 'name', file),
    lifecycleStage: stage,
    creationTime: created,
    lastUpdateTime: intField(meta, 'last_update_time', file, created) ?? created,
    tags,
  };
}

/** The meta.yaml of an experiment, with MLflow's keys. */
export function experimentMeta(e: Experiment, artifactLocation: string): Record<string, unknown> {
  return {
    artifact_location: artifactLocation,
    creation_time: e.creationTime,
    experiment_id: e.id,
    last_update_time: e.lastUpdateTime,
    lifecycle_stage: e.lifecycleStage,
    name: e.name,
  };
}

/** What a run's meta.yaml holds, in tracklab's names. */
export type RunInfo = Pick<
  RunRecord,
  'id' | 'experimentId' | 'name' | 'status' | 'startTime' | 'endTime' | 'lifecycleStage' | 'deletedTime' | 'user'
> & { artifactUri: string };

export function runInfoFromMeta(meta: Record<string, unknown>, file: string): RunInfo {
  const stage = meta['lifecycle_stage'] ?? 'active';
  if (stage !== 'active' && stage !== 'deleted') throw corrupt(file, storeMessages.lifecycleUnknown(stage));
  const id = textField(meta, 'run_id', file, typeof meta['run_uuid'] === 'string' ? meta['run_uuid'] : undefined);
  return {
    id,
    experimentId: textField(meta, 'experiment_id', file),
    name: textField(meta, 'run_name', file, ''),
    status: statusName(meta['status'], file),
    startTime: intField(meta, 'start_time', file, 0) ?? 0,
    endTime: intField(meta, 'end_time', file, null),
    lifecycleStage: stage,
    deletedTime: intField(meta, 'deleted_time', file, null),
    user: textField(meta, 'user_id', file, ''),
    artifactUri: textField(meta, 'artifact_uri', file, ''),
  };
}

/** A run's meta.yaml exactly as MLflow 2.x writes it (tags: [] is kept for old readers). */
export function runMeta(info: RunInfo): Record<string, unknown> {
  return {
    artifact_uri: info.artifactUri,
    end_time: info.endTime,
    entry_point_name: '',
    experiment_id: info.experimentId,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.id,
    run_name: info.name,
    run_uuid: info.id,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: info.startTime,
    status: statusCode(info.status),
    tags: [],
    user_id: info.user,
    deleted_time: info.deletedTime,
  };
}

/** Latest (largest step, timestamp, value, as MLflow), min, max and count of a metric's points. */
export function summarize(points: readonly MetricPoint[]): MetricSummary | undefined {
  let s: MetricSummary | undefined;
  for (const { value, step, timestamp } of points) {
    if (s === undefined) {
      s = { value, step, timestamp, min: value, max: value, count: 1 };
      continue;
    }
    foldPoint(s, value, step, timestamp);
  }
  return s;
}
