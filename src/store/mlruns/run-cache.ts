/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store, because the folder
 * belongs to MLflow (it would read any folder inside it as an experiment, and users rsync it between machines), in
 * `$TRACKLAB_CACHE_DIR/mlruns/` or `$XDG_CACHE_HOME/tracklab/mlruns/` (`~/.cache/tracklab/mlruns/`), one file per
 * store, read in one go. An entry is used only while every file and folder it was read from has the same inode, ctime
 * and size (run-signature.ts), so a change by MLflow or by tracklab is always seen, also when MLflow writes while
 * tracklab reads; runs changed within RACY_MS of being read are not kept. Only changed run folders are read again.
 * A damaged, missing or unwritable cache only costs speed.
 *
 * File format: the first line is the store's path as a JSON string (so stale files can be pruned by reading a line),
 * the second one JSON object in columns, so a cold search parses and keeps few objects:
 * `{"v":3,"lists":[[files],...],"keys":["<experiment>/<run>",...],"l":[list index,...],"s":[ino,ctime,size,...],
 * "base":"file:///.../mlruns/","r":[record,...]}`; a record leaves out its id, experiment id and artifact URI when
 * they follow from its key (`base` + key + `/artifacts`).
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync } from 'node:fs';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { decodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from '../json/atomic-file.js';
import { RACY_MS, unchanged, unchangedAt } from './run-signature.js';

interface Entry {
  /** files and folders the run was read from, relative to its folder (shared between entries) */
  f: readonly string[];
  /** their inode, ctime and size, three numbers per file (-1 each when missing), from `o` on */
  s: ArrayLike<number>;
  o: number;
  r: RunRecord;
}

/** A record as stored: fields that follow from its key are left out. */
type Packed = Omit<RunRecord, 'id' | 'experimentId'> & { id?: string; experimentId?: string };

interface Stored {
  v: number;
  lists: string[][];
  keys: string[];
  l: number[];
  s: number[];
  base: string;
  r: Packed[];
}

const VERSION = 3;
/** Cache files of stores that are gone are looked for at most this often, when a cache is written anyway. */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const PRUNE_MARK = '.pruned';

/** The folder of every store's cache file. */
export function cacheFolder(): string {
  const base =
    process.env['TRACKLAB_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'tracklab');
  return join(base, 'mlruns');
}

/** The run and experiment folder names of a key `<experiment>/<run>` or `.trash/<experiment>/<run>`. */
function namesOf(key: string): { run: string; experiment: string } {
  const cut = key.lastIndexOf('/');
  return { run: key.slice(cut + 1), experiment: key.slice(key.lastIndexOf('/', cut - 1) + 1, cut) };
}

function pack(key: string, r: RunRecord, base: string): Packed {
  const { id, experimentId, artifactUri, ...rest } = r;
  const names = namesOf(key);
  const out: Packed = rest;
  if (id !== names.run) out.id = id;
  if (experimentId !== names.experiment) out.experimentId = experimentId;
  if (artifactUri !== undefined && artifactUri !== `${base}${key}/artifacts`) out.artifactUri = artifactUri;
  return out;
}

function unpack(key: string, p: Packed, base: string): RunRecord {
  const names = namesOf(key);
  p.id ??= names.run;
  p.experimentId ??= names.experiment;
  p.artifactUri ??= `${base}${key}/artifacts`;
  for (const k in p.metrics) {
    const m = p.metrics[k] as RunRecord['metrics'][string];
    if (typeof m.value !== 'number') m.value = decodeNumber(m.value) ?? Number.NaN;
    if (typeof m.min !== 'number') m.min = decodeNumber(m.min) ?? Number.NaN;
    if (typeof m.max !== 'number') m.max = decodeNumber(m.max) ?? Number.NaN;
  }
  return p as RunRecord;
}

/** The common start of artifact URIs written as `<base><key>/artifacts`, from the first entry that has one. */
function baseOf(entries: Map<string, Entry>): string {
  for (const [key, e] of entries) {
    const uri = e.r.artifactUri;
    if (uri?.endsWith(`/${key}/artifacts`)) return uri.slice(0, uri.length - key.length - '/artifacts'.length);
  }
  return '';
}

function toStored(entries: Map<string, Entry>): Stored {
  const out: Stored = { v: VERSION, lists: [], keys: [], l: [], s: [], base: baseOf(entries), r: [] };
  const lists = new Map<string, number>();
  for (const [key, e] of entries) {
    const name = e.f.join('\n');
    let at = lists.get(name);
    if (at === undefined) {
      at = out.lists.push([...e.f]) - 1;
      lists.set(name, at);
    }
    out.keys.push(key);
    out.l.push(at);
    for (let i = 0; i < e.f.length * 3; i++) out.s.push(e.s[e.o + i] as number);
    out.r.push(pack(key, e.r, out.base));
  }
  return out;
}

/** Whether parsed JSON has the columns of this version (a damaged file of another shape is dropped, never trusted). */
function isStored(x: Partial<Stored>): x is Stored {
  return x.v === VERSION && [x.lists, x.keys, x.l, x.s, x.r].every(Array.isArray) && typeof x.base === 'string';
}

function fromStored(text: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const stored = JSON.parse(text) as Partial<Stored>;
  if (!isStored(stored)) return entries;
  const { lists, keys, l, s, base, r } = stored;
  for (let i = 0, o = 0; i < keys.length; i++) {
    const f = lists[l[i] as number];
    const rec = r[i];
    const key = keys[i];
    if (!Array.isArray(f) || typeof rec !== 'object' || rec === null || typeof key !== 'string') return new Map();
    entries.set(key, { f, s, o, r: unpack(key, rec, base) });
    o += f.length * 3;
  }
  return entries;
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
      this.file = join(cacheFolder(), `${createHash('sha1').update(this.real).digest('hex').slice(0, 20)}.json`);
    } catch {
      this.file = undefined; // no cache: every search reads the runs
    }
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    if (this.file === undefined) return this.entries;
    try {
      const text = readFileSync(this.file, 'utf8');
      this.entries = fromStored(text.slice(text.indexOf('\n') + 1));
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
      const body = JSON.stringify(toStored(this.entries), nonFiniteReplacer);
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
