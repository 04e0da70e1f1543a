/** Decoding the run cache base's binary and columnar sections (the layout is described in run-cache-file.ts). */
import type { MetricSummary } from '../../core/entities.js';
import { decodeNumber } from '../../core/number-codec.js';
import type { Section } from './run-cache-encode.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { crc32 } = process.getBuiltinModule('node:zlib');

export type BaseColumn = unknown[];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The `mtimes` section (float64 little-endian, base64) as numbers; undefined unless it checks and has `n` values. */
export function readMtimes(bytes: Buffer, start: number, s: Section | undefined, n: number): Float64Array | undefined {
  if (!Array.isArray(s)) return undefined;
  const text = bytes.subarray(start + s[0], start + s[0] + s[1]);
  if (text.length !== s[1] || crc32(text) !== s[2]) return undefined;
  const raw = Buffer.from(text.toString('latin1'), 'base64');
  if (raw.length !== n * 8) return undefined;
  const out = new Float64Array(n);
  // copied as bytes where the machine is little-endian: a loop of 10,000 reads before the code is optimized costs
  // milliseconds, and a heap number each
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(raw);
  else for (let i = 0; i < n; i++) out[i] = raw.readDoubleLE(i * 8);
  return out;
}

/** Row `i`'s summary of a metric from its latest values and summary columns; throws BadBase if damaged. */
export function summaryAt(values: BaseColumn, summary: BaseColumn[], i: number): MetricSummary {
  const value = decodeNumber(values[i]);
  const step = decodeNumber(summary[0]![i]);
  const timestamp = decodeNumber(summary[1]![i]);
  const min = decodeNumber(summary[2]![i]);
  const max = decodeNumber(summary[3]![i]);
  const count = decodeNumber(summary[4]![i]);
  if (value === undefined || step === undefined || timestamp === undefined) throw new BadBase();
  if (min === undefined || max === undefined || count === undefined) throw new BadBase();
  return { value, step, timestamp, min, max, count };
}

/** A base whose section does not match its checksum: the cache drops it and reads the logs. */
export class BadBase extends Error {}
