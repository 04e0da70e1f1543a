/**
 * Folded runs, kept by the size and mtime of their run.jsonl. Run logs only grow, so a changed log always has a new
 * size, and every entry is checked against one stat before use: an entry from any process, however old, is either
 * still the log's content or ignored. The cache is derived data in two files under `<store>/.cache/`:
 *
 * - `runs.json`, the base: a header line `{version, crc32, gen}` and a body line with the folded runs. A body that
 *   still has its checksum is read without checking each record again (the costliest part of a cold listing); any
 *   other body, damaged or edited, is dropped. It is written (temp file + rename) after a listing that read many
 *   logs, and rewritten when the delta has grown to a quarter of it, never for a few new runs.
 * - `runs.delta`, appended by any process after a listing that had to read logs: one line per run,
 *   `<gen> <crc32> <[id, entry]>`. Lines of another base (`gen`), torn or damaged lines are skipped; later lines win.
 *
 * A missing or unreadable file is simply rebuilt; two processes saving at once lose at most entries, which the next
 * listing reads from the logs again.
 */
import { randomBytes } from 'node:crypto';
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
    const body = encodeBody(kept);
    const gen = randomBytes(6).toString('hex');
    const text = `${JSON.stringify({ version: VERSION, crc32: crc32(body), gen })}\n${body}`;
    writeFileAtomicSync(this.file, text, false);
    // the old delta's lines carry the old generation: removing them only saves reading them
    rmSync(this.deltaFile, { force: true });
    this.gen = gen;
    this.baseBytes = text.length;
    this.deltaBytes = 0;
  }

  /** Whether the base file `file` is one this version reads and still has its checksum (doctor's check). */
  static readable(file: string): boolean {
    return readBase(file) !== undefined;
  }

  private load(): void {
    this.loaded = true;
    const base = readBase(this.file);
    if (base === undefined) return;
    this.gen = base.gen;
    this.baseBytes = base.bytes;
    for (const [id, entry] of Object.entries(base.runs)) {
      const { record } = entry;
      const params = decodeDict(record.params, base.strings);
      const tags = decodeDict(record.tags, base.strings);
      if (params === undefined || tags === undefined) return;
      record.params = params;
      record.tags = tags;
      this.adopt(id, entry);
    }
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

interface Base {
  /** params and tags as [key, value, key, value, ...] indexes into `strings` */
  runs: Record<string, Entry>;
  strings: string[];
  gen: string;
  bytes: number;
}

/**
 * The base's body. Params and tags become indexes into one table of strings: most runs of a store share most tag keys
 * and values (user, source, versions, git state), so the file is a third of the size and parses that much faster.
 */
function encodeBody(entries: Map<string, Entry>): string {
  const table = new Map<string, number>();
  const at = (text: string): number => {
    let i = table.get(text);
    if (i === undefined) table.set(text, (i = table.size));
    return i;
  };
  const flat = (dict: Record<string, string>): number[] => {
    const out: number[] = [];
    for (const key of Object.keys(dict)) out.push(at(key), at(dict[key]!));
    return out;
  };
  const runs: Record<string, unknown> = {};
  for (const [id, e] of entries)
    runs[id] = { ...e, record: { ...e.record, params: flat(e.record.params), tags: flat(e.record.tags) } };
  return JSON.stringify({ runs, strings: [...table.keys()] }, nonFiniteReplacer);
}

/** A dict of the base back from its indexes (null prototype, as folded records have); undefined when malformed. */
function decodeDict(flat: unknown, strings: readonly string[]): Record<string, string> | undefined {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) return undefined;
  const out = Object.create(null) as Record<string, string>;
  for (let i = 0; i < flat.length; i += 2) {
    const key = strings[flat[i] as number];
    const value = strings[flat[i + 1] as number];
    if (typeof key !== 'string' || typeof value !== 'string') return undefined;
    out[key] = value;
  }
  return out;
}

/** The base's runs and generation; undefined when missing, of another version or not matching its checksum. */
function readBase(file: string): Base | undefined {
  try {
    const bytes = readFileSync(file);
    const cut = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.toString('utf8', 0, cut)) as { version?: unknown; crc32?: unknown; gen?: unknown };
    const body = bytes.subarray(cut + 1);
    if (cut < 0 || header.version !== VERSION || typeof header.gen !== 'string' || header.crc32 !== crc32(body))
      return undefined;
    const { runs, strings } = JSON.parse(body.toString('utf8')) as { runs: Record<string, Entry>; strings: string[] };
    if (!Array.isArray(strings) || typeof runs !== 'object' || runs === null) return undefined;
    return { runs, strings, gen: header.gen, bytes: bytes.length };
  } catch {
    return undefined;
  }
}
