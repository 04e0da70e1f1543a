/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store, because the folder
 * belongs to MLflow (it would read any folder inside it as an experiment, and users rsync it between machines), in
 * `$TRACKLAB_CACHE_DIR/mlruns/` or `$XDG_CACHE_HOME/tracklab/mlruns/` (`~/.cache/tracklab/mlruns/`), one file per
 * store. An entry is used only while every file and folder it was read from has the same inode, ctime and size, so a
 * change by MLflow (which rewrites meta.yaml and tag files in place and appends metric lines) or by tracklab is
 * always seen, also when MLflow writes while tracklab reads; runs changed within RACY_MS of being read are not kept.
 * A damaged, missing or unwritable cache only costs speed: the runs are read from their files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { decodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from '../json/atomic-file.js';

interface Entry {
  files: string[];
  sig: string;
  record: RunRecord;
}

const SUBFOLDERS = ['params', 'tags', 'metrics', 'inputs'] as const;

export class MlrunsRunCache {
  private readonly file: string | undefined;
  private entries: Record<string, Entry> | undefined;
  private changed = 0;

  constructor(root: string) {
    try {
      const base =
        process.env['TRACKLAB_CACHE_DIR'] ??
        join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'tracklab');
      this.file = join(
        base,
        'mlruns',
        `${createHash('sha1').update(realpathSync(root)).digest('hex').slice(0, 20)}.json`,
      );
    } catch {
      this.file = undefined; // no cache: every search reads the runs
    }
  }

  private load(): Record<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = Object.create(null) as Record<string, Entry>;
    if (this.file === undefined) return this.entries;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { entries?: Record<string, Entry> };
      for (const [dir, e] of Object.entries(parsed.entries ?? {})) {
        for (const s of Object.values(e.record.metrics)) {
          for (const f of ['value', 'min', 'max'] as const) s[f] = decodeNumber(s[f]) ?? Number.NaN;
        }
        this.entries[dir] = e;
      }
    } catch {
      /* missing or damaged: rebuilt as runs are read */
    }
    return this.entries;
  }

  /** The cached run of folder `dir` while nothing it was read from changed (shared: callers must not change it). */
  get(dir: string): RunRecord | undefined {
    const e = this.load()[dir];
    return e !== undefined && signature(dir, e.files) === e.sig ? e.record : undefined;
  }

  /**
   * Remembers a run just read from `dir`, given the signature taken before reading and when it was taken; a run
   * changed within RACY_MS of that moment is not remembered.
   */
  set(dir: string, record: RunRecord, files: string[], taken: { sig: string; newest: number; at: number }): void {
    if (taken.newest > taken.at - RACY_MS) return;
    this.load()[dir] = { files, sig: taken.sig, record: copyRecord(record) };
    this.changed += 1;
  }

  /** Writes the cache when runs were read from disk; failures only cost speed. */
  save(): void {
    if (this.changed === 0 || this.file === undefined || this.entries === undefined) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileAtomicSync(this.file, JSON.stringify({ entries: this.entries }, nonFiniteReplacer), false);
      this.changed = 0;
    } catch {
      /* a read-only home: searches stay correct, only slower */
    }
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
    try {
      entries = readdirSync(`${dir}/${rel}`, { withFileTypes: true });
    } catch {
      return;
    }
    files.push(rel);
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

/** inode, ctime and size of each file; a missing one reads as "-". */
export function signature(dir: string, files: string[]): string {
  return stamp(dir, files).sig;
}

/** The signature and the newest change time among the files (ms), in one pass of `stat` calls. */
export function stamp(dir: string, files: string[]): { sig: string; newest: number } {
  let sig = '';
  let newest = 0;
  for (const f of files) {
    const st = statSync(`${dir}/${f}`, { throwIfNoEntry: false }); // no join: the names are known to be plain
    if (st === undefined) {
      sig += '-;';
      continue;
    }
    // any change of content or mtime sets ctime; a file replaced by rename is another inode
    sig += `${st.ino},${st.ctimeMs},${st.size};`;
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
