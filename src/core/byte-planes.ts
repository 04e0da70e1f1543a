/**
 * Byte planes of float columns, and the growing byte buffer they are written to (history-chunk.ts's format): a
 * float64 is split into eight planes of one byte per value, a float32 into four, most significant first, so a
 * compressor finds the bytes that neighbours share next to each other. Pure and Node-free (the page script uses it).
 */

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** A growing byte buffer with the varint and whole-number column writers history-chunk.ts uses. */
export class ByteWriter {
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

/** A float column as written: float64, or float32 (four planes). */
export interface FloatColumn {
  xs: Float64Array;
  f32: boolean;
}

/** Bytes of low planes a float column takes. */
const lowBytes = (c: FloatColumn): number => (c.f32 ? 2 : 6) * c.xs.length;

/**
 * Appends the byte planes of a float64 column: the two leading ones (0: the most significant byte) to `head`, the six
 * others to `low`. One pass over the values, reading each as two 32-bit words.
 */
export function splitPlanes(xs: Float64Array, head: ByteWriter, low: ByteWriter): void {
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

/** As splitPlanes, for the column rounded to float32: two leading planes to `head`, two low ones to `low`. */
export function splitPlanes32(xs: Float64Array, head: ByteWriter, low: ByteWriter): void {
  const n = xs.length;
  head.ensure(n * 2);
  low.ensure(n * 2);
  const words = new Uint32Array(Float32Array.from(xs).buffer);
  const h = head.bytes;
  const l = low.bytes;
  const a = head.at;
  const b = low.at;
  for (let i = 0; i < n; i++) {
    const w = words[i]!;
    h[a + i] = w >>> 24;
    h[a + n + i] = w >>> 16;
    l[b + i] = w >>> 8;
    l[b + n + i] = w;
  }
  head.at += 2 * n;
  low.at += 2 * n;
}

/** Fills a float64 column from its eight planes: two in `head` at `a`, six in `low` at `b`. */
function join64(out: Float64Array, head: Uint8Array, a: number, low: Uint8Array, b: number): void {
  const n = out.length;
  const words = new Uint32Array(out.buffer, out.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    words[2 * i + HIGH_WORD] = (head[a + i]! << 24) | (head[a + n + i]! << 16) | (low[b + i]! << 8) | low[b + n + i]!;
    words[2 * i + 1 - HIGH_WORD] =
      (low[b + 2 * n + i]! << 24) | (low[b + 3 * n + i]! << 16) | (low[b + 4 * n + i]! << 8) | low[b + 5 * n + i]!;
  }
}

/** Fills a column from its four float32 planes: two in `head` at `a`, two in `low` at `b`. */
function join32(out: Float64Array, head: Uint8Array, a: number, low: Uint8Array, b: number): void {
  const n = out.length;
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++)
    words[i] = (head[a + i]! << 24) | (head[a + n + i]! << 16) | (low[b + i]! << 8) | low[b + n + i]!;
  out.set(new Float32Array(words.buffer));
}

/**
 * Fills the float columns from their byte planes: the two leading planes of each from `head` at `at`, the low ones
 * from `low` at `lowAt` (splitPlanes' layout).
 */
export function joinPlanes(floats: FloatColumn[], head: Uint8Array, at: number, low: Uint8Array, lowAt: number): void {
  const n = floats[0]?.xs.length ?? 0;
  const lows = floats.reduce((sum, c) => sum + lowBytes(c), 0);
  if (at + 2 * n * floats.length > head.length || lowAt + lows > low.length)
    throw new RangeError('history chunk: truncated');
  let b = lowAt;
  for (const [j, c] of floats.entries()) {
    (c.f32 ? join32 : join64)(c.xs, head, at + 2 * n * j, low, b);
    b += lowBytes(c);
  }
}
