/**
 * One line of a run log, checked before it is folded: a line that is not JSON, is `null`, has an unknown change or a
 * value of the wrong type is damage, reported as CORRUPT_STORE with the file and line, never a TypeError or a guess.
 * Records keyed by user data come out as null-prototype objects, so keys such as `toString` or `__proto__` are data.
 */
import {
  RUN_STATUSES,
  type DatasetInput,
  type MetricSummary,
  type RunRecord,
  type RunStatus,
} from '../../core/entities.js';
import { corrupt } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { setOwn } from '../../core/run-view.js';
import { decodeMetricSummaries, isRunRecord } from './shapes.js';

/** One line of a run log: the first creates the run, each later one is one change (run-log.ts folds them). */
export type RunEvent =
  | { op: 'create'; run: RunRecord }
  | { op: 'params'; params: Record<string, string> }
  | { op: 'tags'; tags: Record<string, string> }
  | { op: 'deleteTag'; key: string }
  | { op: 'inputs'; inputs: DatasetInput[] }
  | { op: 'metrics'; metrics: Record<string, MetricSummary> }
  | { op: 'status'; status: RunStatus; endTime: number | null }
  | { op: 'name'; name: string }
  | { op: 'lifecycle'; stage: 'active' | 'deleted'; at: number };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A record of strings just parsed from a line, made null-prototype in place (no copy: nothing else holds it), or
 * undefined when a value is not a string.
 */
function stringDict(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  for (const key in v) if (typeof v[key] !== 'string') return undefined;
  return Object.setPrototypeOf(v, null) as Record<string, string>;
}

/** A record just parsed from a line, made null-prototype in place. */
const parsedDict = <T>(v: Record<string, T>): Record<string, T> => Object.setPrototypeOf(v, null) as Record<string, T>;

/** A null-prototype copy of any record (values kept as they are). */
export function dict<T>(v: Record<string, T>): Record<string, T> {
  const out = {} as Record<string, T>;
  for (const key of Object.keys(v)) setOwn(out, key, v[key] as T);
  return Object.setPrototypeOf(out, null) as Record<string, T>;
}

const OPTIONAL_INPUT_FIELDS = ['schema', 'profile', 'context'] as const;

function isInput(v: unknown): v is DatasetInput {
  return (
    isObject(v) &&
    ['name', 'digest', 'source'].every((f) => typeof v[f] === 'string') &&
    (v['sourceType'] === undefined || typeof v['sourceType'] === 'string') &&
    OPTIONAL_INPUT_FIELDS.every((f) => v[f] === undefined || typeof v[f] === 'string')
  );
}

/** Parses and checks one complete line; throws CORRUPT_STORE naming `file` and `lineNo`. */
export function parseEvent(line: string, file: string, lineNo: number, first: boolean): RunEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw corrupt(file, storeMessages.runLogLineUnreadable(lineNo, line), error);
  }
  const op = isObject(value) ? value['op'] : undefined;
  if (first && op !== 'create') throw corrupt(file, storeMessages.runLogNoCreate(lineNo));
  if (!first && op === 'create') throw corrupt(file, storeMessages.runLogCreateAgain(lineNo));
  const event = isObject(value) ? checkEvent(value) : undefined;
  if (event !== undefined) return event;
  if (first) throw corrupt(file, storeMessages.runLogNoCreate(lineNo));
  if (typeof op !== 'string' || !KNOWN_OPS.has(op)) {
    throw corrupt(file, storeMessages.runLogUnknownChange(op, lineNo, line));
  }
  throw corrupt(file, storeMessages.runLogMalformedChange(op, lineNo, line));
}

const KNOWN_OPS = new Set([
  'create',
  'params',
  'tags',
  'deleteTag',
  'inputs',
  'metrics',
  'status',
  'name',
  'lifecycle',
]);

function checkEvent(v: Record<string, unknown>): RunEvent | undefined {
  switch (v['op']) {
    case 'create':
      return checkRun(v['run']);
    case 'params': {
      const params = stringDict(v['params']);
      return params && { op: 'params', params };
    }
    case 'tags': {
      const tags = stringDict(v['tags']);
      return tags && { op: 'tags', tags };
    }
    case 'deleteTag':
      return typeof v['key'] === 'string' ? { op: 'deleteTag', key: v['key'] } : undefined;
    case 'inputs': {
      const inputs = v['inputs'];
      return Array.isArray(inputs) && inputs.every(isInput) ? { op: 'inputs', inputs } : undefined;
    }
    case 'metrics': {
      const metrics = isObject(v['metrics']) ? parsedDict(v['metrics']) : undefined;
      return metrics && decodeMetricSummaries(metrics) ? { op: 'metrics', metrics } : undefined;
    }
    case 'status': {
      const { status, endTime } = v;
      return RUN_STATUSES.includes(status as RunStatus) && (endTime === null || isTime(endTime))
        ? { op: 'status', status: status as RunStatus, endTime }
        : undefined;
    }
    case 'name':
      return typeof v['name'] === 'string' ? { op: 'name', name: v['name'] } : undefined;
    case 'lifecycle': {
      const { stage, at } = v;
      return (stage === 'active' || stage === 'deleted') && isTime(at) ? { op: 'lifecycle', stage, at } : undefined;
    }
    default:
      return undefined;
  }
}

function checkRun(run: unknown): RunEvent | undefined {
  const record = toRunRecord(run);
  return record && { op: 'create', run: record };
}

/** A checked copy of a stored run record with null-prototype params, tags and metrics; undefined when malformed. */
export function toRunRecord(run: unknown): RunRecord | undefined {
  if (!isObject(run)) return undefined;
  const params = stringDict(run['params']);
  const tags = stringDict(run['tags']);
  const metrics = isObject(run['metrics']) ? parsedDict(run['metrics']) : undefined;
  if (!params || !tags || !metrics) return undefined;
  // a copy, not the parsed object: the copy's fields take any value a later change sets (an end time where the line
  // had null) without V8 migrating every parsed record's hidden class, which costs more than the copy
  const copy = { ...run, params, tags, metrics };
  if (!isRunRecord(copy) || !copy.inputs.every(isInput)) return undefined;
  return copy;
}
