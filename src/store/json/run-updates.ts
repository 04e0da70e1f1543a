/**
 * Changes other processes make to a run that a live process is still logging: appended as JSON lines to
 * `runs/<id>/updates.jsonl` (one write each, O_APPEND, so no lock is needed between appenders) and folded into
 * run.json by the owner, which records how far it has folded in `updatesOffset`.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { corrupt, ioError } from '../../core/errors.js';
import type { StoredRun } from './shapes.js';

export interface RunUpdateLine {
  at: number;
  tags?: Record<string, string>;
  deleteTag?: string;
  lifecycleStage?: 'active' | 'deleted';
}

export function appendUpdate(file: string, update: RunUpdateLine): void {
  try {
    appendFileSync(file, `${JSON.stringify(update)}\n`);
  } catch (error) {
    throw ioError('append to', file, error);
  }
}

/** Complete update lines after `offset`, and the offset just past the last complete line. */
export function readUpdates(file: string, offset: number): { updates: RunUpdateLine[]; end: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { updates: [], end: offset };
    throw ioError('read', file, error);
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { updates: [], end: offset };
    const bytes = Buffer.alloc(size - offset);
    readSync(fd, bytes, 0, bytes.length, offset);
    const text = bytes.toString('utf8');
    const complete = text.lastIndexOf('\n') + 1; // a line torn by a crash is left for later, never fatal
    const updates = text.slice(0, complete).split('\n').filter((l) => l !== '').map((line) => {
      try {
        return JSON.parse(line) as RunUpdateLine;
      } catch (error) {
        throw corrupt(file, `has an unreadable line: ${line.slice(0, 80)}`, error);
      }
    });
    return { updates, end: offset + Buffer.byteLength(text.slice(0, complete), 'utf8') };
  } finally {
    closeSync(fd);
  }
}

export function applyUpdate(run: StoredRun, update: RunUpdateLine): void {
  if (update.tags) Object.assign(run.tags, update.tags);
  if (update.deleteTag !== undefined) delete run.tags[update.deleteTag];
  if (update.lifecycleStage) {
    run.lifecycleStage = update.lifecycleStage;
    run.deletedTime = update.lifecycleStage === 'deleted' ? update.at : null;
  }
}

/** Applies the updates not yet folded into `run` (mutates it) and advances its offset. */
export function foldUpdates(run: StoredRun, file: string): void {
  const { updates, end } = readUpdates(file, run.updatesOffset ?? 0);
  for (const update of updates) applyUpdate(run, update);
  if (end !== (run.updatesOffset ?? 0)) run.updatesOffset = end;
}
