/**
 * A run is an append-only log of JSON lines, `runs/<id>/run.jsonl`: the first line creates the run, each later line is
 * one change. Every writer (the process logging the run, or any other process tagging or deleting it) appends whole
 * lines with O_APPEND, so no lock is needed and nothing one writer does can overwrite another. Readers fold the lines
 * in order. Only a torn last line (a crash mid-write, or a write in progress) is skipped; any other damage is
 * CORRUPT_STORE naming the line. A run whose first line is incomplete is still being created.
 */
import type { RunRecord } from '../../core/entities.js';
import { ioError, paramChanged, runDeleted } from '../../core/errors.js';
import type { RunBatch } from '../tracking-store.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { appendAll } from './append-file.js';
import { dict, parseEvent, type RunEvent } from './run-events.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, openSync, readFileSync } = process.getBuiltinModule('node:fs');

export const RUN_LOG = 'run.jsonl';

/**
 * The lines a batch adds to `run`: params not set yet (a different value for a set one is an error), tags, inputs.
 * A deleted run takes nothing.
 */
export function batchEvents(run: RunRecord, batch: RunBatch): RunEvent[] {
  if (run.lifecycleStage === 'deleted') throw runDeleted(run.id);
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(batch.params ?? {})) {
    const old = Object.hasOwn(run.params, key) ? run.params[key] : undefined;
    if (old !== undefined && old !== value) throw paramChanged(key, run.id, old, value);
    if (old === undefined) params[key] = value;
  }
  const events: RunEvent[] = [];
  if (Object.keys(params).length > 0) events.push({ op: 'params', params });
  if (batch.tags && Object.keys(batch.tags).length > 0) events.push({ op: 'tags', tags: dict(batch.tags) });
  if (batch.inputs && batch.inputs.length > 0)
    events.push({ op: 'inputs', inputs: batch.inputs.map((i) => ({ ...i })) });
  return events;
}

export const eventLines = (events: RunEvent[]): string =>
  events.map((e) => JSON.stringify(e, nonFiniteReplacer)).join('\n') + '\n';

/** Appends events in one write() so they land together; on failure the file is as it was. Returns the bytes written. */
export function appendEvents(file: string, events: RunEvent[], fd?: number): Buffer {
  let handle: number;
  try {
    // readable too: a failed append reads the file's tail back before cutting it off
    handle = fd ?? openSync(file, 'a+');
  } catch (error) {
    throw ioError('append to', file, error);
  }
  try {
    const bytes = Buffer.from(eventLines(events), 'utf8');
    appendAll(handle, bytes, file);
    return bytes;
  } finally {
    if (fd === undefined) closeSync(handle);
  }
}

/**
 * Applies the complete lines of `text` (which starts at line `firstLine` of the log) to `run`. Returns the run, how
 * many complete lines there were and how many bytes they take, so a reader can continue from there later. `skipMetrics`
 * is for the run's owner, whose metric summaries in memory are newer than any it has written.
 */
export function applyLines(
  start: RunRecord | undefined,
  text: string,
  file: string,
  firstLine: number,
  skipMetrics: boolean,
): { run: RunRecord | undefined; lines: number; bytes: number } {
  const end = text.lastIndexOf('\n') + 1; // the part after the last newline is torn or still being written
  const { run, lines } = applyUpTo(start, text, end, file, firstLine, skipMetrics);
  return { run, lines, bytes: Buffer.byteLength(text.slice(0, end), 'utf8') };
}

/** A whole run log's text folded: the run, undefined while its first line is being written. */
export function foldRunLog(text: string, file: string): RunRecord | undefined {
  return applyUpTo(undefined, text, text.lastIndexOf('\n') + 1, file, 1, false).run;
}

/** applyLines over the complete lines of text[0, end). */
function applyUpTo(
  start: RunRecord | undefined,
  text: string,
  end: number,
  file: string,
  firstLine: number,
  skipMetrics: boolean,
): { run: RunRecord | undefined; lines: number } {
  let run = start;
  let lineNo = firstLine;
  // indexOf rather than split: a cold search folds every run's log, and the array and the callback cost
  for (let from = 0; from < end; lineNo++) {
    const to = text.indexOf('\n', from);
    if (to > from) {
      const event = parseEvent(text.slice(from, to), file, lineNo, run === undefined);
      if (event.op === 'create') run = event.run;
      else if (run !== undefined && !(skipMetrics && event.op === 'metrics')) applyEvent(run, event);
    }
    from = to + 1;
  }
  return { run, lines: lineNo - firstLine };
}

/**
 * Folds one checked change into the run; records and the changes' dicts are null-prototype, so any key is plain data
 * and `for in` sees only their own keys.
 */
function applyEvent(run: RunRecord, event: RunEvent): void {
  switch (event.op) {
    case 'params':
      // first value wins: a later, different value could only come from a race the writer lost
      for (const k in event.params) if (!Object.hasOwn(run.params, k)) run.params[k] = event.params[k]!;
      return;
    case 'tags':
      for (const k in event.tags) run.tags[k] = event.tags[k]!;
      return;
    case 'deleteTag':
      delete run.tags[event.key];
      return;
    case 'inputs':
      for (const input of event.inputs) {
        const i = run.inputs.findIndex((x) => x.name === input.name && x.digest === input.digest);
        if (i === -1) run.inputs.push(input);
        else run.inputs[i] = input;
      }
      return;
    case 'metrics':
      for (const k in event.metrics) run.metrics[k] = event.metrics[k]!;
      return;
    case 'status':
      run.status = event.status;
      run.endTime = event.endTime;
      return;
    case 'name':
      run.name = event.name;
      run.tags['mlflow.runName'] = event.name;
      return;
    case 'lifecycle':
      run.lifecycleStage = event.stage;
      run.deletedTime = event.stage === 'deleted' ? event.at : null;
      return;
    case 'create':
      return;
  }
}

/**
 * Reads and folds a run log; ENOENT -> undefined (no run), { run: undefined } while its first line is being written.
 */
export function readRunLog(file: string): { run: RunRecord | undefined; lines: number; bytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, error);
  }
  return applyLines(undefined, text, file, 1, false);
}
