/**
 * A history in a compact binary form, for publishing (the report's data files) and anywhere else columns travel as
 * bytes. Pure and Node-free: the report's page script decodes what the build encodes with the same module.
 *
 *   u8 version (1), u8 flags, varint n, the whole-number columns, then the float64 columns (step, timestamp, value,
 *   and min and max when flag 1 is set) as byte planes: the two leading planes of each, then the six others of each
 *
 * A column of whole numbers (steps, millisecond timestamps) is written as zigzag varints of the differences between
 * neighbours (flag 2 for step, 4 for timestamp), or, when evenly spaced (flags 8 and 16), as its first value and the
 * spacing. Any other column is
 * float64, split into eight planes of one byte per value (all first bytes, then all second bytes...), so a compressor
 * finds the sign, exponent and leading mantissa bytes, which neighbours share, next to each other. Every float64,
 * NaN, ±Infinity and -0 included, reads back bit for bit.
 */

/** Columns of one history (or of its buckets, with min and max), in step order. */
export interface ChunkColumns {
  step: Float64Array;
  timestamp: Float64Array;
  value: Float64Array;
  min?: Float64Array;
  max?: Float64Array;
}

const VERSION = 1;
const HAS_RANGE = 1;
const STEP_INTS = 2;
const TIME_INTS = 4;
/** With STEP_INTS or TIME_INTS: the column is evenly spaced, written as its first value and the spacing. */
const STEP_EVEN = 8;
const TIME_EVEN = 16;
/** Whole numbers up to 2^50 are varint-coded: their differences and zigzag stay exact doubles. */
const INT_LIMIT = 2 ** 50;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function evenlySpaced(xs: Float64Array): boolean {
  if (xs.length < 2) return false;
  const by = xs[1]! - xs[0]!;
  for (let i = 2; i < xs.length; i++) if (xs[i]! - xs[i - 1]! !== by) return false;
  return true;
}

function wholeNumbers(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!Number.isInteger(x) || Math.abs(x) > INT_LIMIT || (x === 0 && 1 / x < 0)) return false;
  }
  return true;
}

class ByteWriter {
  bytes = new Uint8Array(1024);
  at = 0;

  ensure(more: number): void {
    if (this.at + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + more));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.at++] = b;
  }

  /** An unsigned whole number below 2^53, seven bits a byte. */
  varint(x: number): void {
    this.ensure(8);
    if (x < 128) {
      this.bytes[this.at++] = x;
      return;
    }
    while (x >= 128) {
      this.bytes[this.at++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    this.bytes[this.at++] = x;
  }

  zigzag(x: number): void {
    this.varint(x >= 0 ? x * 2 : -x * 2 - 1);
  }

  /** A whole-number column: first value and spacing when `even`, else every difference. */
  whole(xs: Float64Array, even: boolean): void {
    if (!even) return this.deltas(xs);
    this.zigzag(xs[0]!);
    this.zigzag(xs[1]! - xs[0]!);
  }

  deltas(xs: Float64Array): void {
    this.ensure(xs.length * 8);
    let previous = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = xs[i]! - previous;
      previous = xs[i]!;
      this.varint(d >= 0 ? d * 2 : -d * 2 - 1);
    }
  }

  /** The bytes written from `from` on. */
  view(from = 0): Uint8Array {
    return this.bytes.subarray(from, this.at);
  }
}

/** Which 32-bit word of a float64 holds its sign and exponent. */
const HIGH_WORD = LITTLE_ENDIAN ? 1 : 0;

/**
 * Appends the byte planes of a float64 column: the two leading ones (0: the most significant byte) to `head`, the six
 * others to `low`. One pass over the values, reading each as two 32-bit words.
 */
function splitPlanes(xs: Float64Array, head: ByteWriter, low: ByteWriter): void {
  const n = xs.length;
  head.ensure(n * 2);
  low.ensure(n * 6);
  const words = new Uint32Array(xs.buffer, xs.byteOffset, n * 2);
  const h = head.bytes;
  const l = low.bytes;
  const a = head.at;
  const b = low.at;
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + HIGH_WORD]!;
    const lo = words[2 * i + 1 - HIGH_WORD]!;
    h[a + i] = hi >>> 24;
    h[a + n + i] = hi >>> 16;
    l[b + i] = hi >>> 8;
    l[b + n + i] = hi;
    l[b + 2 * n + i] = lo >>> 24;
    l[b + 3 * n + i] = lo >>> 16;
    l[b + 4 * n + i] = lo >>> 8;
    l[b + 5 * n + i] = lo;
  }
  head.at += 2 * n;
  low.at += 6 * n;
}

/** The float64 columns of a chunk, in the order they are written. */
function floatColumns(cols: ChunkColumns, stepInts: boolean, timeInts: boolean, range: boolean): Float64Array[] {
  return [
    ...(stepInts ? [] : [cols.step]),
    ...(timeInts ? [] : [cols.timestamp]),
    cols.value,
    ...(range ? [cols.min!, cols.max!] : []),
  ];
}

/**
 * Packs chunks one after another into two growing buffers: the leading part of each (header, whole-number columns,
 * the two leading byte planes of the float columns), which compresses well, and its six low planes, mostly noise for
 * measured values, so a writer may store them as they are (publish-histories.ts does when they look random). Reused
 * between batches, so packing a run's histories allocates nothing once the buffers have grown.
 */
export class ChunkPacker {
  private readonly heads = new ByteWriter();
  private readonly lows = new ByteWriter();

  /** Forgets what was packed (keeping the buffers). */
  reset(): void {
    this.heads.at = 0;
    this.lows.at = 0;
  }

  /** Appends the chunk of `cols`; returns the bytes it added to the leading parts and to the low planes. */
  add(cols: ChunkColumns): [head: number, low: number] {
    const [w, low] = [this.heads, this.lows];
    const [headStart, lowStart] = [w.at, low.at];
    const n = cols.step.length;
    const range = cols.min !== undefined && cols.max !== undefined;
    const stepInts = wholeNumbers(cols.step);
    const timeInts = wholeNumbers(cols.timestamp);
    const stepEven = stepInts && evenlySpaced(cols.step);
    const timeEven = timeInts && evenlySpaced(cols.timestamp);
    w.byte(VERSION);
    w.byte(
      (range ? HAS_RANGE : 0) |
        (stepInts ? STEP_INTS : 0) |
        (timeInts ? TIME_INTS : 0) |
        (stepEven ? STEP_EVEN : 0) |
        (timeEven ? TIME_EVEN : 0),
    );
    w.varint(n);
    if (stepInts) w.whole(cols.step, stepEven);
    if (timeInts) w.whole(cols.timestamp, timeEven);
    for (const xs of floatColumns(cols, stepInts, timeInts, range)) splitPlanes(xs, w, low);
    return [w.at - headStart, low.at - lowStart];
  }

  /** The leading parts packed since the last reset, in order (a view: valid until the next add or reset). */
  head(): Uint8Array {
    return this.heads.view();
  }

  /** The low planes packed since the last reset, in order (a view, as head()). */
  low(): Uint8Array {
    return this.lows.view();
  }
}

/**
 * The bytes of `cols` (uncompressed; see the module comment). `split` is where the low six byte planes of the float
 * columns start (see ChunkPacker).
 */
export function packChunk(cols: ChunkColumns): { bytes: Uint8Array; split: number } {
  const packer = new ChunkPacker();
  const [split, low] = packer.add(cols);
  const bytes = new Uint8Array(split + low);
  bytes.set(packer.head());
  bytes.set(packer.low(), split);
  return { bytes, split };
}

class ByteReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError('history chunk: truncated');
    return this.bytes[this.at++]!;
  }

  varint(): number {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      x += (b & 127) * scale;
      if (b < 128) return x;
      scale *= 128;
    }
  }

  zigzag(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  whole(n: number, even: boolean): Float64Array {
    if (!even) return this.deltas(n);
    const first = this.zigzag();
    const by = this.zigzag();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = first + i * by;
    return out;
  }

  deltas(n: number): Float64Array {
    const out = new Float64Array(n);
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const z = this.varint();
      previous += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      out[i] = previous;
    }
    return out;
  }
}

/**
 * Fills float64 columns from their byte planes: the two leading planes of each from `head` at `at`, the six others
 * from `low` at `lowAt` (splitPlanes' layout).
 */
function joinPlanes(floats: Float64Array[], head: Uint8Array, at: number, low: Uint8Array, lowAt: number): void {
  const n = floats[0]?.length ?? 0;
  if (at + 2 * n * floats.length > head.length || lowAt + 6 * n * floats.length > low.length)
    throw new RangeError('history chunk: truncated');
  for (const [j, out] of floats.entries()) {
    const a = at + 2 * n * j;
    const b = lowAt + 6 * n * j;
    const words = new Uint32Array(out.buffer, out.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      words[2 * i + HIGH_WORD] = (head[a + i]! << 24) | (head[a + n + i]! << 16) | (low[b + i]! << 8) | low[b + n + i]!;
      words[2 * i + 1 - HIGH_WORD] =
        (low[b + 2 * n + i]! << 24) | (low[b + 3 * n + i]! << 16) | (low[b + 4 * n + i]! << 8) | low[b + 5 * n + i]!;
    }
  }
}

/**
 * Reads what packChunk wrote; throws a RangeError on bytes it did not write. With `low`, `bytes` is the chunk's
 * leading part and `low` its low planes (ChunkPacker's two parts), so they need not be joined first.
 */
export function unpackChunk(bytes: Uint8Array, low?: Uint8Array): ChunkColumns {
  const r = new ByteReader(bytes);
  const version = r.byte();
  if (version !== VERSION) throw new RangeError(`history chunk: unknown version ${version}`);
  const flags = r.byte();
  const n = r.varint();
  const range = (flags & HAS_RANGE) !== 0;
  const cols: ChunkColumns = {
    step: flags & STEP_INTS ? r.whole(n, (flags & STEP_EVEN) !== 0) : new Float64Array(n),
    timestamp: flags & TIME_INTS ? r.whole(n, (flags & TIME_EVEN) !== 0) : new Float64Array(n),
    value: new Float64Array(n),
    ...(range ? { min: new Float64Array(n), max: new Float64Array(n) } : {}),
  };
  const floats = floatColumns(cols, (flags & STEP_INTS) !== 0, (flags & TIME_INTS) !== 0, range);
  if (low !== undefined) joinPlanes(floats, bytes, r.at, low, 0);
  else joinPlanes(floats, bytes, r.at, bytes, r.at + 2 * n * floats.length);
  return cols;
}
