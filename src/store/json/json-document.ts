/**
 * lowdb documents made safe for many processes: a lowdb Adapter that refuses corrupt files instead of replacing them,
 * and writes through a unique temp file + fsync + rename; `updateDocument` re-reads and writes under a cross-process
 * lock.
 */
import type { Adapter } from 'lowdb';
import { corrupt, ioError } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { LockLostError, withLock, type LockHandle } from './lock.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { readFileSync } = process.getBuiltinModule('node:fs');

/** Checks a parsed document's shape; returns a description of what is wrong, or undefined when it is fine. */
export type ShapeCheck<T> = (value: unknown) => value is T;
/** What is wrong with a well-shaped document as a whole (a duplicate id, a counter behind its ids), or undefined. */
export type Problem<T> = (doc: T) => string | undefined;

export class SafeJsonAdapter<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    readonly isShape: ShapeCheck<T>,
    readonly describe: string,
    /** fsync on every write (shared documents); run documents are synced once, when the run ends */
    public durable: boolean,
    /** checks across the document (ids unique, counters ahead of them); returns what is wrong */
    readonly problem: Problem<T> = () => undefined,
  ) {}

  async read(): Promise<T | null> {
    return this.readSync();
  }

  /** The document, null when the file does not exist, CORRUPT_STORE when it is damaged. */
  readSync(): T | null {
    return readJsonDocument(this.file, this.isShape, this.describe, this.problem);
  }

  async write(data: T): Promise<void> {
    writeFileAtomicSync(this.file, documentText(data), this.durable);
  }
}

/** The name of the field that seals a document; it is always written last. */
const CHECKSUM = 'checksum';
/** The seal as tracklab writes it: the last member of the document. */
const SEAL_TAIL = /,\n {2}"checksum": "(sha256:[0-9a-f]{64})"\n\}\n?$/;

/** node:crypto is taken on the first digest, not on import: loading it (and the streams it loads) costs ~2.5 ms. */
const digest = (canonical: string): string =>
  `sha256:${process.getBuiltinModule('node:crypto').createHash('sha256').update(canonical).digest('hex')}`;

/**
 * A document as tracklab writes it: JSON indented by 2, sealed by a `checksum` field over that text without the field,
 * so a change that still parses (a flipped digit, a swapped line) is caught on read instead of trusted. The text is
 * what JSON.parse + JSON.stringify(value, null, 2) give back, so re-indenting the file by hand keeps it valid.
 */
export function documentText(doc: unknown): string {
  const body = JSON.stringify(doc, nonFiniteReplacer, 2);
  if (!body.endsWith('\n}')) return `${body}\n`;
  return `${body.slice(0, -2)},\n  "${CHECKSUM}": "${digest(body)}"\n}\n`;
}

/**
 * Checks and removes the seal of a parsed document. A document without one (written by an older tracklab, or by hand)
 * is taken as it is. The file's own text is hashed when it is as tracklab wrote it; otherwise (re-indented) the text
 * is rebuilt from the parsed value.
 */
function unseal(file: string, text: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, CHECKSUM)) return;
  const record = value as Record<string, unknown>;
  const stored = record[CHECKSUM];
  delete record[CHECKSUM];
  const tail = SEAL_TAIL.exec(text);
  if (tail && tail[1] === stored && digest(`${text.slice(0, tail.index)}\n}`) === stored) return;
  if (stored !== digest(JSON.stringify(record, null, 2))) {
    throw corrupt(file, storeMessages.fileChecksum(CHECKSUM));
  }
}

/** Reads a JSON document; null when the file does not exist; a CORRUPT_STORE error naming the file otherwise. */
export function readJsonDocument<T>(
  file: string,
  isShape: ShapeCheck<T>,
  describe: string,
  problem?: Problem<T>,
): T | null {
  const text = readText(file);
  if (text === null) return null;
  return parseJsonDocument(file, text, isShape, describe, problem);
}

export function parseJsonDocument<T>(
  file: string,
  text: string,
  isShape: ShapeCheck<T>,
  describe: string,
  problem?: Problem<T>,
): T {
  if (text.trim() === '') throw corrupt(file, storeMessages.fileEmpty());
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, storeMessages.fileNotJson((error as Error).message), error);
  }
  unseal(file, text, value);
  if (!isShape(value)) throw corrupt(file, storeMessages.fileNotShape(describe));
  const wrong = problem?.(value);
  if (wrong !== undefined) throw corrupt(file, wrong);
  return value;
}

/**
 * Lock, re-read, change, write atomically, unlock. `init` gives the document when the file does not exist yet
 * (or throws when it must exist). If `mutate` throws, nothing is written. Returns what `mutate` returns.
 *
 * The commit is fenced: just before the rename, the lock must still be ours and the file must still hold the bytes
 * read under it. Otherwise nothing is written and the whole change runs again from a fresh read, so a holder that
 * paused past the stale timeout can never replace a newer document or hand out an id twice. `mutate` may therefore
 * run more than once and must change only the document it is given.
 */
export async function updateDocument<T, R>(
  adapter: SafeJsonAdapter<T>,
  init: () => T,
  mutate: (doc: T) => R,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withLock(adapter.file, (lock) => changeOnce(adapter, init, mutate, lock));
    } catch (error) {
      if (!(error instanceof LockLostError || error instanceof StaleReadError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

const MAX_ATTEMPTS = 8;

/** The document changed under a lock we believed ours: refuse and start over. */
class StaleReadError extends Error {}

function changeOnce<T, R>(adapter: SafeJsonAdapter<T>, init: () => T, mutate: (doc: T) => R, lock: LockHandle): R {
  const before = readText(adapter.file);
  const doc =
    before === null
      ? init()
      : parseJsonDocument(adapter.file, before, adapter.isShape, adapter.describe, adapter.problem);
  const result = mutate(doc);
  const text = documentText(doc);
  writeFileAtomicSync(adapter.file, text, adapter.durable, () => {
    lock.assertHeld();
    if (readText(adapter.file) !== before) throw new StaleReadError(`${adapter.file} changed while locked`);
  });
  return result;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('read', file, error);
  }
}
