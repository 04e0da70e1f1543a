/**
 * Error codes follow MLflow's so a REST backend can map them one to one; EXECUTION_FAILED is tracklab's own (a notebook
 * cell failed).
 */
import { coreMessages as msg } from './messages.js';

export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'CORRUPT_STORE'
  | 'IO_ERROR'
  | 'PERMISSION_DENIED'
  | 'EXECUTION_FAILED';

/** Exit statuses the CLI uses for each code (README, "Exit statuses"); 1 is an unexpected failure, 0 success. */
export const EXIT_STATUS: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 2,
  RESOURCE_DOES_NOT_EXIST: 3,
  RESOURCE_ALREADY_EXISTS: 4,
  INVALID_STATE: 5,
  CORRUPT_STORE: 6,
  IO_ERROR: 7,
  PERMISSION_DENIED: 8,
  EXECUTION_FAILED: 9,
};

/**
 * The one error class of tracklab. Messages name the offending value or file and say what to do; their texts live in
 * each area's catalogue (`messages.ts`), and tests/message-catalogues.test.ts fails on a text written at a throw site.
 *
 * @example
 * throw new TracklabError('INVALID_PARAMETER_VALUE', coreMessages.keyCharacters('metric', key));
 */
export class TracklabError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message.startsWith('tracklab: ') ? message : `tracklab: ${message}`, options);
    this.name = 'TracklabError';
    this.code = code;
  }
}

export const invalid = (message: string): TracklabError => new TracklabError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string): TracklabError => new TracklabError('RESOURCE_DOES_NOT_EXIST', message);
export const exists = (message: string): TracklabError => new TracklabError('RESOURCE_ALREADY_EXISTS', message);
export const badState = (message: string): TracklabError => new TracklabError('INVALID_STATE', message);
export const corrupt = (file: string, what: string, cause?: unknown): TracklabError =>
  new TracklabError('CORRUPT_STORE', msg.corrupt(file, what), cause === undefined ? undefined : { cause });

export const paramChanged = (key: string, runId: string, old: string, value: string): TracklabError =>
  invalid(msg.paramChanged(key, runId, old, value));
export const runDeleted = (runId: string): TracklabError => badState(msg.runDeleted(runId));

/** Wraps a Node I/O error into a TracklabError that names the file and the failing operation. */
export function ioError(op: string, file: string, cause: unknown): TracklabError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const hints: Record<string, string> = { ...msg.ioHint, EPERM: msg.ioHint.EACCES };
  const hint = (code === undefined ? undefined : hints[code]) ?? `${code ?? String(cause)}`;
  return new TracklabError('IO_ERROR', msg.ioFailed(op, file, hint), { cause });
}
