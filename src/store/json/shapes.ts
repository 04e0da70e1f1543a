/** Shape checks for the JSON store's documents, so a hand-edited or damaged file is reported, never used half-read. */
import type { Experiment, MetricSummary, RunRecord } from '../../core/entities.js';
import { RUN_STATUSES } from '../../core/entities.js';
import { decodeNumber } from '../../core/number-codec.js';

export interface StoreMeta {
  layoutVersion: number;
}
export interface ExperimentsDoc {
  nextId: number;
  experiments: Experiment[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
// loops rather than Object.values(...).every(...): a cold search checks every run's records, and the arrays cost
function isStringRecord(v: unknown): v is Record<string, string> {
  if (!isObject(v)) return false;
  for (const key in v) if (typeof v[key] !== 'string') return false;
  return true;
}
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

export const isStoreMeta = (v: unknown): v is StoreMeta => isObject(v) && typeof v['layoutVersion'] === 'number';

export function isExperiment(v: unknown): v is Experiment {
  if (isObject(v) && isObject(v['tags'])) v['tags'] = Object.assign(Object.create(null) as object, v['tags']);
  return (
    isObject(v) &&
    typeof v['id'] === 'string' &&
    typeof v['name'] === 'string' &&
    (v['lifecycleStage'] === 'active' || v['lifecycleStage'] === 'deleted') &&
    isTime(v['creationTime']) &&
    isTime(v['lastUpdateTime']) &&
    isStringRecord(v['tags'])
  );
}

export const isExperimentsDoc = (v: unknown): v is ExperimentsDoc =>
  isObject(v) &&
  typeof v['nextId'] === 'number' &&
  Array.isArray(v['experiments']) &&
  v['experiments'].every(isExperiment);

/** Checks a run document and decodes its metric summaries ("NaN" -> NaN) in place. */
export function isRunRecord(v: unknown): v is RunRecord {
  if (!isObject(v)) return false;
  const ok =
    typeof v['id'] === 'string' &&
    typeof v['experimentId'] === 'string' &&
    typeof v['name'] === 'string' &&
    RUN_STATUSES.includes(v['status'] as never) &&
    isTime(v['startTime']) &&
    (v['endTime'] === null || isTime(v['endTime'])) &&
    (v['lifecycleStage'] === 'active' || v['lifecycleStage'] === 'deleted') &&
    typeof v['user'] === 'string' &&
    isStringRecord(v['params']) &&
    isStringRecord(v['tags']) &&
    isObject(v['metrics']) &&
    Array.isArray(v['inputs']);
  if (!ok) return false;
  v['deletedTime'] ??= null;
  return decodeMetricSummaries(v['metrics']);
}

/** Checks metric summaries and turns "NaN" / "Infinity" back into numbers, in place. */
export function decodeMetricSummaries(v: unknown): v is Record<string, MetricSummary> {
  if (!isObject(v)) return false;
  for (const key in v) if (!decodeSummary(v[key])) return false;
  return true;
}

function decodeSummary(s: unknown): s is MetricSummary {
  if (!isObject(s)) return false;
  const value = decodeNumber(s['value']);
  const min = decodeNumber(s['min']);
  const max = decodeNumber(s['max']);
  if (value === undefined || min === undefined || max === undefined) return false;
  s['value'] = value;
  s['min'] = min;
  s['max'] = max;
  return typeof s['step'] === 'number' && typeof s['timestamp'] === 'number' && typeof s['count'] === 'number';
}
