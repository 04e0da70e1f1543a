/**
 * The store-wide change log, `<store>/run-changes.log`: every process marks each write to a run's log in it, so a
 * search can tell from one read of this file's tail which cached runs may have changed, instead of a stat per run.
 *
 * The first line names the log (`tracklab-run-changes <random id>`); each later line is `+<run id> <token>` before a
 * writer first appends to that run's log and `-<run id> <token>` after its last append. A run whose `+` has no `-` is
 * open: it may change at any moment, so searches check it against its log every time (a writer killed half-way leaves
 * it open for good, which costs one stat). A cache records the log's id, the offset it has read up to and the runs open
 * there; any run written since is named after that offset, or was open at it.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../../core/errors.js';
import { tempPathFor } from './atomic-file.js';

export const CHANGE_LOG = 'run-changes.log';
const HEADER = 'tracklab-run-changes ';

/** What a reader knows of the change log: its id, how far it has read, and the runs open there (id -> tokens). */
export interface ChangeState {
  id: string;
  offset: number;
  open: Map<string, Set<string>>;
}

/** Marks one writer's appends to the log of run `id`: `+` now (before any append), `-` when `close` is called. */
export class ChangeMark {
  private readonly token = randomBytes(4).toString('hex');
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly id: string,
  ) {
    appendLine(root, `+${id} ${this.token}\n`);
  }

  /** After the last append. Best effort: a mark that cannot be closed leaves the run open, which is only slower. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      appendLine(this.root, `-${this.id} ${this.token}\n`);
    } catch {
      // the run stays open in the log: searches keep checking it against its log
    }
  }
}

/** Runs `write` (an append to run `id`'s log) between the two marks; a `+` that cannot be written stops it. */
export function markedWrite<T>(root: string, id: string, write: () => T): T {
  const mark = new ChangeMark(root, id);
  try {
    return write();
  } finally {
    mark.close();
  }
}

function appendLine(root: string, line: string): void {
  const file = join(root, CHANGE_LOG);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('append to', file, error);
    create(file);
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND);
  }
  try {
    writeSync(fd, line); // one small O_APPEND write: it lands whole, after every line before it
  } catch (error) {
    throw ioError('append to', file, error);
  } finally {
    closeSync(fd);
  }
}

/** Creates the log with its header, whole or not at all: link() of a complete file fails if another process won. */
function create(file: string): void {
  const temp = tempPathFor(file);
  try {
    writeFileSync(temp, `${HEADER}${randomBytes(8).toString('hex')}\n`);
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create', file, error);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** What reading the log's tail found: the new state, the runs named since, and whether `since` could be continued. */
export interface ChangesRead {
  state: ChangeState;
  named: Set<string>;
  /** false when the log is another one than `since` named (or `since` was not given): every run may have changed */
  continued: boolean;
}

/**
 * Reads the change log of the store in `root` from where `since` stopped (or whole, when it is another log). A store
 * without a log has the empty id: no writer has marked anything yet.
 */
export function readChanges(root: string, since?: ChangeState): ChangesRead {
  const file = join(root, CHANGE_LOG);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    const state = { id: '', offset: 0, open: new Map<string, Set<string>>() };
    return { state, named: new Set(), continued: since?.id === '' };
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 64));
    readSync(fd, head, 0, head.length, 0);
    const cut = head.indexOf(0x0a);
    const id = cut > HEADER.length ? head.toString('latin1', HEADER.length, cut) : '';
    const continued = since !== undefined && since.id === id && id !== '' && since.offset <= size;
    const from = continued ? since.offset : cut + 1;
    const open = continued ? copyOpen(since.open) : new Map<string, Set<string>>();
    const tail = Buffer.alloc(Math.max(0, size - from));
    if (cut < 0 || tail.length === 0)
      return { state: { id, offset: continued ? from : size, open }, named: new Set(), continued };
    readSync(fd, tail, 0, tail.length, from);
    const end = tail.lastIndexOf(0x0a) + 1; // a line still being written is read next time
    const named = applyMarks(tail.toString('latin1', 0, end), open);
    return { state: { id, offset: from + end, open }, named, continued };
  } finally {
    closeSync(fd);
  }
}

function applyMarks(text: string, open: Map<string, Set<string>>): Set<string> {
  const named = new Set<string>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 2) continue;
    const id = line.slice(1, space);
    const token = line.slice(space + 1);
    named.add(id);
    if (line[0] === '+') {
      let tokens = open.get(id);
      if (tokens === undefined) open.set(id, (tokens = new Set()));
      tokens.add(token);
    } else if (line[0] === '-') {
      const tokens = open.get(id);
      tokens?.delete(token);
      if (tokens?.size === 0) open.delete(id);
    }
  }
  return named;
}

const copyOpen = (open: Map<string, Set<string>>): Map<string, Set<string>> =>
  new Map([...open].map(([id, tokens]) => [id, new Set(tokens)]));

/** The state as JSON (for the cache file) and back; undefined when malformed. */
export function encodeState(state: ChangeState): unknown {
  return { id: state.id, offset: state.offset, open: [...state.open].map(([id, t]) => [id, [...t]]) };
}

export function decodeState(v: unknown): ChangeState | undefined {
  const s = v as { id?: unknown; offset?: unknown; open?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.id !== 'string' || typeof s.offset !== 'number') return undefined;
  if (!Array.isArray(s.open)) return undefined;
  const open = new Map<string, Set<string>>();
  for (const entry of s.open as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return undefined;
    open.set(entry[0], new Set((entry[1] as unknown[]).map(String)));
  }
  return { id: s.id, offset: s.offset, open };
}
