/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store, because the folder
 * belongs to MLflow (it would read any folder inside it as an experiment, and users rsync it between machines), in
 * `$TRACKLAB_CACHE_DIR/mlruns/` or `$XDG_CACHE_HOME/tracklab/mlruns/` (`~/.cache/tracklab/mlruns/`), one file per
 * store (run-cache-file.ts), read in one go. An entry is used only while every file and folder it was read from has
 * the same inode, ctime and size (run-signature.ts), so a change by MLflow or by tracklab is always seen, also when
 * MLflow writes while tracklab reads; runs changed within RACY_MS of being read are not kept. Only changed run
 * folders are read again. A damaged, missing or unwritable cache only costs speed.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync } from 'node:fs';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { writeFileAtomicSync } from '../json/atomic-file.js';
import { cacheFileName, decodeCache, encodeCache, type CacheEntry as Entry } from './run-cache-file.js';
import { RACY_MS, unchanged, unchangedAt } from './run-signature.js';

/** Cache files of stores that are gone are looked for at most this often, when a cache is written anyway. */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const PRUNE_MARK = '.pruned';

/** The folder of every store's cache file. */
export function cacheFolder(): string {
  const base =
    process.env['TRACKLAB_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'tracklab');
  return join(base, 'mlruns');
}

export class MlrunsRunCache {
  private readonly file: string | undefined;
  private readonly real: string = '';
  private entries: Map<string, Entry> | undefined;
  private changed = 0;
  /** run folders met by this process, and experiment folders whose runs were all listed */
  private readonly seen = new Set<string>();
  private readonly listed = new Set<string>();
  /** positions of named files in a (shared) file list */
  private readonly indexCache = new WeakMap<readonly string[], Map<readonly string[], number[]>>();

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

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    if (this.file === undefined) return this.entries;
    try {
      this.entries = decodeCache(readFileSync(this.file), this.real);
    } catch {
      /* missing or damaged: rebuilt as runs are read */
    }
    return this.entries;
  }

  /** The folder relative to the store: `<experiment>/<run>` or `.trash/<experiment>/<run>`. */
  private key(dir: string): string {
    return dir.startsWith(this.prefix) ? dir.slice(this.prefix.length) : dir;
  }

  /** The cached run of folder `dir` while nothing it was read from changed (shared: callers must not change it). */
  get(dir: string): RunRecord | undefined {
    const key = this.key(dir);
    this.seen.add(key);
    const e = this.load().get(key);
    return e !== undefined && unchanged(dir, e.f, e.s, e.o) ? e.r : undefined;
  }

  /** The cached run of folder `dir` as it was read, not checked (shared: callers must not change it). */
  peek(dir: string): RunRecord | undefined {
    const key = this.key(dir);
    this.seen.add(key);
    return this.load().get(key)?.r;
  }

  /**
   * Whether the files `names` (relative to run folder `dir`) are as when its cached run was read; names the run was
   * not read from are skipped, so a caller names the folders above them too.
   */
  unchangedFiles(dir: string, names: readonly string[]): boolean {
    const e = this.load().get(this.key(dir));
    if (e === undefined) return false;
    let byNames = this.indexCache.get(e.f);
    if (byNames === undefined) this.indexCache.set(e.f, (byNames = new Map<readonly string[], number[]>()));
    let indices = byNames.get(names);
    if (indices === undefined) {
      indices = names.map((n) => e.f.indexOf(n)).filter((i) => i >= 0);
      byNames.set(names, indices);
    }
    return unchangedAt(dir, e.f, indices, e.s, e.o);
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
    this.load().set(this.key(dir), { f: files, s: taken.sig, o: 0, r: copyRecord(record) });
    this.changed += 1;
  }

  /** Writes the cache when runs were read from disk or are gone; failures only cost speed. */
  save(): void {
    if (this.file === undefined || this.entries === undefined) return;
    for (const key of this.entries.keys()) {
      if (!this.seen.has(key) && this.listed.has(key.slice(0, key.lastIndexOf('/')))) {
        this.entries.delete(key); // its folder was not among its experiment's runs: deleted or moved
        this.changed += 1;
      }
    }
    if (this.changed === 0) return;
    try {
      mkdirSync(cacheFolder(), { recursive: true });
      writeFileAtomicSync(this.file, encodeCache(this.real, this.entries), false);
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

/** A copy a caller may change without touching the cache. */
export const copyRecord = (r: RunRecord): RunRecord => ({
  ...r,
  params: { ...r.params },
  tags: { ...r.tags },
  metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, { ...m }])),
  inputs: r.inputs.map((d) => ({ ...d })),
});
