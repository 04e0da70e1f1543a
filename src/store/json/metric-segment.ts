/**
 * `runs/<id>/metrics.seg`: a run's histories in columns, derived from metrics.jsonl (which stays the truth).
 *
 *   0   8 bytes  magic "TLSEG01\n"
 *   8   u32 LE   header length H
 *   12  u32 LE   CRC-32 of the header
 *   16  H bytes  header JSON: { covered, probe, series: [[key, count, at, crc, [[buckets, at, crc], ...]], ...] }
 *   then, 8-aligned, blocks of little-endian float64 columns: per key its points (step, value, timestamp; logging
 *   order) and its levels (history-sample.ts BUCKET_FIELDS; step order). `at` is relative to the first block.
 *
 * `covered` is the length of metrics.jsonl the segment holds; readers add the lines after it. `probe` is the base64 of
 * the covered range's last bytes, so a segment of a replaced or rewritten series is not used. Each block has its own
 * CRC-32, checked when the block is read, so reading 1,000 points of a 10M-point series reads kilobytes. Any failed
 * check makes readers ignore the segment and read the JSON lines.
 */
import { BUCKET_FIELDS, type BucketColumns } from '../../core/history-sample.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');
const { endianness } = process.getBuiltinModule('node:os');
const { crc32 } = process.getBuiltinModule('node:zlib');

export const SEGMENT_FILE = 'metrics.seg';
const MAGIC = Buffer.from('TLSEG01\n', 'latin1');
/** Bytes of metrics.jsonl's covered range kept in the header to recognise the same file. */
export const PROBE_BYTES = 32;
/** Segments are float64 in the machine's order; a big-endian machine neither writes nor reads them. */
export const SEGMENTS_SUPPORTED = endianness() === 'LE';

/** One series as stored: count, block offset, CRC, and its levels as [buckets, offset, crc]. */
type SeriesEntry = [key: string, count: number, at: number, crc: number, levels: [number, number, number][]];

export interface SegmentHeader {
  covered: number;
  probe: string;
  series: SeriesEntry[];
}

/** A series to store: points in logging order and the levels computed from them. */
export interface SegmentSeries {
  key: string;
  points: { step: Float64Array; value: Float64Array; timestamp: Float64Array };
  levels: BucketColumns[];
}

/** The bytes of a segment holding `series`, covering `covered` bytes of metrics.jsonl. */
export function encodeSegment(covered: number, probe: string, series: readonly SegmentSeries[]): Buffer {
  const blocks: Buffer[] = [];
  let at = 0;
  const block = (columns: Float64Array[]): [number, number] => {
    const bytes = Buffer.concat(columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    blocks.push(bytes);
    const start = at;
    at += bytes.length;
    return [start, crc32(bytes)];
  };
  const entries = series.map(({ key, points, levels }): SeriesEntry => {
    const [pAt, pCrc] = block([points.step, points.value, points.timestamp]);
    const lv = levels.map((l): [number, number, number] => [l.step.length, ...block(BUCKET_FIELDS.map((f) => l[f]))]);
    return [key, points.step.length, pAt, pCrc, lv];
  });
  const header = Buffer.from(JSON.stringify({ covered, probe, series: entries } satisfies SegmentHeader), 'utf8');
  const head = Buffer.alloc(align8(16 + header.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(header.length, 8);
  head.writeUInt32LE(crc32(header), 12);
  header.copy(head, 16);
  return Buffer.concat([head, ...blocks]);
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

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

  /** Opens `file`; undefined when it is missing or its header is damaged. Close it after use. */
  static open(file: string): Segment | undefined {
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
      if (size <= WHOLE_FILE_BYTES) {
        // its own buffer (not pooled), at offset 0: blocks are 8-aligned in the file, so columns can be views of it
        whole = Buffer.allocUnsafeSlow(size);
        if (readInto(fd, whole, 0) !== size) throw new Error('short read');
      }
      const head = whole ? Buffer.from(whole.buffer, 0, Math.min(16, size)) : readAt(fd, 0, 16);
      if (head === undefined || head.length < 16 || !head.subarray(0, 8).equals(MAGIC)) throw new Error('magic');
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

  /** Checks every block; the first damaged one is named. */
  verify(): string | undefined {
    for (const entry of this.header.series) {
      if (this.points(entry) === undefined) return `the points of metric ${JSON.stringify(entry[0])} fail their check`;
      for (let i = 0; i < entry[4].length; i++)
        if (this.level(entry, i) === undefined)
          return `level ${i} of metric ${JSON.stringify(entry[0])} fails its check`;
    }
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
  return h as SegmentHeader;
}

function isEntry(e: unknown): e is SeriesEntry {
  if (!Array.isArray(e) || e.length !== 5 || typeof e[0] !== 'string') return false;
  if (![e[1], e[2], e[3]].every(isCount) || !Array.isArray(e[4])) return false;
  return (e[4] as unknown[]).every((l) => Array.isArray(l) && l.length === 3 && l.every(isCount));
}
