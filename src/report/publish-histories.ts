/**
 * A run's metric histories as the site publishes them: each history once, as compressed binary chunks
 * (core/history-chunk.ts, deflated, as the text of a script: core/script-text.ts) that a page loads only when it draws
 * that metric. The chunk drawn is read through the stores' sampling path (at most `maxPoints` buckets with their min
 * and max, from a segment's precomputed levels where there is one), so drawing never needs a full history; a history
 * longer than that also gets a full-resolution chunk, which a page loads only when a user downloads the CSV.
 */
import { deflateSync } from 'node:zlib';
import { packChunk, type ChunkColumns } from '../core/history-chunk.js';
import { columnsOfSample, sampleHistory, type SampledColumns } from '../core/history-sample.js';
import { bytesToScriptText } from '../core/script-text.js';
import type { HistoryPoint, ReportSource } from './collect.js';
import { safeJson } from './safe-json.js';

/** One published history, as a run's data file lists it. Chunk paths are relative to the data file's folder. */
export interface HistoryRef {
  key: string;
  /** points logged */
  total: number;
  /** true when the drawn chunk holds every point (then there is no full chunk) */
  exact: boolean;
  /** points (exact) or buckets in the drawn chunk */
  points: number;
  draw: string;
  /** the full-resolution chunk; '' when `exact` */
  full: string;
}

/** A chunk file: `tracklabHistory(name, layout, "text")` (see chunkScript), `name` being its path without `.js`. */
export interface ChunkFile {
  /** path relative to the run data file's folder */
  rel: string;
  bytes: Uint8Array;
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

/**
 * The script file of a chunk named `name` holding `cols`: `tracklabHistory(name, [head, tail, deflated], "text")`,
 * where the text holds `head` bytes of deflated leading planes, then `tail` bytes of the low planes, deflated when
 * `deflated` is 1 (history-data.ts reads it).
 */
export function chunkScript(name: string, cols: ChunkColumns): Uint8Array {
  const { bytes, split } = packChunk(cols);
  const head = deflateSync(bytes.subarray(0, split));
  const low = bytes.subarray(split);
  const deflated = low.length > 0 && entropy(low) < RANDOM_BITS;
  const tail = deflated ? deflateSync(low) : low;
  const text = bytesToScriptText(Buffer.concat([head, tail]));
  const layout = `[${head.length},${tail.length},${deflated ? 1 : 0}]`;
  return Buffer.concat([HEAD, Buffer.from(`${safeJson(name)},${layout},"`), text, TAIL]);
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

/** Reads and encodes the histories `keys` of a run; each chunk's path starts with the run's id. */
export async function publishHistories(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ refs: HistoryRef[]; files: ChunkFile[] }> {
  const refs: HistoryRef[] = [];
  const files: ChunkFile[] = [];
  const read = await sampler(source, runId, keys, maxPoints);
  for (const [i, key] of keys.entries()) {
    const sampled = await read.sample(key);
    const draw = `${runId}.h${i}`;
    files.push({ rel: `${draw}.js`, bytes: chunkScript(draw, sampled) });
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
      draw: `${draw}.js`,
      full: full ? `${full}.js` : '',
    });
  }
  return { refs, files };
}
