/**
 * A run's metric histories as the site publishes them: each history once, as binary chunks (core/history-chunk.ts)
 * written as the text of a script (core/script-text.ts). The chunk drawn is read through the stores' sampling path (at
 * most `maxPoints` buckets with their min and max, from a segment's precomputed levels where there is one), so drawing
 * never needs a full history. The drawn chunks travel in the run's data file (one file a run: a file per metric cost
 * the build more than the page saved) as one pack: the leading parts of every chunk deflated together (one deflate a
 * run: a deflate a history was a quarter of the build), then the low byte planes, those that look like noise each in
 * a text of its own, stored as they are, the others deflated together in the pack. A page decodes only what it draws.
 * A downsampled history's drawn levels go at float32 precision where that shows the same (drawnNarrow): a third of
 * the low planes, which are most of a data file. A history longer than `maxPoints` also gets a full-resolution chunk
 * file, which a page loads only when a user asks for the CSV.
 */
import { deflateSync } from 'node:zlib';
import { ChunkPacker, fitsFloat32, packChunk, type ChunkColumns, type Narrow } from '../core/history-chunk.js';
import { columnsOfSample, sampleHistory, type SampledColumns } from '../core/history-sample.js';
import { bytesToScriptText } from '../core/script-text.js';
import { scriptTextBound, writeScriptText } from '../core/script-text-writer.js';
import type { HistoryPoint, ReportSource } from './collect.js';
import { formatShort } from './format.js';
import { safeJson } from './safe-json.js';

/**
 * Byte lengths of a chunk's deflated leading planes and of its low planes, and whether the low planes are deflated
 * (they are stored as they are when they look like noise).
 */
export type ChunkLayout = [head: number, tail: number, deflated: 0 | 1];

/**
 * Where a drawn chunk is: the bytes of its leading part (in the pack's inflated heads, in history order) and of its low
 * planes, and whether those are in the pack's inflated lows (1, in history order) or in a text of their own (0).
 */
export type DrawnLayout = [head: number, low: number, packed: 0 | 1];

/**
 * Bumped whenever the published history files change shape: a run's files from an older build are then rewritten by an
 * incremental build (run-files.ts runKey), never kept for a page that cannot read them.
 */
export const HISTORY_FORMAT = 3;

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

/**
 * zlib's fastest level: on the leading parts of 1,000 runs' chunks it took 60 ms instead of 97 (the default, 6) for
 * 1.76 MB instead of 1.39, well inside the size the site may publish.
 */
const FAST = { level: 1 };

/** Packs the drawn chunks of a run; used by one call at a time (packDrawn runs without awaiting). */
const packer = new ChunkPacker();

/** The drawn chunks of a run, encoded: the pack's layout, each chunk's, and the data file's texts (pack first). */
export interface DrawnPack {
  pack: PublishedHistories['pack'];
  layouts: DrawnLayout[];
  texts: Uint8Array[];
}

/**
 * Encodes the drawn chunks of a run (see the module comment), the columns `narrow[i]` names of the i-th at float32
 * precision; history-data.ts `drawnChunk` reads them.
 */
export function packDrawn(chunks: readonly ChunkColumns[], narrow: readonly Narrow[] = []): DrawnPack {
  if (chunks.length === 0) return { pack: [0, 0], layouts: [], texts: [new Uint8Array(0)] };
  packer.reset();
  const sizes = chunks.map((cols, i) => packer.add(cols, narrow[i]));
  const lows = packer.low();
  const layouts: DrawnLayout[] = [];
  const own: Uint8Array[] = [];
  const packedLows: Uint8Array[] = [];
  let at = 0;
  for (const [head, low] of sizes) {
    const bytes = lows.subarray(at, at + low);
    at += low;
    const packed = low > 0 && entropy(bytes) < RANDOM_BITS;
    (packed ? packedLows : own).push(bytes);
    layouts.push([head, low, packed ? 1 : 0]);
  }
  const heads = deflateSync(packer.head(), FAST);
  const deflatedLows = packedLows.length > 0 ? deflateSync(Buffer.concat(packedLows), FAST) : new Uint8Array(0);
  const pack = deflatedLows.length > 0 ? Buffer.concat([heads, deflatedLows]) : heads;
  return { pack: [heads.length, deflatedLows.length], layouts, texts: scriptTexts([pack, ...own], layouts) };
}

/**
 * The script texts of the pack and of each history (its low planes when they are not in the pack, else ''), all in
 * one buffer: one allocation a run instead of one a text.
 */
function scriptTexts([pack, ...own]: Uint8Array[], layouts: readonly DrawnLayout[]): Uint8Array[] {
  const out = Buffer.allocUnsafe([pack!, ...own].reduce((sum, b) => sum + scriptTextBound(b.length), 0));
  let end = writeScriptText(pack!, out, 0);
  const texts = [out.subarray(0, end)];
  let next = 0;
  for (const [, , packed] of layouts) {
    if (packed) {
      texts.push(out.subarray(end, end));
      continue;
    }
    const start = end;
    end = writeScriptText(own[next++]!, out, start);
    texts.push(out.subarray(start, end));
  }
  return texts;
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

/** True when each value reads the same in the page's short form (tables, read-outs) after rounding to float32. */
function sameShortForm(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isFinite(x) && formatShort(Math.fround(x)) !== formatShort(x)) return false;
  }
  return true;
}

/**
 * The columns of a drawn chunk published at float32 precision: only a downsampled history's levels, which are drawn
 * (a chart cannot tell a float32 from the float64 at any screen size) and never downloaded (the CSV comes from the full
 * chunk). Its values are also shown in tables and the pointer read-out, 4 significant digits: they go as float32 only
 * when every one reads the same; min and max draw the band only. An exact chunk is the history itself and stays exact.
 */
export function drawnNarrow(s: SampledColumns): Narrow {
  if (s.exact) return {};
  return {
    value: fitsFloat32(s.value) && sameShortForm(s.value),
    range: s.min !== undefined && s.max !== undefined && fitsFloat32(s.min) && fitsFloat32(s.max),
  };
}

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
 * Reads and encodes the histories `keys` of a run: what its data file lists (`published`) and holds (`texts`, for
 * runDataScript), and the full-resolution chunk files, whose paths start with the run's id.
 */
export async function publishHistories(
  source: ReportSource,
  runId: string,
  keys: readonly string[],
  maxPoints: number,
): Promise<{ published: PublishedHistories; texts: Uint8Array[]; files: ChunkFile[] }> {
  const read = await sampler(source, runId, keys, maxPoints);
  const sampled: SampledColumns[] = [];
  for (const key of keys) sampled.push(await read.sample(key));
  const { pack, layouts, texts } = packDrawn(sampled, sampled.map(drawnNarrow));
  const files: ChunkFile[] = [];
  const refs = keys.map((key, i): HistoryRef => {
    const s = sampled[i]!;
    const full = s.exact ? '' : `${runId}.f${i}.js`;
    return { key, total: s.total, exact: s.exact, points: s.step.length, layout: layouts[i]!, full };
  });
  for (const [i, ref] of refs.entries()) {
    if (ref.exact) continue;
    const name = ref.full.slice(0, -'.js'.length);
    files.push({ rel: ref.full, bytes: chunkScript(name, pointColumns(byStep(await read.full(keys[i]!)))) });
  }
  return { published: { pack, refs }, texts, files };
}
