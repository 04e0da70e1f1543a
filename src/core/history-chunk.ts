/**
 * A history in a compact binary form, for publishing (the report's data files) and anywhere else columns travel as
 * bytes. Pure and Node-free: the report's page script decodes what the build encodes with the same module.
 *
 *   u8 version, u8 flags, varint n, the whole-number columns, then the float columns (step, timestamp, value, and min
 *   and max when flag 1 is set) as byte planes: the two leading planes of each, then the low planes of each
 *
 * A column of whole numbers (steps, millisecond timestamps) is written as zigzag varints of the differences between
 * neighbours (flag 2 for step, 4 for timestamp), or, when evenly spaced (flags 8 and 16), as its first value and the
 * spacing. Any other column is float64, split into eight planes of one byte per value (all first bytes, then all
 * second bytes...), so a compressor finds the sign, exponent and leading mantissa bytes, which neighbours share, next
 * to each other. Every float64, NaN, ±Infinity and -0 included, reads back bit for bit.
 *
 * Version 2 adds float32 columns, for values a chart draws and nobody reads exactly (a downsampled history's drawn
 * levels): flag 32 says the value column, flag 64 the min and max columns are float32, four planes a value (two
 * leading, two low). The writer asks for them (see Narrow) and writes version 1 when it asks for none, so a reader
 * that knows only version 1 refuses a chunk it would misread and reads every other one.
 */

import { ByteWriter, joinPlanes, splitPlanes, splitPlanes32, type FloatColumn } from './byte-planes.js';

/** Columns of one history (or of its buckets, with min and max), in step order. */
export interface ChunkColumns {
  step: Float64Array;
  timestamp: Float64Array;
  value: Float64Array;
  min?: Float64Array;
  max?: Float64Array;
}

/**
 * Columns a writer stores at float32 precision (see fitsFloat32): `value`, and `range` for min and max together.
 * Whole-number steps and timestamps, and float ones, stay exact.
 */
export interface Narrow {
  value?: boolean;
  range?: boolean;
}

const VERSION = 1;
/** The version of a chunk with float32 columns. */
const VERSION_F32 = 2;
const HAS_RANGE = 1;
const STEP_INTS = 2;
const TIME_INTS = 4;
/** With STEP_INTS or TIME_INTS: the column is evenly spaced, written as its first value and the spacing. */
const STEP_EVEN = 8;
const TIME_EVEN = 16;
const VALUE_F32 = 32;
const RANGE_F32 = 64;
/** The smallest normal float32: below it a float32 keeps fewer significant bits. */
const F32_MIN_NORMAL = 2 ** -126;
/** Whole numbers up to 2^50 are varint-coded: their differences and zigzag stay exact doubles. */
const INT_LIMIT = 2 ** 50;

/**
 * True when every value of `xs` keeps its meaning as a float32: NaN, ±Infinity and ±0 as they are, every other value
 * within float32's normal range (no overflow to Infinity, no underflow to 0 or to a subnormal), so it differs from
 * the float64 by less than one part in 2^24.
 */
export function fitsFloat32(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x !== x || x === 0 || x === Infinity || x === -Infinity) continue;
    const abs = Math.abs(x);
    if (abs < F32_MIN_NORMAL || !Number.isFinite(Math.fround(abs))) return false;
  }
  return true;
}

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

/** The float columns of a chunk, in the order they are written, with their widths (flags as written). */
function floatColumns(cols: ChunkColumns, flags: number): FloatColumn[] {
  const range = (flags & HAS_RANGE) !== 0;
  return [
    ...(flags & STEP_INTS ? [] : [{ xs: cols.step, f32: false }]),
    ...(flags & TIME_INTS ? [] : [{ xs: cols.timestamp, f32: false }]),
    { xs: cols.value, f32: (flags & VALUE_F32) !== 0 },
    ...(range ? [cols.min!, cols.max!].map((xs) => ({ xs, f32: (flags & RANGE_F32) !== 0 })) : []),
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

  /**
   * Appends the chunk of `cols`, the columns `narrow` names at float32 precision; returns the bytes it added to the
   * leading parts and to the low planes.
   */
  add(cols: ChunkColumns, narrow: Narrow = {}): [head: number, low: number] {
    const [w, low] = [this.heads, this.lows];
    const [headStart, lowStart] = [w.at, low.at];
    const n = cols.step.length;
    const range = cols.min !== undefined && cols.max !== undefined;
    const stepInts = wholeNumbers(cols.step);
    const timeInts = wholeNumbers(cols.timestamp);
    const stepEven = stepInts && evenlySpaced(cols.step);
    const timeEven = timeInts && evenlySpaced(cols.timestamp);
    const narrowed = (narrow.value ? VALUE_F32 : 0) | (range && narrow.range ? RANGE_F32 : 0);
    const flags =
      (range ? HAS_RANGE : 0) |
      (stepInts ? STEP_INTS : 0) |
      (timeInts ? TIME_INTS : 0) |
      (stepEven ? STEP_EVEN : 0) |
      (timeEven ? TIME_EVEN : 0) |
      narrowed;
    w.byte(narrowed ? VERSION_F32 : VERSION);
    w.byte(flags);
    w.varint(n);
    if (stepInts) w.whole(cols.step, stepEven);
    if (timeInts) w.whole(cols.timestamp, timeEven);
    for (const c of floatColumns(cols, flags)) (c.f32 ? splitPlanes32 : splitPlanes)(c.xs, w, low);
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
export function packChunk(cols: ChunkColumns, narrow: Narrow = {}): { bytes: Uint8Array; split: number } {
  const packer = new ChunkPacker();
  const [split, low] = packer.add(cols, narrow);
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
 * Reads what packChunk wrote; throws a RangeError on bytes it did not write. With `low`, `bytes` is the chunk's
 * leading part and `low` its low planes (ChunkPacker's two parts), so they need not be joined first.
 */
export function unpackChunk(bytes: Uint8Array, low?: Uint8Array): ChunkColumns {
  const r = new ByteReader(bytes);
  const version = r.byte();
  if (version !== VERSION && version !== VERSION_F32) throw new RangeError(`history chunk: unknown version ${version}`);
  const flags = r.byte();
  if (version === VERSION && flags & (VALUE_F32 | RANGE_F32)) throw new RangeError('history chunk: bad flags');
  const n = r.varint();
  const range = (flags & HAS_RANGE) !== 0;
  const cols: ChunkColumns = {
    step: flags & STEP_INTS ? r.whole(n, (flags & STEP_EVEN) !== 0) : new Float64Array(n),
    timestamp: flags & TIME_INTS ? r.whole(n, (flags & TIME_EVEN) !== 0) : new Float64Array(n),
    value: new Float64Array(n),
    ...(range ? { min: new Float64Array(n), max: new Float64Array(n) } : {}),
  };
  const floats = floatColumns(cols, flags);
  if (low !== undefined) joinPlanes(floats, bytes, r.at, low, 0);
  else joinPlanes(floats, bytes, r.at, bytes, r.at + 2 * n * floats.length);
  return cols;
}
