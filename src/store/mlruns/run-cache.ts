/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store, because the folder
 * belongs to MLflow (it would read any folder inside it as an experiment, and users rsync it between machines), in
 * `$TRACKLAB_CACHE_DIR/mlruns/` or `$XDG_CACHE_HOME/tracklab/mlruns/` (`~/.cache/tracklab/mlruns/`), one file per
 * store (run-cache-file.ts), read in one go. An entry is used only while every file and folder it was read from has
 * the same inode, ctime and size (run-signature.ts), so a change by MLflow or by tracklab is always seen, also when
 * MLflow writes while tracklab reads; runs changed within RACY_MS of being read are not kept. Only changed run
 * folders are read again. A damaged, missing or unwritable cache only costs speed.
 */
import { join } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { writeFileAtomicSync } from '../json/atomic-file.js';
import { decodeNumber } from '../../core/number-codec.js';
import {
  baseOf,
  cacheFileName,
  decodeCache,
  emptyContents,
  encodeCache,
  latestValues,
  packRecord,
  unpackRecord,
} from './run-cache-file.js';
import type { CacheContents, CacheEntry as Entry } from './run-cache-file.js';
import { RACY_MS, unchanged, unchangedAt } from './run-signature.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} = process.getBuiltinModule('node:fs');
const { homedir } = process.getBuiltinModule('node:os');

/** Cache files of stores that are gone are looked for at most this often, when a cache is written anyway. */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const PRUNE_MARK = '.pruned';

/** The folder of every store's cache file. */
export function cacheFolder(): string {
  const base =
    process.env['TRACKLAB_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'tracklab');
  return join(base, 'mlruns');
}

/** What a filter may look at in a cached run before the run is checked whole (run-exclusion.ts). */
export interface CachedRun {
  /** the latest value of metric `key` when the run was cached; undefined when it had none */
  metric(key: string): number | undefined;
  /** the whole run as cached (a new object); undefined when its cached text is damaged */
  record(): RunRecord | undefined;
}

export class MlrunsRunCache {
  private readonly file: string | undefined;
  private readonly real: string = '';
  private contents: CacheContents | undefined;
  private changed = 0;
  /** run folders met by this process that the cache holds no entry for, and experiment folders listed whole */
  private readonly seen = new Set<string>();
  private readonly listed = new Set<string>();
  /** the entry `peek` last handed out, as one reused view: a search looks at one run at a time */
  private peeked: { key: string; e: Entry | undefined } = { key: '', e: undefined };
  private readonly cursor: CachedRun = {
    metric: (name) => {
      const e = this.peeked.e as Entry;
      return e.m !== undefined ? e.m[name] : this.column(name).get(e.i);
    },
    record: () => this.record(this.peeked.key, this.peeked.e as Entry),
  };
  /** the loaded file's metric columns, by metric key: latest value by entry index */
  private readonly columns = new Map<string, Map<number, number>>();
  /** the deepest of some named files that a (shared) file list holds */
  private readonly deepest = new WeakMap<readonly string[], Map<readonly string[], number>>();

  private readonly prefix: string;

  constructor(root: string) {
    this.prefix = `${join(root)}/`; // as the experiment folders are named (join normalises)
    try {
      this.real = realpathSync(root);
      this.file = join(cacheFolder(), cacheFileName(this.real));
    } catch {
      this.file = undefined; // no cache: every search reads the runs
    }
  }

  private load(): CacheContents {
    if (this.contents) return this.contents;
    this.contents = emptyContents();
    if (this.file === undefined) return this.contents;
    try {
      this.contents = decodeCache(readFileSync(this.file), this.real);
    } catch {
      /* missing or damaged: rebuilt as runs are read */
    }
    return this.contents;
  }

  /** The folder relative to the store: `<experiment>/<run>` or `.trash/<experiment>/<run>`. */
  private key(dir: string): string {
    if (dir === this.lastDir) return this.lastKey; // a search asks up to three times in a row per run
    this.lastDir = dir;
    this.lastKey = dir.startsWith(this.prefix) ? dir.slice(this.prefix.length) : dir;
    return this.lastKey;
  }
  private lastDir = '';
  private lastKey = '';

  /** The run of an entry as a new object; undefined when its text is damaged. */
  private record(key: string, e: Entry): RunRecord | undefined {
    try {
      const { base, bytes } = this.load();
      return unpackRecord(key, e.raw ?? bytes.toString('utf8', e.at, e.end), base);
    } catch {
      return undefined;
    }
  }

  /** The entry of run folder `dir`, marked as met by this process (entries never met are dropped by `save`). */
  private entry(dir: string): { key: string; e: Entry | undefined } {
    const key = this.key(dir);
    const e = this.load().entries.get(key);
    if (e === undefined) this.seen.add(key);
    else e.seen = true;
    return { key, e };
  }

  /** The cached run of folder `dir` while nothing it was read from changed, as a new object the caller may change. */
  get(dir: string): RunRecord | undefined {
    return this.valid(dir) ? this.take(dir) : undefined;
  }

  /**
   * Whether the cache holds a run for folder `dir` and nothing it was read from changed: one `stat` per file. A
   * search checks every run this way before it decodes any (`take`), so no decoded run lives through the garbage of
   * thousands of `stat` calls.
   */
  valid(dir: string): boolean {
    const { e } = this.entry(dir);
    return e !== undefined && unchanged(dir, e.f, e.s, e.o);
  }

  /** The cached run of folder `dir` as a new object, NOT checked (see `valid`); undefined when there is none. */
  take(dir: string): RunRecord | undefined {
    const { key, e } = this.entry(dir);
    return e === undefined ? undefined : this.record(key, e);
  }

  /**
   * The cached run of folder `dir` as it was read, not checked; undefined when there is none. The view is reused:
   * it is valid until the next call.
   */
  peek(dir: string): CachedRun | undefined {
    this.peeked = this.entry(dir);
    return this.peeked.e === undefined ? undefined : this.cursor;
  }

  /** The latest values of metric `name` by entry index of the loaded file. */
  private column(name: string): Map<number, number> {
    let col = this.columns.get(name);
    if (col !== undefined) return col;
    col = new Map();
    const { metrics } = this.load();
    const pairs = Object.hasOwn(metrics, name) ? (metrics[name] as unknown[]) : [];
    for (let j = 0; j + 1 < pairs.length; j += 2) {
      const value = decodeNumber(pairs[j + 1]);
      if (typeof pairs[j] === 'number' && value !== undefined) col.set(pairs[j] as number, value);
    }
    this.columns.set(name, col);
    return col;
  }

  /**
   * Whether the file `names` name (relative to run folder `dir`, each folder before the files and folders in it) is
   * as when its cached run was read: the deepest of them the run was read from is looked at, as a change of anything
   * deeper changes it (a new entry changes its folder's ctime) and a change above it moves or removes it.
   */
  unchangedFiles(dir: string, names: readonly string[]): boolean {
    const e = this.load().entries.get(this.key(dir));
    if (e === undefined) return false;
    let byNames = this.deepest.get(e.f);
    if (byNames === undefined) this.deepest.set(e.f, (byNames = new Map<readonly string[], number>()));
    let at = byNames.get(names);
    if (at === undefined) {
      at = -1;
      for (let n = names.length - 1; n >= 0 && at < 0; n--) at = e.f.indexOf(names[n] as string);
      byNames.set(names, at);
    }
    return at >= 0 && unchangedAt(dir, e.f, at, e.s, e.o);
  }

  /** Tells that every run folder of experiment folder `dir` was just met: entries of others there are gone. */
  listedAll(dir: string): void {
    this.listed.add(this.key(dir));
  }

  /**
   * Remembers a run just read from `dir`, given the signature taken before reading and when it was taken; a run
   * changed within RACY_MS of that moment is not remembered.
   */
  set(dir: string, record: RunRecord, files: string[], taken: { sig: number[]; newest: number; at: number }): void {
    if (taken.newest > taken.at - RACY_MS) return;
    const contents = this.load();
    const key = this.key(dir);
    if (contents.base === '') contents.base = baseOf(key, record); // fixed from now on: entries are packed with it
    const raw = packRecord(key, record, contents.base);
    const m = latestValues(record);
    contents.entries.set(key, { f: files, s: taken.sig, o: 0, raw, at: 0, end: 0, i: -1, m, seen: true });
    this.changed += 1;
  }

  /** Writes the cache when runs were read from disk or are gone; failures only cost speed. */
  save(): void {
    if (this.file === undefined || this.contents === undefined) return;
    for (const [key, e] of this.contents.entries) {
      if (!e.seen && !this.seen.has(key) && this.listed.has(key.slice(0, key.lastIndexOf('/')))) {
        this.contents.entries.delete(key); // its folder was not among its experiment's runs: deleted or moved
        this.changed += 1;
      }
    }
    if (this.changed === 0) return;
    try {
      mkdirSync(cacheFolder(), { recursive: true });
      writeFileAtomicSync(this.file, encodeCache(this.real, this.contents), false);
      this.changed = 0;
      pruneStaleCaches(cacheFolder());
    } catch {
      /* a read-only home: searches stay correct, only slower */
    }
  }
}

/**
 * Removes the cache files of stores whose folder is gone, and files of other formats or not named as their store's
 * file is now, at most once per PRUNE_EVERY_MS: one listing of the cache folder and the first line of each file.
 */
export function pruneStaleCaches(folder: string, now = Date.now()): number {
  const mark = join(folder, PRUNE_MARK);
  const last = statSync(mark, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (now - last < PRUNE_EVERY_MS) return 0;
  writeFileSync(mark, '');
  utimesSync(mark, now / 1000, now / 1000);
  let removed = 0;
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.json')) continue;
    const root = storeOf(join(folder, name));
    const kept = root !== undefined && name === cacheFileName(root) && statSync(root, { throwIfNoEntry: false });
    if (kept) continue;
    rmSync(join(folder, name), { force: true });
    removed += 1;
  }
  return removed;
}

/** The store path on a cache file's first line; undefined for a file of another format. */
function storeOf(file: string): string | undefined {
  const head = Buffer.alloc(8192);
  try {
    const fd = openSync(file, 'r');
    let n: number;
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const line = head.toString('utf8', 0, n).split('\n', 1)[0] as string;
    const root: unknown = line.startsWith('"') ? JSON.parse(line) : undefined;
    return typeof root === 'string' ? root : undefined;
  } catch {
    return undefined;
  }
}
