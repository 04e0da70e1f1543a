/**
 * Every text the core (validation of user input, the shared error helpers) shows a user, in one place so tests can
 * assert on them. Each names the offending value and says what to do.
 */
import { RUN_STATUSES } from './entities.js';

/** A value as the user wrote it, cut to 80 characters so a huge value does not flood the message. */
export const showValue = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
};

const show = showValue;

type KeyKind = 'metric' | 'param' | 'tag';

export const coreMessages = {
  // keys and values
  keyEmpty: (kind: KeyKind, key: unknown) => `${kind} key ${show(key)} is invalid: give a non-empty string`,
  keyTooLong: (kind: KeyKind, key: string, limit: number) =>
    `${kind} key ${show(key)} is ${key.length} characters long; the limit is ${limit}`,
  keyCharacters: (kind: KeyKind, key: string) =>
    `${kind} key ${show(key)} is invalid: use letters, digits, underscores, dashes, periods, spaces, colons and slashes`,
  keyNotNormal: (kind: KeyKind, key: string) =>
    `${kind} key ${show(key)} is invalid: it must be a normalized relative path (no leading "/", "..", "//" or "/./")`,
  valueUnencodable: (kind: 'param' | 'tag', key: string, value: unknown) =>
    `${kind} "${key}" has value ${show(value)}; give a string, number, boolean or JSON value`,
  valueTooLong: (kind: 'param' | 'tag', key: string, length: number, limit: number) =>
    `${kind} "${key}" value is ${length} characters long; the limit is ${limit}`,
  metricNotNumber: (key: string, value: unknown) =>
    `metric "${key}" has value ${show(value)} of type ${typeof value}; metric values must be numbers`,
  stepNotInteger: (key: string, step: unknown) => `metric "${key}" has step ${show(step)}; steps must be integers`,
  timestampInvalid: (key: string, timestamp: unknown) =>
    `metric "${key}" has timestamp ${show(timestamp)}; timestamps are integer milliseconds >= 0`,
  notARecord: (what: string, record: unknown) => `${what} must be an object of key: value pairs, got ${show(record)}`,

  // ids, names and statuses
  runIdInvalid: (id: unknown) =>
    `run id ${show(id)} is invalid: run ids are letters, digits, "_" and "-" (e.g. 3f2a9c...); copy it from \`tracklab runs list\``,
  experimentIdInvalid: (id: unknown) =>
    `experiment id ${show(id)} is invalid: experiment ids are letters, digits, "_" and "-"`,
  nameEmpty: (what: 'experiment' | 'run', name: unknown) =>
    `${what} name ${show(name)} is invalid: give a non-empty string`,
  nameTooLong: (what: 'experiment' | 'run', name: string, limit: number) =>
    `${what} name ${show(name)} is ${name.length} characters long; the limit is ${limit}`,
  runStatusInvalid: (status: unknown) => `run status ${show(status)} is invalid; use one of ${RUN_STATUSES.join(', ')}`,

  // artifact paths
  artifactPathNotString: (what: string, path: unknown) =>
    `${what} ${show(path)} is invalid: give a relative path string`,
  artifactPathRefused: (what: string, path: string, reason: string) =>
    `${what} ${show(path)} is refused: ${reason}; give a relative path inside the run's artifacts, like "plots/loss.png"`,

  // shared failures
  corrupt: (file: string, what: string) =>
    `store file ${file} ${what}; fix or restore it by hand (tracklab never overwrites it)`,
  paramChanged: (key: string, runId: string, old: string, value: string) =>
    `changing param values is not allowed: param "${key}" of run ${runId} is "${old}", got "${value}"; log it under another key or start a new run`,
  runDeleted: (runId: string) =>
    `run ${runId} is deleted; restore it with \`tracklab runs restore ${runId}\` before logging to it`,
  ioFailed: (op: string, file: string, hint: string) =>
    `could not ${op} ${file}: ${hint}; what was stored before is intact`,
  ioHint: {
    ENOSPC: 'the disk is full; free space and retry',
    EACCES: 'permission denied; check the store folder permissions',
    EROFS: 'the file system is read-only',
  },
} as const;
