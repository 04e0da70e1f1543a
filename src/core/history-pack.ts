/**
 * The drawn histories of a run as the report publishes them, in one pack a run (report/publish-histories.ts): the
 * leading parts of every chunk (history-chunk.ts) deflated together, then the low byte planes, those that look like
 * noise each in a text of their own, stored as they are, the others deflated together in the pack; every part written
 * as script text (script-text.ts). A downsampled history's drawn levels go at float32 precision where that shows the
 * same (drawnNarrow). Here, not in the report, so that a store can write a run's pack once, when it compacts the run
 * (store/json/series-compaction.ts), and every later build copies it instead of encoding it again.
 */
import { formatShort } from './format.js';
import { ChunkPacker, fitsFloat32, type ChunkColumns, type Narrow } from './history-chunk.js';
import type { SampledColumns } from './history-sample.js';
import { scriptTextBound, writeScriptText } from './script-text-writer.js';
import type { DrawnLayout, DrawnPack, RunPack } from './pack-format.js';
export { DRAWN_POINTS, HISTORY_FORMAT, type DrawnLayout, type DrawnPack, type RunPack } from './pack-format.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module, which every first history read paid
const { deflateSync } = process.getBuiltinModule('node:zlib');

/** Shannon entropy of (every third of) the bytes, in bits a byte: near 8 for noise, which deflate cannot shrink. */
function entropy(bytes: Uint8Array): number {
  const counts = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < bytes.length; i += 3, n++) counts[bytes[i]!]! += 1;
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= (c / n) * Math.log2(c / n);
  return bits;
}

/**
 * Whether low planes are worth deflating: those close to random bytes are stored as they are, since deflate would
 * spend most of the time for ~nothing.
 */
export function deflatable(bytes: Uint8Array): boolean {
  return bytes.length > 0 && entropy(bytes) < 7.5;
}

/**
 * zlib's fastest level: on the leading parts of 1,000 runs' chunks it took 60 ms instead of 97 (the default, 6) for
 * 1.76 MB instead of 1.39, well inside the size the site may publish.
 */
const FAST = { level: 1 };

/** Packs the drawn chunks of a run; used by one call at a time (packDrawn runs without awaiting). */
const packer = new ChunkPacker();

/**
 * Encodes the drawn chunks of a run (see the module comment), the columns `narrow[i]` names of the i-th at float32
 * precision; the page's history-data.ts `drawnChunk` reads them.
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
    const packed = deflatable(bytes);
    (packed ? packedLows : own).push(bytes);
    layouts.push([head, low, packed ? 1 : 0]);
  }
  const heads = deflateSync(packer.head(), FAST);
  const deflatedLows = packedLows.length > 0 ? deflateSync(Buffer.concat(packedLows), FAST) : new Uint8Array(0);
  const pack = deflatedLows.length > 0 ? Buffer.concat([heads, deflatedLows]) : heads;
  return { pack: [heads.length, deflatedLows.length], layouts, texts: scriptTexts([pack, ...own], layouts) };
}

/** packDrawn of sampled histories, each at the precision drawnNarrow gives it: what a run's data file holds. */
export function packSampled(sampled: readonly SampledColumns[]): DrawnPack {
  return packDrawn(sampled, sampled.map(drawnNarrow));
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

/** The pack of a run's sampled histories `sampled`, of the keys `keys` (packSampled). */
export function packRun(keys: readonly string[], sampled: readonly SampledColumns[]): RunPack {
  const histories = keys.map((key, i) => {
    const s = sampled[i]!;
    return { key, total: s.total, exact: s.exact, points: s.step.length };
  });
  return { ...packSampled(sampled), histories };
}
