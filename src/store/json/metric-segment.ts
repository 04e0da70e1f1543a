/**
 * The segment: a run's histories in columns, derived from metrics.jsonl (which stays the truth), and its reader.
 * Written by compaction (series-compaction.ts: encodeSegment), read through metric-series.ts, checked by doctor.ts.
 *
 *   0   8 bytes  magic "TLSEG01\n"
 *   8   u32 LE   header length H
 *   12  u32 LE   CRC-32 of the header
 *   16  H bytes  header JSON: { covered, probe, series: [[key, count, at, crc, [[buckets, at, crc], ...]], ...] }
 *   then, 8-aligned, blocks of little-endian float64 columns: per key its points (step, value, timestamp; logging
 *   order) and its levels (history-sample.ts BUCKET_FIELDS; step order). `at` is relative to the first block.
 *
 * An optional last block holds the run's drawn pack (core/history-pack.ts: the report's data-file form of its sampled
 * histories), made once at compaction so that report builds copy it; the header's `pack` says for which keys,
 * `maxPoints` and format, and where its texts are. A header without it, or with one a reader does not know, is read as
 * before.
 *
 * `covered` is the length of metrics.jsonl the segment holds; readers add the lines after it. `probe` is the base64 of
 * the covered range's last bytes, so a segment of a replaced or rewritten series is not used. Each block has its own
 * CRC-32, checked when the block is read, so reading 1,000 points of a 10M-point series reads kilobytes. Any failed
 * check makes readers ignore the segment and read the JSON lines.
 */
import type { DrawnLayout, RunPack } from '../../core/pack-format.js';
import { BUCKET_FIELDS, type BucketColumns } from '../../core/history-sample.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');
const { endianness } = process.getBuiltinModule('node:os');
const { crc32 } = process.getBuiltinModule('node:zlib');

export const SERIES_FILE = 'metrics.jsonl';
export const SEGMENT_FILE = 'metrics.seg';
/** The first 8 bytes of every segment. */
export const SEGMENT_MAGIC = Buffer.from('TLSEG01\n', 'latin1');
/** Bytes of metrics.jsonl's covered range kept in the header to recognise the same file. */
export const PROBE_BYTES = 32;
/** Segments are float64 in the machine's order; a big-endian machine neither writes nor reads them. */
export const SEGMENTS_SUPPORTED = endianness() === 'LE';

/** One series as stored: count, block offset, CRC, and its levels as [buckets, offset, crc]. */
export type SeriesEntry = [key: string, count: number, at: number, crc: number, levels: [number, number, number][]];

/**
 * A run's drawn pack as stored: its format (HISTORY_FORMAT) and `maxPoints`, each history as [key, total, exact,
 * points], the pack's layouts and sizes, and its texts' byte lengths, stored one after another at `at` (with a CRC).
 */
export interface PackEntry {
  format: number;
  maxPoints: number;
  histories: [key: string, total: number, exact: 0 | 1, points: number][];
  layouts: DrawnLayout[];
  pack: [heads: number, lows: number];
  texts: number[];
  at: number;
  crc: number;
}

export interface SegmentHeader {
  covered: number;
  probe: string;
  series: SeriesEntry[];
  pack?: PackEntry;
}

/** A run pack to store: the pack and the format and `maxPoints` it was made for. */
export interface StoredPack {
  format: number;
  maxPoints: number;
  run: RunPack;
}

/** `n` rounded up to a multiple of 8: blocks start 8-aligned, so columns can be views of the bytes read. */
export const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Points per chunk when a block is streamed (visitPoints): three columns of them make a 192 KB buffer, kept. */
const CHUNK_POINTS = 8192;
let chunkFloats: Float64Array | undefined;

/**
 * A segment up to this size is read whole, in one read: a run's segment is usually small, and its blocks read one by
 * one cost a system call each.
 */
const WHOLE_FILE_BYTES = 1 << 20;

/**
 * An open segment: its header, checked; blocks are read (and checked) on demand, from the file or, for a small one,
 * from its bytes read whole (then the file is closed already).
 */
export class Segment {
  private constructor(
    readonly file: string,
    private readonly fd: number,
    readonly header: SegmentHeader,
    private readonly dataStart: number,
    private readonly size: number,
    private readonly whole: Uint8Array | undefined,
  ) {}

  /**
   * Opens `file`; undefined when it is missing or its header is damaged. Close it after use. A small file is read
   * whole unless `blocks` is set (a reader of one block, like the pack's, then reads just that block).
   */
  static open(file: string, blocks = false): Segment | undefined {
    if (!SEGMENTS_SUPPORTED) return undefined;
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return undefined;
    }
    let whole: Uint8Array | undefined;
    try {
      const size = fstatSync(fd).size;
      if (!blocks && size <= WHOLE_FILE_BYTES) {
        // its own buffer (not pooled), at offset 0: blocks are 8-aligned in the file, so columns can be views of it
        whole = Buffer.allocUnsafeSlow(size);
        if (readInto(fd, whole, 0) !== size) throw new Error('short read');
      }
      const head = whole ? Buffer.from(whole.buffer, 0, Math.min(16, size)) : readAt(fd, 0, 16);
      if (head === undefined || head.length < 16 || !head.subarray(0, 8).equals(SEGMENT_MAGIC))
        throw new Error('magic');
      const length = head.readUInt32LE(8);
      const fits = length + 16 <= size;
      const text = !fits ? undefined : whole ? Buffer.from(whole.buffer, 16, length) : readAt(fd, 16, length);
      if (text === undefined || crc32(text) !== head.readUInt32LE(12)) throw new Error('header');
      const header = parseHeader(text.toString('utf8'));
      if (header === undefined) throw new Error('header');
      if (whole) closeSync(fd);
      return new Segment(file, whole ? -1 : fd, header, align8(16 + length), size, whole);
    } catch {
      closeSync(fd);
      return undefined;
    }
  }

  /** The stored entry of `key`, if the segment holds the key. */
  entry(key: string): SeriesEntry | undefined {
    return this.header.series.find((s) => s[0] === key);
  }

  /** The points of a series (logging order); undefined when its block fails its check. */
  points(entry: SeriesEntry): { step: Float64Array; value: Float64Array; timestamp: Float64Array } | undefined {
    const cols = this.columns(entry[2], entry[1], 3, entry[3]);
    return cols && { step: cols[0]!, value: cols[1]!, timestamp: cols[2]! };
  }

  /**
   * Calls `visit` with the points of a series in logging order, a chunk of each column at a time, then checks the
   * block; false when the check fails (what was visited must then be dropped). The chunks are views of one small
   * buffer reused by every call, so a caller that keeps the points (not the columns) never holds the whole block:
   * fresh memory costs a page fault per 4 KB, more than reading into memory already in use.
   */
  visitPoints(
    entry: SeriesEntry,
    visit: (step: Float64Array, value: Float64Array, timestamp: Float64Array) => void,
  ): boolean {
    const [, length, at, crc] = entry;
    if (this.whole !== undefined) {
      const cols = this.points(entry);
      if (cols !== undefined) visit(cols.step, cols.value, cols.timestamp);
      return cols !== undefined;
    }
    const start = this.dataStart + at;
    const bytes = length * 24;
    if (!Number.isSafeInteger(start) || start + bytes > this.size) return false;
    const floats = (chunkFloats ??= new Float64Array(3 * CHUNK_POINTS));
    const chunk = new Uint8Array(floats.buffer);
    const column = (c: number, n: number): Float64Array => floats.subarray(c * CHUNK_POINTS, c * CHUNK_POINTS + n);
    for (let i = 0; i < length; i += CHUNK_POINTS) {
      const n = Math.min(CHUNK_POINTS, length - i);
      for (let c = 0; c < 3; c++) {
        const into = chunk.subarray(c * CHUNK_POINTS * 8, (c * CHUNK_POINTS + n) * 8);
        if (readInto(this.fd, into, start + (c * length + i) * 8) !== n * 8) return false;
      }
      visit(column(0, n), column(1, n), column(2, n));
    }
    // the check runs over the block in file order, streamed through the same buffer
    let sum = 0;
    for (let done = 0; done < bytes; done += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - done));
      if (readInto(this.fd, part, start + done) !== part.length) return false;
      sum = crc32(part, sum);
    }
    return sum === crc;
  }

  /** Level `i` of a series; undefined when its block fails its check. */
  level(entry: SeriesEntry, i: number): BucketColumns | undefined {
    const meta = entry[4][i];
    const cols = meta && this.columns(meta[1], meta[0], BUCKET_FIELDS.length, meta[2]);
    if (cols === undefined) return undefined;
    return Object.fromEntries(BUCKET_FIELDS.map((f, j) => [f, cols[j]])) as unknown as BucketColumns;
  }

  /** The run's stored pack; undefined without one, or when its block fails its check. */
  pack(): StoredPack | undefined {
    const entry = this.header.pack;
    if (entry === undefined) return undefined;
    const length = entry.texts.reduce((sum, n) => sum + n, 0);
    const bytes = this.bytes(this.dataStart + entry.at, length);
    if (bytes === undefined || crc32(bytes) !== entry.crc) return undefined;
    const texts: Uint8Array[] = [];
    let at = 0;
    for (const n of entry.texts) {
      texts.push(bytes.subarray(at, at + n));
      at += n;
    }
    const histories = entry.histories.map(([key, total, exact, points]) => ({
      key,
      total,
      exact: exact === 1,
      points,
    }));
    const run: RunPack = { pack: entry.pack, layouts: entry.layouts, texts, histories };
    return { format: entry.format, maxPoints: entry.maxPoints, run };
  }

  /** `length` bytes from `start`: a view of the whole file's bytes, or read; undefined past the end. */
  private bytes(start: number, length: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(start) || start + length > this.size) return undefined;
    if (this.whole !== undefined) return this.whole.subarray(start, start + length);
    const out = Buffer.allocUnsafe(length);
    return readInto(this.fd, out, start) === length ? out : undefined;
  }

  /** Checks every block; the first damaged one is named. */
  verify(): string | undefined {
    for (const entry of this.header.series) {
      if (this.points(entry) === undefined) return `the points of metric ${JSON.stringify(entry[0])} fail their check`;
      for (let i = 0; i < entry[4].length; i++)
        if (this.level(entry, i) === undefined)
          return `level ${i} of metric ${JSON.stringify(entry[0])} fails its check`;
    }
    if (this.header.pack !== undefined && this.pack() === undefined) return "the report's pack fails its check";
    return undefined;
  }

  close(): void {
    if (this.whole === undefined) closeSync(this.fd);
  }

  private columns(at: number, length: number, count: number, crc: number): Float64Array[] | undefined {
    const start = this.dataStart + at;
    const bytes = length * 8 * count;
    if (!Number.isSafeInteger(start) || start + bytes > this.size) return undefined;
    if (this.whole !== undefined) {
      if (crc32(this.whole.subarray(start, start + bytes)) !== crc) return undefined;
      return Array.from(
        { length: count },
        (_, j) => new Float64Array(this.whole!.buffer, start + j * length * 8, length),
      );
    }
    const all = new Float64Array(length * count);
    const view = new Uint8Array(all.buffer);
    if (readInto(this.fd, view, start) !== bytes || crc32(view) !== crc) return undefined;
    return Array.from({ length: count }, (_, j) => all.subarray(j * length, (j + 1) * length));
  }
}

function readAt(fd: number, position: number, length: number): Buffer | undefined {
  const bytes = Buffer.alloc(length);
  return readInto(fd, bytes, position) === length ? bytes : undefined;
}

function readInto(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function parseHeader(text: string): SegmentHeader | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const h = raw as Partial<SegmentHeader> | null;
  if (h === null || typeof h !== 'object' || !isCount(h.covered) || typeof h.probe !== 'string') return undefined;
  if (!Array.isArray(h.series) || !h.series.every(isEntry)) return undefined;
  // a pack this version cannot read is ignored, not the segment
  if (h.pack !== undefined && !isPackEntry(h.pack)) delete h.pack;
  return h as SegmentHeader;
}

function isEntry(e: unknown): e is SeriesEntry {
  if (!Array.isArray(e) || e.length !== 5 || typeof e[0] !== 'string') return false;
  if (![e[1], e[2], e[3]].every(isCount) || !Array.isArray(e[4])) return false;
  return (e[4] as unknown[]).every((l) => Array.isArray(l) && l.length === 3 && l.every(isCount));
}

function isPackEntry(p: unknown): p is PackEntry {
  const e = p as Partial<PackEntry> | null;
  if (e === null || typeof e !== 'object' || ![e.format, e.maxPoints, e.at, e.crc].every(isCount)) return false;
  const { histories, layouts, pack, texts } = e;
  if (!Array.isArray(histories) || !Array.isArray(layouts) || !Array.isArray(texts) || !Array.isArray(pack))
    return false;
  const history = (h: unknown): boolean =>
    Array.isArray(h) &&
    h.length === 4 &&
    typeof h[0] === 'string' &&
    isCount(h[1]) &&
    isCount(h[3]) &&
    (h[2] === 0 || h[2] === 1);
  const layout = (l: unknown): boolean =>
    Array.isArray(l) && l.length === 3 && isCount(l[0]) && isCount(l[1]) && (l[2] === 0 || l[2] === 1);
  return (
    histories.every(history) &&
    layouts.length === histories.length &&
    layouts.every(layout) &&
    texts.length === histories.length + 1 &&
    texts.every(isCount) &&
    pack.length === 2 &&
    pack.every(isCount)
  );
}
