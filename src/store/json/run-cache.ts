/**
 * Folded runs for cold searches, kept by the size and mtime of their run.jsonl, in two files under `<store>/.cache/`:
 *
 * - `runs.json`, the base (run-cache-file.ts): columns a search reads as far as it needs, and the change log state
 *   its entries are fresh at. It is written (temp file + rename) after a listing that read many logs, and rewritten
 *   when the delta or the change log since it has grown large, never for a few new runs.
 * - `runs.delta`, appended by any process after a listing that had to read logs: one line per run,
 *   `<gen> <crc32> <[id, entry]>`. Lines of another base (`gen`), torn or damaged lines are skipped; later lines win.
 *
 * Which entries are still their log's content comes from the store's change log (change-log.ts): a run named in it
 * since the base's state, or open there, is checked against one stat of its log (run logs only grow, so a changed log
 * has a new size); every other entry is used as it is. Without a usable change log state every entry is checked.
 * A missing or unreadable file is simply rebuilt; two processes saving at once lose at most entries, which the next
 * listing reads from the logs again.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { readChanges, type ChangeState } from './change-log.js';
import { BaseFile, encodeBase, type Entry } from './run-cache-file.js';
import { decodeMetricSummaries } from './shapes.js';

export type { Entry } from './run-cache-file.js';
export { BadBase } from './run-cache-file.js';

/** Without a base, save one after a listing that read at least this many logs. */
const SAVE_AFTER_MISSES = 200;
/** The base is rewritten when the delta (or the change log read since it) is larger than this share of it. */
const DELTA_SHARE = 0.25;
const DELTA_MIN_BYTES = 256 << 10;
const CHANGES_MIN_BYTES = 1 << 20;

export class RunCache {
  /** runs read from logs or the delta, and base rows already decoded */
  private readonly entries = new Map<string, Entry>();
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
  /** the change log as read at the start of the current listing; undefined before the first */
  private changes: ChangeState | undefined;
  /** the change log state of the base written or loaded last */
  private baseChanges: ChangeState | undefined;
  private checkAll = true;
  private check = new Set<string>();
  /** the base's change log state could not be continued: a new base makes later listings fast again */
  private rebase = false;

  constructor(private readonly root: string) {
    this.file = join(root, '.cache', 'runs.json');
    this.deltaFile = join(root, '.cache', 'runs.delta');
  }

  /**
   * Starts a listing: loads the cache the first time, then reads the change log since the last listing (or since the
   * base's state), which tells which entries must be checked against their logs.
   */
  begin(): void {
    if (!this.loaded) this.load();
    const read = readChanges(this.root, this.changes);
    this.checkAll = !read.continued;
    if (this.checkAll && this.base !== undefined) this.rebase = true;
    this.check = read.named;
    for (const id of read.state.open.keys()) this.check.add(id);
    this.changes = read.state;
  }

  /** Whether the entry of run `id` (if any) is its log's content without looking at the log. */
  trusted(id: string): boolean {
    return !this.checkAll && !this.check.has(id);
  }

  /** The base row of run `id` when the base is the newest entry of it. */
  baseRow(id: string): number | undefined {
    return this.entries.has(id) ? undefined : this.base?.row(id);
  }

  /** The newest entry of run `id`; throws BadBase when the base turns out damaged. */
  get(id: string): Entry | undefined {
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
    this.pending.push(id);
  }

  /** Forgets a damaged base: its rows are read from the logs again. */
  dropBase(): void {
    this.base = undefined;
    this.gen = '';
    // what the change log named since the base is not kept: the next listing checks every entry
    this.changes = undefined;
  }

  /**
   * Saves the runs folded since the last save: appended to the delta, or a new base when there is none yet (and
   * enough runs were read) or the delta or change log since the base have grown large. `present` lists every run now
   * in the store, so a new base drops runs removed since. Best effort: a cache that cannot be written is skipped.
   */
  save(present: readonly string[]): void {
    const behind = this.changesBehind() > Math.max(CHANGES_MIN_BYTES, this.baseBytes * DELTA_SHARE);
    if (this.pending.length === 0 && !behind && !this.rebase) return;
    const lines = this.gen === '' ? '' : this.deltaLines();
    const limit = Math.max(DELTA_MIN_BYTES, this.baseBytes * DELTA_SHARE);
    const rewrite =
      this.gen === ''
        ? this.pending.length >= SAVE_AFTER_MISSES
        : this.deltaBytes + lines.length > limit || behind || this.rebase;
    if (this.gen === '' && !rewrite) return; // a small store: reading its logs is cheap, keep no cache
    this.pending = [];
    this.rebase = false;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      if (rewrite) this.writeBase(present);
      else if (lines !== '') {
        appendFileSync(this.deltaFile, lines);
        this.deltaBytes += lines.length;
      }
    } catch {
      // derived data only: the next listing reads the logs again
    }
  }

  /** Bytes of the change log read since the base's state (0 when they are different logs). */
  private changesBehind(): number {
    const from = this.baseChanges;
    if (from === undefined || this.changes === undefined || from.id !== this.changes.id) return 0;
    return this.changes.offset - from.offset;
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
    if (this.changes === undefined) return;
    const kept = new Map<string, Entry>();
    for (const id of present) {
      const entry = this.get(id);
      if (entry !== undefined) kept.set(id, entry);
    }
    const gen = randomBytes(6).toString('hex');
    const bytes = encodeBase(kept, gen, this.changes);
    writeFileAtomicSync(this.file, bytes, false);
    // the old delta's lines carry the old generation: removing them only saves reading them
    rmSync(this.deltaFile, { force: true });
    this.gen = gen;
    this.baseBytes = bytes.length;
    this.deltaBytes = 0;
    // every run is in memory now: the file's rows are not needed by this process
    this.base = undefined;
    this.baseChanges = this.changes;
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
    this.changes = base.changes;
    this.baseChanges = base.changes;
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
