/**
 * File primitives of the MLflow layout: YAML documents (safe schema, no custom tags), one-value files (params, tags,
 * aliases) and key folders where a key "a/b" is the file a/b. Every failure names the file.
 */
import { dirname, join } from 'node:path';
import { corrupt, ioError } from '../../core/errors.js';
import { setOwn } from '../../core/run-view.js';
import { storeMessages } from '../messages.js';
import { tempPathFor, writeFileAtomicSync } from '../json/atomic-file.js';
import { parseFlatMeta, stringifyFlatMeta } from './meta-yaml.js';
import { yamlLib } from './yaml-lib.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } =
  process.getBuiltinModule('node:fs');

const isMissing = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** readFileSync's options as it builds them from 'utf8' (a copy a call, thousands when a folder is first read) */
const UTF8 = { encoding: 'utf8', flag: 'r' } as const;

/** The text of a file, or undefined when it does not exist. */
export function readTextIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, UTF8);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw ioError('read', file, error);
  }
}

/**
 * A YAML mapping, or undefined when the file does not exist. Parsed with the core schema only (no custom tags, no
 * code); anything else, an empty file included, is CORRUPT_STORE naming the file. The flat `key: value` files MLflow
 * writes are read without the library (meta-yaml.ts), with the same result.
 */
export function readYaml(file: string): Record<string, unknown> | undefined {
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  const flat = parseFlatMeta(text);
  if (flat !== undefined) return flat;
  const doc = yamlLib().parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings[0]; // warnings are unknown tags such as !!python/object: refused
  if (problem !== undefined) throw corrupt(file, storeMessages.fileNotStoreYaml(problem.message.split('\n')[0] ?? ''));
  const value: unknown = doc.toJS({ maxAliasCount: 0 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw corrupt(file, text.trim() === '' ? storeMessages.fileEmptyTorn() : storeMessages.fileNotYamlMapping());
  }
  return value as Record<string, unknown>;
}

/**
 * Writes a YAML mapping as MLflow does (sorted keys, block style), replacing the file atomically. Flat files of plain
 * scalars are written without the library, in the very text it would write (meta-yaml.ts).
 */
export function writeYaml(file: string, data: Record<string, unknown>, durable = false): void {
  const text =
    stringifyFlatMeta(data) ?? yamlLib().stringify(data, { sortMapEntries: true, lineWidth: 0, nullStr: 'null' });
  writeFileAtomicSync(file, text, durable);
}

/**
 * Runs `write` for `file`, creating the file's folder first only when the write finds it missing: the folder nearly
 * always exists, and an import writes thousands of values.
 */
function inFolder<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  ensureDir(dirname(file));
  return write();
}

/** Replaces a one-value file (a tag, an alias) atomically; creates its folder (keys may contain "/"). */
export function writeValue(file: string, value: string): void {
  inFolder(file, () => writeFileAtomicSync(file, value, false));
}

/** Writes a one-value file of a run no reader sees yet (its meta.yaml comes last), without temp file + rename. */
export function writeNewValue(file: string, value: string): void {
  inFolder(file, () => {
    try {
      writeFileSync(file, value, 'utf8');
    } catch (error) {
      throw ioError('write', file, error);
    }
  });
}

/**
 * Creates a one-value file only when it does not exist, atomically and with its whole content (temp file + link), and
 * returns undefined; when it exists, returns what it holds. Params use this: the first value wins, across processes.
 */
export function createValueOnce(file: string, value: string): string | undefined {
  return inFolder(file, () => createOnce(file, value));
}

function createOnce(file: string, value: string): string | undefined {
  const temp = tempPathFor(file);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      const bytes = Buffer.from(value, 'utf8');
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, file);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readTextIfExists(file) ?? '';
    throw ioError('write', file, error);
  } finally {
    rmSync(temp, { force: true });
  }
}

export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw ioError('create folder', dir, error);
  }
}

/** Keys stored as files under `dir` (sub-folders give "a/b"), skipping temp files; [] when `dir` is missing. */
export function listKeys(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw ioError('list', dir, error);
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.endsWith('.tmp') && entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) out.push(...listKeys(join(dir, entry.name), `${prefix}${entry.name}/`));
    else out.push(`${prefix}${entry.name}`);
  }
  return out;
}

/** key -> content of every one-value file under `dir`. */
export function readValues(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of listKeys(dir)) {
    const text = readTextIfExists(join(dir, key));
    if (text !== undefined) setOwn(out, key, text);
  }
  return out;
}

/** Sub-folders of `dir` (names), or [] when it is missing. */
export function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (error) {
    if (isMissing(error)) return [];
    throw ioError('list', dir, error);
  }
}

/**
 * `withLock` of the JSON store's lock module, loaded on the first write: a process that only searches never loads
 * it.
 */
export async function underLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  return (await import('../json/lock.js')).withLock(file, fn);
}
