/**
 * Compaction: a run's histories written into its segment (encodeSegment; the format is described, and read, in
 * metric-segment.ts) with their levels and the run's drawn pack, from the current segment's points and the lines after
 * it. Apart from the readers, so that a first read loads none of the code that writes segments and packs.
 */
import { join } from 'node:path';
import { BUCKET_FIELDS, computeLevels, sortByStep, type BucketColumns } from '../../core/history-sample.js';
import { DRAWN_POINTS, HISTORY_FORMAT, packRun } from '../../core/history-pack.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { ColumnsBuilder } from './columns-builder.js';
import { visitMetricLines } from './metric-lines.js';
import {
  align8,
  SEGMENT_FILE,
  SEGMENT_MAGIC,
  SEGMENTS_SUPPORTED,
  SERIES_FILE,
  type PackEntry,
  type SegmentHeader,
  type SeriesEntry,
  type StoredPack,
} from './metric-segment.js';
import { openSegment, probe, sampledOf } from './metric-series.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module
const { crc32 } = process.getBuiltinModule('node:zlib');

/** What a compaction did: the points the segment holds and the bytes of metrics.jsonl it covers. */
export interface Compaction {
  points: number;
  covered: number;
  /** false when the segment already covered every complete line (and held a pack of this version) */
  written: boolean;
}

/**
 * Writes the segment of the run in `dir`: the current segment's points (when intact) plus the lines after it, with
 * their levels and the run's drawn pack. Atomic (temp file + rename); metrics.jsonl is only read.
 */
export function compactSeries(dir: string): Compaction {
  const file = join(dir, SERIES_FILE);
  const builder = new ColumnsBuilder();
  const segment = SEGMENTS_SUPPORTED ? openSegment(dir) : undefined;
  let from = 0;
  if (segment !== undefined) {
    try {
      from = builder.addSegment(segment) ? segment.header.covered : 0;
    } finally {
      segment.close();
    }
  }
  if (from === 0) builder.clear();
  const covered = visitMetricLines(file, from, undefined, (p) => builder.add(p));
  // a segment that holds every point is rewritten only to add a pack of this version (one written before packs were)
  const packed = segment?.header.pack?.format === HISTORY_FORMAT && segment.header.pack.maxPoints === DRAWN_POINTS;
  if (!SEGMENTS_SUPPORTED || (segment !== undefined && covered === from && packed) || builder.size === 0)
    return { points: builder.size, covered, written: false };
  writeSegment(dir, covered, builder.series());
  return { points: builder.size, covered, written: true };
}

/**
 * Writes the segment of the run in `dir` holding `series` (points in logging order) with their levels and the run's
 * drawn pack (packOf), covering the first `covered` bytes of metrics.jsonl, which must hold exactly those points.
 * Atomic (temp file + rename).
 */
export function writeSegment(
  dir: string,
  covered: number,
  series: readonly { key: string; points: { step: Float64Array; value: Float64Array; timestamp: Float64Array } }[],
): void {
  const file = join(dir, SERIES_FILE);
  const stored = series.map(({ key, points }) => ({ key, points, levels: computeLevels(sortByStep(points)) }));
  const bytes = encodeSegment(covered, probe(file, covered).text, stored, packOf(stored));
  writeFileAtomicSync(join(dir, SEGMENT_FILE), bytes, false);
}

/**
 * The drawn pack of a run's series at DRAWN_POINTS, keys in the order a report lists them (sorted): made once, when
 * the run is compacted, from the same samples a read of the segment gives (sampledOf), so a build copies it.
 */
function packOf(stored: readonly SegmentSeries[]): StoredPack {
  const sorted = [...stored].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sampled = sorted.map(({ points, levels }) =>
    sampledOf(
      {
        total: points.step.length,
        levelSizes: levels.map((l) => l.step.length),
        points: () => points,
        level: (i) => levels[i],
      },
      DRAWN_POINTS,
    ),
  );
  const run = packRun(
    sorted.map((s) => s.key),
    sampled.map((s) => s!),
  );
  return { format: HISTORY_FORMAT, maxPoints: DRAWN_POINTS, run };
}

/** A series to store: points in logging order and the levels computed from them. */
export interface SegmentSeries {
  key: string;
  points: { step: Float64Array; value: Float64Array; timestamp: Float64Array };
  levels: BucketColumns[];
}

/** The bytes of a segment holding `series` (and `pack`), covering `covered` bytes of metrics.jsonl. */
export function encodeSegment(
  covered: number,
  probe: string,
  series: readonly SegmentSeries[],
  pack?: StoredPack,
): Buffer {
  const blocks: Buffer[] = [];
  let at = 0;
  const block = (columns: Float64Array[]): [number, number] => {
    const bytes = Buffer.concat(columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    blocks.push(bytes);
    const start = at;
    at += bytes.length;
    return [start, crc32(bytes)];
  };
  const entries = series.map(({ key, points, levels }): SeriesEntry => {
    const [pAt, pCrc] = block([points.step, points.value, points.timestamp]);
    const lv = levels.map((l): [number, number, number] => [l.step.length, ...block(BUCKET_FIELDS.map((f) => l[f]))]);
    return [key, points.step.length, pAt, pCrc, lv];
  });
  let packEntry: PackEntry | undefined;
  if (pack !== undefined) {
    // the last block: its length need not keep later blocks 8-aligned
    const bytes = Buffer.concat(pack.run.texts);
    blocks.push(bytes);
    packEntry = {
      format: pack.format,
      maxPoints: pack.maxPoints,
      histories: pack.run.histories.map((h) => [h.key, h.total, h.exact ? 1 : 0, h.points]),
      layouts: pack.run.layouts,
      pack: pack.run.pack,
      texts: pack.run.texts.map((t) => t.length),
      at,
      crc: crc32(bytes),
    };
    at += bytes.length;
  }
  const stored: SegmentHeader = { covered, probe, series: entries, ...(packEntry ? { pack: packEntry } : {}) };
  const header = Buffer.from(JSON.stringify(stored), 'utf8');
  const head = Buffer.alloc(align8(16 + header.length));
  SEGMENT_MAGIC.copy(head, 0);
  head.writeUInt32LE(header.length, 8);
  head.writeUInt32LE(crc32(header), 12);
  header.copy(head, 16);
  return Buffer.concat([head, ...blocks]);
}
