/**
 * lowdb documents made safe for many processes: a lowdb Adapter that refuses corrupt files instead of replacing them,
 * and writes through a unique temp file + fsync + rename; `updateDocument` re-reads and writes under a cross-process lock.
 */
import { readFileSync } from 'node:fs';
import { Low, type Adapter } from 'lowdb';
import { corrupt, ioError } from '../../core/errors.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { withLock } from './lock.js';

/** Checks a parsed document's shape; returns a description of what is wrong, or undefined when it is fine. */
export type ShapeCheck<T> = (value: unknown) => value is T;

export class SafeJsonAdapter<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly isShape: ShapeCheck<T>,
    private readonly describe: string,
      /** fsync on every write (shared documents); run documents are synced once, when the run ends */
    public durable: boolean,
  ) {}

  async read(): Promise<T | null> {
    return readJsonDocument(this.file, this.isShape, this.describe);
  }

  async write(data: T): Promise<void> {
    writeFileAtomicSync(this.file, `${JSON.stringify(data, nonFiniteReplacer, 2)}\n`, this.durable);
  }
}

/** Reads a JSON document; null when the file does not exist; a CORRUPT_STORE error naming the file otherwise. */
export function readJsonDocument<T>(file: string, isShape: ShapeCheck<T>, describe: string): T | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('read', file, error);
  }
  return parseJsonDocument(file, text, isShape, describe);
}

export function parseJsonDocument<T>(file: string, text: string, isShape: ShapeCheck<T>, describe: string): T {
  if (text.trim() === '') throw corrupt(file, 'is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (!isShape(value)) throw corrupt(file, `does not hold ${describe}`);
  return value;
}

/**
 * Lock, re-read, change, write atomically, unlock. `init` gives the document when the file does not exist yet
 * (or throws when it must exist). If `mutate` throws, nothing is written. Returns what `mutate` returns.
 */
export async function updateDocument<T, R>(
  adapter: SafeJsonAdapter<T>,
  init: () => T,
  mutate: (doc: T) => R,
): Promise<R> {
  return withLock(adapter.file, async () => {
    const db = new Low<T | null>(adapter as Adapter<T | null>, null);
    await db.read();
    const doc = db.data ?? init();
    const result = mutate(doc);
    db.data = doc;
    await db.write();
    return result;
  });
}
