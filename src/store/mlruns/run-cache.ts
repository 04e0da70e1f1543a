/**
 * Folded runs of an mlruns folder for fast cold searches: derived data kept OUTSIDE the store (MLflow would read any
 * folder inside it as an experiment), in `$TRACKLAB_CACHE_DIR` or `~/.cache/tracklab/mlruns/`. An entry is used only
 * while every file and folder it was read from has the same mtime, ctime and size, so a change by MLflow (which
 * rewrites tag files in place) or by tracklab is always seen; a damaged or missing cache is simply rebuilt.
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

const SUBFOLDERS = ['params', 'tags', 'metrics', 'inputs'];

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

  /** Remembers a run just read from `dir` (call right after reading, with the files as they were). */
  set(dir: string, record: RunRecord, files: string[], sig: string): void {
    this.load()[dir] = { files, sig, record: copyRecord(record) };
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

/**
 * What a cached run depends on, relative to its folder: meta.yaml, the param/tag/metric/input folders (a new or removed
 * entry changes a folder's mtime) and the tag and metric files (MLflow rewrites tags in place; metrics grow by
 * appends). Param files are written once and inputs only added, so their folders suffice.
 */
export function runFiles(dir: string): string[] {
  const out = ['meta.yaml'];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    out.push(rel);
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (!rel.startsWith('params') && !rel.startsWith('inputs')) out.push(child);
    }
  };
  for (const sub of SUBFOLDERS) walk(sub);
  return out;
}

/** mtime, ctime and size of each file; a missing one reads as "-". */
export function signature(dir: string, files: string[]): string {
  let sig = '';
  for (const f of files) {
    const st = statSync(join(dir, f), { throwIfNoEntry: false });
    sig += st ? `${st.mtimeMs},${st.ctimeMs},${st.size};` : '-;';
  }
  return sig;
}
