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
    if (!Number.isInteger(x) || Math.abs(x) > INT_LIMIT || Object.is(x, -0)) return false;
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

  /** Byte planes `first` to `last` (0: the most significant byte) of a float64 column. */
  planes(xs: Float64Array, first: number, last: number): void {
    const n = xs.length;
    this.ensure(n * (last - first + 1));
    const raw = new Uint8Array(xs.buffer, xs.byteOffset, n * 8);
    for (let k = first; k <= last; k++) {
      const from = LITTLE_ENDIAN ? 7 - k : k;
      for (let i = 0; i < n; i++) this.bytes[this.at + i] = raw[i * 8 + from]!;
      this.at += n;
    }
  }
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
 * The bytes of `cols` (uncompressed; see the module comment). `split` is where the low six byte planes of the float
 * columns start: what precedes it compresses well; what follows is mostly noise for measured values, so a writer may
 * store it as it is (publish-histories.ts does when it looks random).
 */
export function packChunk(cols: ChunkColumns): { bytes: Uint8Array; split: number } {
  const n = cols.step.length;
  const range = cols.min !== undefined && cols.max !== undefined;
  const stepInts = wholeNumbers(cols.step);
  const timeInts = wholeNumbers(cols.timestamp);
  const w = new ByteWriter();
  w.byte(VERSION);
  const stepEven = stepInts && evenlySpaced(cols.step);
  const timeEven = timeInts && evenlySpaced(cols.timestamp);
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
  const floats = floatColumns(cols, stepInts, timeInts, range);
  for (const xs of floats) w.planes(xs, 0, 1);
  const split = w.at;
  for (const xs of floats) w.planes(xs, 2, 7);
  return { bytes: w.bytes.slice(0, w.at), split };
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
    return Float64Array.from({ length: n }, (_, i) => first + i * by);
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

  planes(out: Float64Array, first: number, last: number): void {
    const n = out.length;
    if (this.at + n * (last - first + 1) > this.bytes.length) throw new RangeError('history chunk: truncated');
    const raw = new Uint8Array(out.buffer);
    for (let k = first; k <= last; k++) {
      const to = LITTLE_ENDIAN ? 7 - k : k;
      for (let i = 0; i < n; i++) raw[i * 8 + to] = this.bytes[this.at + i]!;
      this.at += n;
    }
  }
}

/** Reads what packChunk wrote; throws a RangeError on bytes it did not write. */
export function unpackChunk(bytes: Uint8Array): ChunkColumns {
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
  for (const xs of floats) r.planes(xs, 0, 1);
  for (const xs of floats) r.planes(xs, 2, 7);
  return cols;
}
