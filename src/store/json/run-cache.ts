/**
 * Folded runs, kept by the size and mtime of their run.jsonl. Run logs only grow, so a changed log always has a new
 * size, and every entry is checked against one stat before use: an entry from any process, however old, is either
 * still the log's content or ignored. The cache is derived data in two files under `<store>/.cache/`:
 *
 * - `runs.json`, the base: a header line `{version, sha1, gen}` and a body line with the folded runs. A body that still
 *   has its digest is read without checking each record again (the costliest part of a cold listing); any other body,
 *   damaged or edited, is dropped. It is written (temp file + rename) after a listing that read many logs, and
 *   rewritten when the delta has grown to a quarter of it, never for a few new runs.
 * - `runs.delta`, appended by any process after a listing that had to read logs: one line per run,
 *   `<gen> <crc32> <[id, entry]>`. Lines of another base (`gen`), torn or damaged lines are skipped; later lines win.
 *
 * A missing or unreadable file is simply rebuilt; two processes saving at once lose at most entries, which the next
 * listing reads from the logs again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { RunRecord } from '../../core/entities.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { decodeMetricSummaries } from './shapes.js';

interface Entry {
  mtimeMs: number;
  size: number;
  record: RunRecord;
}

/** Without a base, save one after a listing that read at least this many logs. */
const SAVE_AFTER_MISSES = 200;
/** The base is rewritten when the delta is larger than this share of it (and than DELTA_MIN_BYTES). */
const DELTA_SHARE = 0.25;
const DELTA_MIN_BYTES = 256 << 10;
const VERSION = 3;

export class RunCache {
  private readonly entries = new Map<string, Entry>();
  private readonly deltaFile: string;
  private loaded = false;
  /** runs folded since the last save, to append */
  private pending: string[] = [];
  /** the base's generation ('' without a usable base) and sizes, as loaded or last written */
  private gen = '';
  private baseBytes = 0;
  private deltaBytes = 0;

  constructor(private readonly file: string) {
    this.deltaFile = `${file.replace(/\.json$/, '')}.delta`;
  }

  get(id: string): Entry | undefined {
    if (!this.loaded) this.load();
    return this.entries.get(id);
  }

  set(id: string, entry: Entry): void {
    this.entries.set(id, entry);
    this.pending.push(id);
  }

  /**
   * Saves the runs folded since the last save: appended to the delta, or a new base when there is none yet (and
   * enough runs were read) or the delta has grown large. `present` lists every run now in the store, so a new base
   * drops runs removed since. Best effort: a cache that cannot be written is skipped.
   */
  save(present: readonly string[]): void {
    if (this.pending.length === 0) return;
    const lines = this.gen === '' ? '' : this.deltaLines();
    const rewrite =
      this.gen === ''
        ? this.pending.length >= SAVE_AFTER_MISSES
        : this.deltaBytes + lines.length > Math.max(DELTA_MIN_BYTES, this.baseBytes * DELTA_SHARE);
    if (this.gen === '' && !rewrite) return; // a small store: reading its logs is cheap, keep no cache
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
      const entry = this.entries.get(id);
      if (entry !== undefined) kept.set(id, entry);
    }
    const body = JSON.stringify(Object.fromEntries(kept), nonFiniteReplacer);
    const gen = randomBytes(6).toString('hex');
    const text = `${JSON.stringify({ version: VERSION, sha1: sha1(body), gen })}\n${body}`;
    writeFileAtomicSync(this.file, text, false);
    // the old delta's lines carry the old generation: removing them only saves reading them
    rmSync(this.deltaFile, { force: true });
    this.gen = gen;
    this.baseBytes = text.length;
    this.deltaBytes = 0;
  }

  /** Whether the base file `file` is one this version reads and still has its digest (doctor's check). */
  static readable(file: string): boolean {
    return readBase(file) !== undefined;
  }

  private load(): void {
    this.loaded = true;
    const base = readBase(this.file);
    if (base === undefined) return;
    this.gen = base.gen;
    this.baseBytes = base.bytes;
    for (const [id, entry] of Object.entries(base.runs)) this.adopt(id, entry);
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
    if ((this.entries.get(id)?.size ?? -1) > entry.size) return;
    if (decodeMetricSummaries(record.metrics)) this.entries.set(id, entry);
  }
}

/** The base's runs and generation; undefined when missing, of another version or not matching its digest. */
function readBase(file: string): { runs: Record<string, Entry>; gen: string; bytes: number } | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const cut = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, cut)) as { version?: unknown; sha1?: unknown; gen?: unknown };
    const body = text.slice(cut + 1);
    if (cut < 0 || header.version !== VERSION || typeof header.gen !== 'string' || header.sha1 !== sha1(body))
      return undefined;
    return { runs: JSON.parse(body) as Record<string, Entry>, gen: header.gen, bytes: text.length };
  } catch {
    return undefined;
  }
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
