/**
 * Folded runs for cold searches, kept by the size and mtime of their run.jsonl, in two files under `<store>/.cache/`
 * whose names carry the format's version (`runs-v<N>.json`, `runs-v<N>.delta`), so tracklab versions of different
 * formats sharing a store each keep their own cache instead of rewriting each other's:
 *
 * - `runs-v<N>.json`, the base (run-cache-file.ts): columns a search reads as far as it needs, from which the records
 *   it returns are rebuilt. It is written (temp file + rename) after a listing that read many logs, and rewritten when
 *   the delta has grown to a quarter of it, never for a few new runs.
 * - `runs-v<N>.delta`, appended by any process after a listing that had to read logs: one line per run,
 *   `<gen> <crc32> <[id, entry]>`. Lines of another base (`gen`), torn or damaged lines are skipped; later lines win.
 *
 * Every entry is checked against one stat of its log before use. Run logs only grow, so a changed log has a new size,
 * whoever changed it: a writer of any tracklab version, another tool or a hand edit. A missing or unreadable file is
 * simply rebuilt; two processes saving at once lose at most entries, which the next listing reads from the logs again.
 */
import type { Stats } from 'node:fs';
import type { RunRecord } from '../../core/entities.js';
import { dirname, join } from 'node:path';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { BaseFile, encodeBase, type Entry } from './run-cache-file.js';
import { BASE_VERSION } from './run-cache-encode.js';
import { keyReads, type Unstatted } from './run-cache-reads.js';
import { decodeMetricSummaries } from './shapes.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { appendFileSync, mkdirSync, readFileSync, rmSync } = process.getBuiltinModule('node:fs');
const { crc32 } = process.getBuiltinModule('node:zlib');

export type { Entry } from './run-cache-file.js';
export { BadBase } from './run-cache-file.js';

/** Without a base, save one after a listing that read at least this many logs. */
const SAVE_AFTER_MISSES = 200;
/** The base is rewritten when the delta is larger than this share of it (and than DELTA_MIN_BYTES). */
const DELTA_SHARE = 0.25;
const DELTA_MIN_BYTES = 256 << 10;

/** The base and delta files of this version's cache of the store in `root`. */
export function runCacheFiles(root: string): { base: string; delta: string } {
  const dir = join(root, '.cache');
  return { base: join(dir, `runs-v${BASE_VERSION}.json`), delta: join(dir, `runs-v${BASE_VERSION}.delta`) };
}

export class RunCache {
  /** runs read from logs or the delta, and base rows already decoded */
  private readonly entries = new Map<string, Entry>();
  /** runs a search read from their logs without a stat: keyed when saved (run-cache-reads.ts) */
  private readonly reads = new Map<string, Unstatted>();
  private readonly file: string;
  private readonly deltaFile: string;
  private loaded = false;
  base: BaseFile | undefined;
  /** runs folded since the last save, to append */
  private pending: string[] = [];
  /** the base's generation ('' without a usable base) and sizes, as loaded or last written */
  private gen = '';
  private baseBytes = 0;
  private deltaBytes = 0;
  /** runs present at the last search, saved after its answer */
  private savePending: readonly string[] | undefined;

  /**
   * `reread(id)` reads run `id`'s log and folds it, keyed by a stat taken before the read (as any entry is), for the
   * runs a search read without one; undefined for a folder without a run.
   */
  constructor(
    private readonly root: string,
    private readonly reread: (id: string) => Entry | undefined,
  ) {
    const { base, delta } = runCacheFiles(root);
    this.file = base;
    this.deltaFile = delta;
  }

  /** What the cache holds of run `id`, unchecked: a folded entry, the row of the base, or undefined. */
  held(id: string): Entry | number | undefined {
    if (!this.loaded) this.load();
    return this.entries.get(id) ?? this.base?.row(id);
  }

  /** Whether what `held` returned is still the content of the log whose stat is `st`. */
  matches(held: Entry | number, st: Stats): boolean {
    if (typeof held !== 'number') return held.size === st.size && held.mtimeMs === st.mtimeMs;
    const { sizes, mtimes } = this.base!.dir;
    return sizes[held] === st.size && mtimes[held] === st.mtimeMs;
  }

  /** The newest entry of run `id`; throws BadBase when the base turns out damaged. */
  get(id: string): Entry | undefined {
    if (!this.loaded) this.load();
    const entry = this.entries.get(id);
    if (entry !== undefined || this.base === undefined) return entry;
    const row = this.base.row(id);
    if (row === undefined) return undefined;
    const decoded = this.base.entry(row);
    this.entries.set(id, decoded);
    return decoded;
  }

  set(id: string, entry: Entry): void {
    this.entries.set(id, entry);
    this.reads.delete(id);
    this.pending.push(id);
  }

  /** Notes that a search read run `id`'s log without a stat: `size` bytes, from `readAt` (Date.now()) on. */
  setRead(id: string, size: number, readAt: number): void {
    this.entries.delete(id);
    // a store too small to keep a base is read again by each search: its runs count once towards SAVE_AFTER_MISSES
    if (!this.reads.has(id)) this.pending.push(id);
    this.reads.set(id, { size, readAt });
  }

  /** Lends the cache the fold of a run noted by setRead, which the caller keeps (unchanged) anyway. */
  lend(id: string, record: RunRecord): void {
    const read = this.reads.get(id);
    if (read !== undefined) read.record = record;
  }

  /** Keys the runs noted by setRead, into entries. */
  private keyReads(): void {
    const keyed = keyReads(this.reads, (id) => `${this.root}/runs/${id}/run.jsonl`, this.reread);
    for (const [id, entry] of keyed) this.entries.set(id, entry);
    this.reads.clear();
    this.pending = this.pending.filter((id) => this.entries.has(id));
  }

  /** Forgets a damaged base: its rows are read from the logs again. */
  dropBase(): void {
    this.base = undefined;
    this.gen = '';
  }

  /**
   * Saves after the current task, so the caller has its answer first; a later search in between only adds to what is
   * saved. `present` lists every run now in the store.
   */
  saveSoon(present: readonly string[]): void {
    if (this.savePending === undefined) setImmediate(() => this.flush());
    this.savePending = present;
  }

  /** Runs a save that saveSoon scheduled, now (also on close, so a handle closed at once still saves). */
  flush(): void {
    const present = this.savePending;
    this.savePending = undefined;
    if (present !== undefined) this.save(present);
  }

  /**
   * Saves the runs folded since the last save: appended to the delta, or a new base when there is none yet (and
   * enough runs were read) or the delta has grown large. `present` lists every run now in the store, so a new base
   * drops runs removed since. Best effort: a cache that cannot be written is skipped.
   */
  save(present: readonly string[]): void {
    if (this.pending.length === 0) return;
    // a small store without a base: reading its logs is cheap, keep no cache
    if (this.gen === '' && this.pending.length < SAVE_AFTER_MISSES) return;
    if (this.reads.size > 0) this.keyReads();
    const lines = this.gen === '' ? '' : this.deltaLines();
    const rewrite =
      this.gen === '' || this.deltaBytes + lines.length > Math.max(DELTA_MIN_BYTES, this.baseBytes * DELTA_SHARE);
    this.pending = [];
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      if (rewrite) this.writeBase(present);
      else {
        appendFileSync(this.deltaFile, lines);
        this.deltaBytes += lines.length;
      }
    } catch {
      // derived data only: the next listing reads the logs again
    }
  }

  private deltaLines(): string {
    let out = '';
    for (const id of new Set(this.pending)) {
      const json = JSON.stringify([id, this.entries.get(id)], nonFiniteReplacer);
      out += `${this.gen} ${crc32(json).toString(16)} ${json}\n`;
    }
    return out;
  }

  private writeBase(present: readonly string[]): void {
    const kept = new Map<string, Entry>();
    for (const id of present) {
      const entry = this.get(id);
      if (entry !== undefined) kept.set(id, entry);
    }
    const gen = process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex');
    const text = encodeBase(kept, gen);
    writeFileAtomicSync(this.file, text, false);
    // the old delta's lines carry the old generation: removing them only saves reading them
    rmSync(this.deltaFile, { force: true });
    this.gen = gen;
    this.baseBytes = text.length;
    this.deltaBytes = 0;
    // every run is in memory now: the file's rows are not needed by this process
    this.base = undefined;
  }

  /** Whether the base file `file` is one this version reads and matches its checksums (doctor's check). */
  static readable(file: string): boolean {
    try {
      return BaseFile.parse(readFileSync(file))?.verify() ?? false;
    } catch {
      return false;
    }
  }

  private load(): void {
    this.loaded = true;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch {
      return;
    }
    const base = BaseFile.parse(bytes);
    if (base === undefined) return;
    this.base = base;
    this.gen = base.gen;
    this.baseBytes = base.size;
    this.loadDelta();
  }

  private loadDelta(): void {
    let text: string;
    try {
      text = readFileSync(this.deltaFile, 'utf8');
    } catch {
      return;
    }
    this.deltaBytes = text.length;
    const prefix = `${this.gen} `;
    for (const line of text.split('\n')) {
      if (!line.startsWith(prefix)) continue;
      const space = line.indexOf(' ', prefix.length);
      const json = line.slice(space + 1);
      if (space < 0 || line.slice(prefix.length, space) !== crc32(json).toString(16)) continue;
      try {
        const [id, entry] = JSON.parse(json) as [string, Entry];
        this.adopt(id, entry);
      } catch {
        // a damaged line: that run is read from its log
      }
    }
  }

  /** Takes a stored entry after restoring what JSON cannot hold. */
  private adopt(id: string, entry: Entry): void {
    const { record } = entry;
    // null prototypes, as folded records have, so keys such as "toString" are data; "NaN" back to a number
    for (const dict of [record.params, record.tags, record.metrics]) Object.setPrototypeOf(dict, null);
    // logs only grow: of two entries of one run (two processes appending), the larger log is the newer
    const row = this.base?.row(id);
    const known = this.entries.get(id)?.size ?? (row === undefined ? -1 : this.base!.dir.sizes[row]!);
    if (known > entry.size) return;
    if (decodeMetricSummaries(record.metrics)) this.entries.set(id, entry);
  }
}
