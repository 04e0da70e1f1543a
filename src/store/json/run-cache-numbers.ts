/**
 * The run cache base's sections of numbers: float64 (and byte) arrays, little-endian, in base64. They hold every
 * number exactly (NaN, infinities, -0) and are read back as typed arrays, without parsing a decimal.
 */
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { Section } from './run-cache-encode.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/** The bytes of `arrays` one after the other, base64; float64s little-endian (as `float64s` reads them). */
export function base64(...arrays: (Float64Array | Uint8Array)[]): string {
  const bytes = arrays.map((a) => {
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return a instanceof Float64Array && !LITTLE_ENDIAN ? Buffer.from(b).swap64() : b;
  });
  return Buffer.concat(bytes).toString('base64');
}

/** The bytes of the base64 section `s` of a base whose sections start at `start`; undefined when it does not check. */
export function decodeSection(bytes: Buffer, start: number, s: Section): Uint8Array | undefined {
  const text = bytes.subarray(start + s[0], start + s[0] + s[1]);
  if (text.length !== s[1] || crc32(text) !== s[2]) return undefined;
  return Buffer.from(text.toString('latin1'), 'base64');
}

/** The first `n` float64s (little-endian) of `bytes`: a view when aligned, else a copy. */
export function float64s(bytes: Uint8Array, n: number): Float64Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, n);
  const copy = new Uint8Array(n * 8);
  copy.set(bytes.subarray(0, n * 8));
  if (!LITTLE_ENDIAN) Buffer.from(copy.buffer).swap64();
  return new Float64Array(copy.buffer);
}
