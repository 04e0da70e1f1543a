/**
 * Validation of everything a user hands to tracklab, done once before any store is called.
 * Rules are MLflow's (mlflow/utils/validation.py) unless noted; every failure is one INVALID_PARAMETER_VALUE line.
 */
import { invalid } from './errors.js';
import { coreMessages as msg } from './messages.js';
import type { RunStatus } from './entities.js';
import { RUN_STATUSES } from './entities.js';

export const MAX_KEY_LENGTH = 250;
export const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_TAG_VALUE_LENGTH = 8000;
export const MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
export const MAX_RUN_NAME_LENGTH = 500;
/** Linux and macOS file systems hold file names of at most 255 bytes. */
export const MAX_FILE_NAME_BYTES = 255;

// Python's \w is Unicode-aware, so MLflow accepts letters of any script; \p{L}\p{N}\p{M} mirror that.
const KEY_RE = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;
/**
 * The ASCII keys KEY_RE accepts, tried first: KEY_RE's Unicode classes take ~0.3 ms to build on its first use in a
 * process, which every first read or log of a metric paid. A key this rejects is decided by KEY_RE.
 */
const ASCII_KEY_RE = /^[/A-Za-z0-9_.\- :]*$/;
const RUN_ID_RE = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID_RE = /^[a-zA-Z0-9][\w-]{0,63}$/;

/**
 * A metric, param or tag key: MLflow's regex, <= 250 chars, no path tricks. Names of JavaScript's own properties
 * (`toString`, `__proto__`, `constructor`, ...) are ordinary keys: every record keyed by user data is a null-prototype
 * object or is read with own-property checks.
 */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid(msg.keyEmpty(kind, key));
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw invalid(msg.keyTooLong(kind, key, MAX_KEY_LENGTH));
  }
  if (!ASCII_KEY_RE.test(key) && !KEY_RE.test(key)) {
    throw invalid(msg.keyCharacters(kind, key));
  }
  if (key === '.' || key.startsWith('..') || key.startsWith('/') || !isNormalPath(key)) {
    throw invalid(msg.keyNotNormal(kind, key));
  }
  return key;
}

function isNormalPath(key: string): boolean {
  if (!key.includes('/')) return true;
  const parts = key.split('/');
  return parts.every((p) => p !== '' && p !== '.' && p !== '..');
}

/** Params are strings in the store, as in MLflow; numbers and booleans are converted, objects JSON-encoded. */
export function paramValueToString(key: string, value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw invalid(msg.valueUnencodable('param', key, value));
  if (text.length > MAX_PARAM_VALUE_LENGTH) {
    throw invalid(msg.valueTooLong('param', key, text.length, MAX_PARAM_VALUE_LENGTH));
  }
  return text;
}

export function tagValueToString(key: string, value: unknown, limit = MAX_TAG_VALUE_LENGTH): string {
  const text = stringify(value);
  if (text === undefined) throw invalid(msg.valueUnencodable('tag', key, value));
  if (text.length > limit) throw invalid(msg.valueTooLong('tag', key, text.length, limit));
  return text;
}

function stringify(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && value === 0 && 1 / value < 0) return '-0';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Metric values are numbers; NaN and +-Infinity are allowed (stored as the strings "NaN", "Infinity", "-Infinity"). */
export function validateMetricValue(key: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw invalid(msg.metricNotNumber(key, value));
  }
  return value;
}

export function validateStep(key: string, step: unknown): number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) {
    throw invalid(msg.stepNotInteger(key, step));
  }
  return step === 0 ? 0 : step; // a step of -0 is step 0
}

export function validateTimestamp(key: string, timestamp: unknown): number {
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalid(msg.timestampInvalid(key, timestamp));
  }
  return timestamp;
}

export function validateRunId(id: unknown): string {
  if (typeof id !== 'string' || !RUN_ID_RE.test(id)) {
    throw invalid(msg.runIdInvalid(id));
  }
  return id;
}

export function validateExperimentId(id: unknown): string {
  if (typeof id !== 'string' || !EXPERIMENT_ID_RE.test(id)) {
    throw invalid(msg.experimentIdInvalid(id));
  }
  return id;
}

export function validateExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length === 0) {
    throw invalid(msg.nameEmpty('experiment', name));
  }
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw invalid(msg.nameTooLong('experiment', name, MAX_EXPERIMENT_NAME_LENGTH));
  }
  return name;
}

export function validateRunName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length === 0) throw invalid(msg.nameEmpty('run', name));
  if (name.length > MAX_RUN_NAME_LENGTH) throw invalid(msg.nameTooLong('run', name, MAX_RUN_NAME_LENGTH));
  return name;
}

export function validateRunStatus(status: unknown): RunStatus {
  const upper = typeof status === 'string' ? status.toUpperCase() : status;
  if (!RUN_STATUSES.includes(upper as RunStatus)) {
    throw invalid(msg.runStatusInvalid(status));
  }
  return upper as RunStatus;
}

/**
 * An artifact path relative to a run's artifact root: '/'-separated, no traversal in any spelling
 * (`..`, `%2e%2e`, `%252e`, backslashes, drive letters, `#`, `?`, NUL). '' is the root.
 */
export function validateArtifactPath(path: unknown, what = 'artifact path'): string {
  if (typeof path !== 'string') throw invalid(msg.artifactPathNotString(what, path));
  if (path === '') return '';
  const reason = path.includes('\0')
    ? 'it contains a NUL byte'
    : path.includes('\\')
      ? 'it contains a backslash; use "/"'
      : /^[a-zA-Z]:/.test(path)
        ? 'it starts with a drive letter'
        : path.startsWith('/')
          ? 'it is absolute'
          : /%[0-9a-fA-F]{2}/.test(path)
            ? 'it contains percent-encoded characters'
            : /[#?]/.test(path)
              ? 'it contains "#" or "?"'
              : path.split('/').some((p) => p === '..')
                ? 'it climbs out with ".."'
                : path.split('/').some((p) => p === '.' || p === '')
                  ? 'it has an empty or "." segment'
                  : path.split('/').some((p) => Buffer.byteLength(p, 'utf8') > MAX_FILE_NAME_BYTES)
                    ? `a segment is longer than ${MAX_FILE_NAME_BYTES} bytes, the limit of file names`
                    : undefined;
  if (reason) throw invalid(msg.artifactPathRefused(what, path, reason));
  return path;
}

/** Rejects keys that would pollute prototypes when used on plain objects (for records given by users). */
export function ownEntries(what: string, record: unknown): [string, unknown][] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw invalid(msg.notARecord(what, record));
  }
  return Object.keys(record).map((k) => [k, (record as Record<string, unknown>)[k]]);
}
