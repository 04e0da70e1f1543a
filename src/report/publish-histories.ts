/**
 * A run's metric histories as the site publishes them: each history once, as compressed binary chunks
 * (core/history-chunk.ts, deflated, as the text of a script: core/script-text.ts). The chunk drawn is read through the
 * stores' sampling path (at most `maxPoints` buckets with their min and max, from a segment's precomputed levels where
 * there is one), so drawing never needs a full history; the drawn chunks travel in the run's data file (one file a
 * run: a file per metric cost the build more than the page saved) and a page decodes only those it draws. A history
 * longer than `maxPoints` also gets a full-resolution chunk file, which a page loads only when a user asks for the CSV.
 */
import { deflateSync } from 'node:zlib';
import { packChunk, type ChunkColumns } from '../core/history-chunk.js';
import { columnsOfSample, sampleHistory, type SampledColumns } from '../core/history-sample.js';
import { bytesToScriptText } from '../core/script-text.js';
import type { HistoryPoint, ReportSource } from './collect.js';
import { safeJson } from './safe-json.js';

/**
 * Byte lengths of a chunk's deflated leading planes and of its low planes, and whether the low planes are deflated
 * (they are stored as they are when they look like noise).
 */
export type ChunkLayout = [head: number, tail: number, deflated: 0 | 1];

/** One published history, as a run's data file lists it (its drawn chunk's text is the data file's i-th string). */
export interface HistoryRef {
  key: string;
  /** points logged */
  total: number;
  /** true when the drawn chunk holds every point (then there is no full chunk) */
  exact: boolean;
  /** points (exact) or buckets in the drawn chunk */
  points: number;
  layout: ChunkLayout;
  /** the full-resolution chunk file, relative to the data file's folder; '' when `exact` */
  full: string;
}

/** A chunk file: `tracklabHistory(name, layout, "text")` (see chunkScript), `name` being its path without `.js`. */
export interface ChunkFile {
  /** path relative to the run data file's folder */
  rel: string;
  bytes: Uint8Array;
}

/** A chunk as the text of a string literal (UTF-8 bytes, without quotes) and the layout that reads it. */
export interface EncodedChunk {
  layout: ChunkLayout;
  text: Uint8Array;
}

const HEAD = Buffer.from('tracklabHistory(');
const TAIL = Buffer.from('");\n');

/** Shannon entropy of (every third of) the bytes, in bits a byte: near 8 for noise, which deflate cannot shrink. */
function entropy(bytes: Uint8Array): number {
  const counts = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < bytes.length; i += 3, n++) counts[bytes[i]!]! += 1;
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= (c / n) * Math.log2(c / n);
  return bits;
}

/** Low planes this close to random bytes are stored as they are: deflate would spend most of the time for ~nothing. */
const RANDOM_BITS = 7.5;

/** Packs, compresses and writes `cols` as string-literal text (history-data.ts `decodeChunk` reads it). */
export function encodeChunk(cols: ChunkColumns): EncodedChunk {
  const { bytes, split } = packChunk(cols);
  const head = deflateSync(bytes.subarray(0, split));
  const low = bytes.subarray(split);
  const deflated = low.length > 0 && entropy(low) < RANDOM_BITS;
  const tail = deflated ? deflateSync(low) : low;
  return { layout: [head.length, tail.length, deflated ? 1 : 0], text: bytesToScriptText(Buffer.concat([head, tail])) };
}

/** The script file of a chunk named `name` holding `cols`: `tracklabHistory(name, layout, "text")`. */
export function chunkScript(name: string, cols: ChunkColumns): Uint8Array {
  const { layout, text } = encodeChunk(cols);
  return Buffer.concat([HEAD, Buffer.from(`${safeJson(name)},${JSON.stringify(layout)},"`), text, TAIL]);
}

/** A run's data file: `tracklabRunData(data, ["drawn chunk text", ...])`, the strings in `data.histories` order. */
export function runDataScript(data: unknown, drawn: readonly EncodedChunk[]): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from(`tracklabRunData(${safeJson(data)},[`)];
  drawn.forEach((d, i) => parts.push(Buffer.from(i === 0 ? '"' : ',"'), d.text, Buffer.from('"')));
  parts.push(Buffer.from(']);\n'));
  return Buffer.concat(parts);
}

function pointColumns(points: readonly HistoryPoint[]): ChunkColumns {
  return {
    step: Float64Array.from(points, (p) => p.step),
    timestamp: Float64Array.from(points, (p) => p.timestamp),
    value: Float64Array.from(points, (p) => p.value),
  };
}

/** Sorted by step, stable: the order of the points in an exact sample and in the CSV. */
const byStep = (points: readonly HistoryPoint[]): HistoryPoint[] => [...points].sort((a, b) => a.step - b.step);

/**
 * How a run's histories are sampled: in one read where the source can; from a bulk read (a tracking server) by the
 * same in-memory path; else one key at a time.
 */
async function sampler(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ sample: (key: string) => Promise<SampledColumns>; full: (key: string) => Promise<HistoryPoint[]> }> {
  const all = source.getMetricHistories ? await source.getMetricHistories(runId) : undefined;
  if (all) {
    return {
      sample: async (key) => columnsOfSample(sampleHistory(all[key] ?? [], maxPoints)),
      full: async (key) => all[key] ?? [],
    };
  }
  const full = (key: string): Promise<HistoryPoint[]> => source.getMetricHistory(runId, key);
  if (source.getSampledHistories) {
    const got = await source.getSampledHistories(runId, keys, maxPoints);
    return { sample: async (key) => got[key] ?? columnsOfSample(sampleHistory([], maxPoints)), full };
  }
  const read = source.getSampledHistory?.bind(source);
  if (read) return { sample: async (key) => columnsOfSample(await read(runId, key, maxPoints)), full };
  return { sample: async (key) => columnsOfSample(sampleHistory(await full(key), maxPoints)), full };
}

/** Reads and encodes the histories `keys` of a run; each chunk file's path starts with the run's id. */
export async function publishHistories(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ refs: HistoryRef[]; drawn: EncodedChunk[]; files: ChunkFile[] }> {
  const refs: HistoryRef[] = [];
  const drawn: EncodedChunk[] = [];
  const files: ChunkFile[] = [];
  const read = await sampler(source, runId, keys, maxPoints);
  for (const [i, key] of keys.entries()) {
    const sampled = await read.sample(key);
    const chunk = encodeChunk(sampled);
    drawn.push(chunk);
    let full = '';
    if (!sampled.exact) {
      full = `${runId}.f${i}`;
      const points = await read.full(key);
      files.push({ rel: `${full}.js`, bytes: chunkScript(full, pointColumns(byStep(points))) });
    }
    refs.push({
      key,
      total: sampled.total,
      exact: sampled.exact,
      points: sampled.step.length,
      layout: chunk.layout,
      full: full ? `${full}.js` : '',
    });
  }
  return { refs, drawn, files };
}
