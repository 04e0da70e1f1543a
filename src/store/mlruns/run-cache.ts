/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store, because the folder
 * belongs to MLflow (it would read any folder inside it as an experiment, and users rsync it between machines), in
 * `$TRACKLAB_CACHE_DIR/mlruns/` or `$XDG_CACHE_HOME/tracklab/mlruns/` (`~/.cache/tracklab/mlruns/`), one file per
 * store, read in one go. An entry is used only while every file and folder it was read from has the same inode, ctime
 * and size, so a change by MLflow (which rewrites meta.yaml and tag files in place and appends metric lines) or by
 * tracklab is always seen, also when MLflow writes while tracklab reads; runs changed within RACY_MS of being read are
 * not kept. Only changed run folders are read again. A damaged, missing or unwritable cache only costs speed.
 *
 * File format: the first line is the store's path as a JSON string (so stale files can be pruned by reading a line),
 * the second `{"v":2,"runs":{"<experiment>/<run>":{"f":[files],"s":[ino,ctime,size,...],"r":record}}}`.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync } from 'node:fs';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { decodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from '../json/atomic-file.js';

interface Entry {
  /** files and folders the run was read from, relative to its folder */
  f: string[];
  /** their inode, ctime and size, three numbers per file (-1 each when missing) */
  s: number[];
  r: RunRecord;
}

const VERSION = 2;
const SUBFOLDERS = ['params', 'tags', 'metrics', 'inputs'] as const;
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
  private entries: Record<string, Entry> | undefined;
  private changed = 0;
  /** run folders met by this process, and experiment folders whose runs were all listed */
  private readonly seen = new Set<string>();
  private readonly listed = new Set<string>();

  private readonly prefix: string;

  constructor(root: string) {
    this.prefix = `${join(root)}/`; // as the experiment folders are named (join normalises)
    try {
      this.real = realpathSync(root);
      this.file = join(cacheFolder(), `${createHash('sha1').update(this.real).digest('hex').slice(0, 20)}.json`);
    } catch {
      this.file = undefined; // no cache: every search reads the runs
    }
  }

  private load(): Record<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = Object.create(null) as Record<string, Entry>;
    if (this.file === undefined) return this.entries;
    try {
      const text = readFileSync(this.file, 'utf8');
      const parsed = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { v?: number; runs?: Record<string, Entry> };
      if (parsed.v !== VERSION) return this.entries;
      for (const [rel, e] of Object.entries(parsed.runs ?? {})) {
        for (const m of Object.values(e.r.metrics)) {
          if (typeof m.value !== 'number') m.value = decodeNumber(m.value) ?? Number.NaN;
          if (typeof m.min !== 'number') m.min = decodeNumber(m.min) ?? Number.NaN;
          if (typeof m.max !== 'number') m.max = decodeNumber(m.max) ?? Number.NaN;
        }
        this.entries[rel] = e;
      }
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
    const e = this.load()[key];
    return e !== undefined && unchanged(dir, e.f, e.s) ? e.r : undefined;
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
    this.load()[this.key(dir)] = { f: files, s: taken.sig, r: copyRecord(record) };
    this.changed += 1;
  }

  /** Writes the cache when runs were read from disk or are gone; failures only cost speed. */
  save(): void {
    if (this.file === undefined || this.entries === undefined) return;
    for (const key of Object.keys(this.entries)) {
      if (!this.seen.has(key) && this.listed.has(key.slice(0, key.lastIndexOf('/')))) {
        delete this.entries[key]; // its folder was not among its experiment's runs: deleted or moved
        this.changed += 1;
      }
    }
    if (this.changed === 0) return;
    try {
      mkdirSync(cacheFolder(), { recursive: true });
      const body = JSON.stringify({ v: VERSION, runs: this.entries }, nonFiniteReplacer);
      writeFileAtomicSync(this.file, `${JSON.stringify(this.real)}\n${body}`, false);
      this.changed = 0;
      pruneStaleCaches(cacheFolder());
    } catch {
      /* a read-only home: searches stay correct, only slower */
    }
  }
}

/**
 * Removes the cache files of stores whose folder is gone (and of older formats), at most once per PRUNE_EVERY_MS:
 * one listing of the cache folder and the first line of each file.
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
    if (root !== undefined && statSync(root, { throwIfNoEntry: false }) !== undefined) continue;
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

/** The keys of a run folder's params, tags and metrics and its input ids, as one listing found them. */
export interface RunListing {
  params: string[];
  tags: string[];
  metrics: string[];
  inputs: string[];
}

const isTemp = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * What a cached run depends on, relative to its folder: meta.yaml, the param/tag/metric/input folders (a new or removed
 * entry changes a folder's ctime) and the tag and metric files (MLflow rewrites tags in place; metrics grow by
 * appends). Param files are written once and inputs only added, so their folders suffice. The same walk gives the
 * listing the run is then read with, so each folder is listed once.
 */
export function runFiles(dir: string): { files: string[]; listing: RunListing } {
  const files = ['meta.yaml'];
  const listing: RunListing = { params: [], tags: [], metrics: [], inputs: [] };
  const walk = (rel: string, top: 'params' | 'tags' | 'metrics' | 'inputs', prefix: string): void => {
    let entries;
    if (rel === top) files.push(rel); // also when missing: MLflow creates inputs/ when a dataset is first logged
    try {
      entries = readdirSync(`${dir}/${rel}`, { withFileTypes: true });
    } catch {
      return;
    }
    if (rel !== top) files.push(rel);
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (top === 'inputs') {
        if (e.isDirectory()) listing.inputs.push(e.name);
      } else if (e.isDirectory()) {
        walk(child, top, `${prefix}${e.name}/`);
      } else if (!isTemp(e.name)) {
        listing[top].push(`${prefix}${e.name}`);
        if (top !== 'params') files.push(child);
      }
    }
  };
  for (const sub of SUBFOLDERS) walk(sub, sub, '');
  return { files, listing };
}

/** Whether every file still has the inode, ctime and size in `sig`; stops at the first difference. */
export function unchanged(dir: string, files: string[], sig: number[]): boolean {
  if (sig.length !== files.length * 3) return false;
  for (let i = 0; i < files.length; i++) {
    const st = statSync(`${dir}/${files[i]}`, { throwIfNoEntry: false }); // no join: the names are known to be plain
    const j = i * 3;
    if (st === undefined) {
      if (sig[j] !== -1) return false;
    } else if (st.ino !== sig[j] || st.ctimeMs !== sig[j + 1] || st.size !== sig[j + 2]) {
      return false;
    }
  }
  return true;
}

/** The inode, ctime and size of each file (-1 each when missing) and the newest change time (ms), in one pass. */
export function stamp(dir: string, files: string[]): { sig: number[]; newest: number } {
  const sig: number[] = [];
  let newest = 0;
  for (const f of files) {
    const st = statSync(`${dir}/${f}`, { throwIfNoEntry: false });
    if (st === undefined) {
      sig.push(-1, -1, -1);
      continue;
    }
    // any change of content or mtime sets ctime; a file replaced by rename is another inode
    sig.push(st.ino, st.ctimeMs, st.size);
    if (st.ctimeMs > newest) newest = st.ctimeMs;
  }
  return { sig, newest };
}

/**
 * File times tick coarsely (a few ms on Linux), so a file changed within the same tick as the read that cached it
 * could keep its signature. A run whose newest change is this close to the moment it was read is not cached (read
 * again next time), as git treats "racily clean" index entries.
 */
export const RACY_MS = 2000;
