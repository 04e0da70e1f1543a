/**
 * A run's metric histories as the site publishes them: each history once, as binary chunks (core/history-chunk.ts)
 * written as the text of a script (core/script-text.ts). The chunk drawn is read through the stores' sampling path (at
 * most `maxPoints` buckets with their min and max, from a segment's precomputed levels where there is one), so drawing
 * never needs a full history. The drawn chunks travel in the run's data file (one file a run: a file per metric cost
 * the build more than the page saved) as one pack (core/history-pack.ts), which a store may have written when it
 * compacted the run: the build then copies it. A page decodes only what it draws. A history longer than `maxPoints`
 * also gets a full-resolution chunk file, which a page loads only when a user asks for the CSV.
 */
import { deflateSync } from 'node:zlib';
import { packChunk, type ChunkColumns } from '../core/history-chunk.js';
import { deflatable, packRun, type DrawnLayout, type RunPack } from '../core/history-pack.js';
import { columnsOfSample, sampleHistory, type SampledColumns } from '../core/history-sample.js';
import { bytesToScriptText } from '../core/script-text.js';
import type { HistoryPoint, ReportSource } from './collect.js';
import { safeJson } from './safe-json.js';

/**
 * Byte lengths of a chunk's deflated leading planes and of its low planes, and whether the low planes are deflated
 * (they are stored as they are when they look like noise).
 */
export type ChunkLayout = [head: number, tail: number, deflated: 0 | 1];

/** One published history, as a run's data file lists it. */
export interface HistoryRef {
  key: string;
  /** points logged */
  total: number;
  /** true when the drawn chunk holds every point (then there is no full chunk) */
  exact: boolean;
  /** points (exact) or buckets in the drawn chunk */
  points: number;
  layout: DrawnLayout;
  /** the full-resolution chunk file, relative to the data file's folder; '' when `exact` */
  full: string;
}

/**
 * A run's histories as its data file lists them. The data file's texts are the pack (`pack` gives the bytes of its
 * deflated heads and of its deflated lows), then one text per history: its low planes when they are not in the pack,
 * else ''.
 */
export interface PublishedHistories {
  pack: [heads: number, lows: number];
  refs: HistoryRef[];
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

/** Packs, compresses and writes `cols` as string-literal text (history-data.ts `decodeChunk` reads it). */
export function encodeChunk(cols: ChunkColumns): EncodedChunk {
  const { bytes, split } = packChunk(cols);
  const head = deflateSync(bytes.subarray(0, split));
  const low = bytes.subarray(split);
  const deflated = deflatable(low);
  const tail = deflated ? deflateSync(low) : low;
  return { layout: [head.length, tail.length, deflated ? 1 : 0], text: bytesToScriptText(Buffer.concat([head, tail])) };
}

/** The script file of a chunk named `name` holding `cols`: `tracklabHistory(name, layout, "text")`. */
export function chunkScript(name: string, cols: ChunkColumns): Uint8Array {
  const { layout, text } = encodeChunk(cols);
  return Buffer.concat([HEAD, Buffer.from(`${safeJson(name)},${JSON.stringify(layout)},"`), text, TAIL]);
}

/** A run's data file: `tracklabRunData(data, ["text", ...])`, the texts as packDrawn returns them. */
export function runDataScript(data: unknown, texts: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [Buffer.from(`tracklabRunData(${safeJson(data)},[`)];
  texts.forEach((text, i) => parts.push(Buffer.from(i === 0 ? '"' : ',"'), text, Buffer.from('"')));
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

/**
 * A run's pack: the one its store wrote when it compacted the run, when it has one for these keys and `maxPoints`;
 * else sampled and packed here. `full` reads a history's every point.
 */
async function runPack(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ pack: RunPack; full: (key: string) => Promise<HistoryPoint[]> }> {
  const stored = await source.getRunPack?.(runId, keys, maxPoints);
  if (stored !== undefined) return { pack: stored, full: (key) => source.getMetricHistory(runId, key) };
  const read = await sampler(source, runId, keys, maxPoints);
  const sampled: SampledColumns[] = [];
  for (const key of keys) sampled.push(await read.sample(key));
  return { pack: packRun(keys, sampled), full: read.full };
}

/**
 * The histories `keys` of a run as published: what its data file lists (`published`) and holds (`texts`, for
 * runDataScript), and the full-resolution chunk files, whose paths start with the run's id.
 */
export async function publishHistories(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ published: PublishedHistories; texts: Uint8Array[]; files: ChunkFile[] }> {
  const { pack, full } = await runPack(source, runId, keys, maxPoints);
  const refs = pack.histories.map((h, i): HistoryRef => ({
    ...h,
    layout: pack.layouts[i]!,
    full: h.exact ? '' : `${runId}.f${i}.js`,
  }));
  const files: ChunkFile[] = [];
  for (const [i, ref] of refs.entries()) {
    if (ref.exact) continue;
    const name = ref.full.slice(0, -'.js'.length);
    files.push({ rel: ref.full, bytes: chunkScript(name, pointColumns(byStep(await full(keys[i]!)))) });
  }
  return { published: { pack: pack.pack, refs }, texts: pack.texts, files };
}
