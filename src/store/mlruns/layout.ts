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
  if (name === undefined) throw corrupt(file, `has status ${JSON.stringify(code)}; MLflow's statuses are 1 to 5`);
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
  throw corrupt(file, `has ${key} ${JSON.stringify(v)}; expected a number of milliseconds`);
}

export function textField(meta: Record<string, unknown>, key: string, file: string, fallback?: string): string {
  const v = meta[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v); // ids written as numbers by old MLflow releases
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw corrupt(file, `has no ${key}`);
}

export function experimentFromMeta(
  meta: Record<string, unknown>,
  tags: Record<string, string>,
  file: string,
): Experiment {
  const stage = meta['lifecycle_stage'] ?? 'active';
  if (stage !== 'active' && stage !== 'deleted') throw corrupt(file, `has lifecycle_stage ${JSON.stringify(stage)}`);
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
  if (stage !== 'active' && stage !== 'deleted') throw corrupt(file, `has lifecycle_stage ${JSON.stringify(stage)}`);
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

/** A metric value as Python's str(float) writes it, so MLflow's float() reads it back. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
}

const SPECIAL = new Map([
  ['nan', Number.NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
]);

/** `timestamp value [step [MLflow 3 extra columns]]`; undefined for a torn or blank line. */
export function parseMetricLine(key: string, line: string): MetricPoint | undefined {
  const fast = parsePlainLine(key, line);
  if (fast !== undefined) return fast;
  const parts = line.trim().split(' ');
  if (parts.length < 2 || parts[0] === '') return undefined;
  const timestamp = Number(parts[0]);
  const raw = parts[1] as string;
  const value = SPECIAL.get(raw.toLowerCase()) ?? Number(raw);
  const step = parts.length >= 3 ? Number(parts[2]) : 0;
  if (
    !Number.isFinite(timestamp) ||
    !Number.isFinite(step) ||
    (Number.isNaN(value) && SPECIAL.get(raw.toLowerCase()) === undefined)
  ) {
    return undefined;
  }
  return { key, value, step, timestamp };
}

const DIGIT_OR_SIGN = /^[-0-9]/;

/** The common line `timestamp value step` with finite numbers, without splitting; undefined for anything else. */
function parsePlainLine(key: string, line: string): MetricPoint | undefined {
  const a = line.indexOf(' ');
  const b = a > 0 ? line.indexOf(' ', a + 1) : -1;
  if (b < 0 || line.indexOf(' ', b + 1) >= 0) return undefined;
  const raw = line.slice(a + 1, b);
  const rest = line.slice(b + 1);
  if (!DIGIT_OR_SIGN.test(raw) || !DIGIT_OR_SIGN.test(rest)) return undefined; // Number('') is 0
  const timestamp = Number(line.slice(0, a));
  const value = Number(raw);
  const step = Number(rest);
  if (!Number.isFinite(timestamp) || !Number.isFinite(value) || !Number.isFinite(step)) return undefined;
  return { key, value, step, timestamp };
}

/** Every point of a metric file; a torn last line (a crash mid-append) is skipped, any other bad line is corruption. */
export function parseMetricFile(key: string, text: string, file: string): MetricPoint[] {
  const lines = text.split('\n');
  const out: MetricPoint[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const point = parseMetricLine(key, line);
    if (point) out.push(point);
    else if (i < lines.length - 1)
      throw corrupt(file, `line ${i + 1} is not "timestamp value step": ${JSON.stringify(line.slice(0, 80))}`);
  }
  return out;
}

/**
 * The summary of a metric file's text without building a point per line (a search folds every point of every run);
 * the same lines are accepted, skipped and refused as by parseMetricFile.
 */
export function summarizeMetricText(key: string, text: string, file: string): MetricSummary | undefined {
  let s: MetricSummary | undefined;
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo += 1;
    const line = text.slice(start, end);
    start = end + 1;
    const p = parsePlainLine(key, line) ?? (line.trim() === '' ? undefined : parseMetricLine(key, line));
    if (p === undefined) {
      if (line.trim() !== '' && end < text.length)
        throw corrupt(file, `line ${lineNo} is not "timestamp value step": ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    s =
      s === undefined
        ? { value: p.value, step: p.step, timestamp: p.timestamp, min: p.value, max: p.value, count: 1 }
        : fold(s, p.value, p.step, p.timestamp);
  }
  return s;
}

function fold(s: MetricSummary, value: number, step: number, timestamp: number): MetricSummary {
  foldPoint(s, value, step, timestamp);
  return s;
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
