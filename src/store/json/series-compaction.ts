/**
 * Compaction: a run's histories written into its segment (metric-segment.ts) with their levels and the run's drawn
 * pack, from the current segment's points and the lines after it. Apart from the readers (metric-series.ts), so that a
 * first read loads none of the code that writes segments and packs.
 */
import { join } from 'node:path';
import { computeLevels, sortByStep } from '../../core/history-sample.js';
import { DRAWN_POINTS, HISTORY_FORMAT, packRun } from '../../core/history-pack.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { ColumnsBuilder } from './columns-builder.js';
import { visitMetricLines } from './metric-lines.js';
import {
  encodeSegment,
  SEGMENT_FILE,
  SEGMENTS_SUPPORTED,
  type SegmentSeries,
  type StoredPack,
} from './metric-segment.js';
import { openSegment, probe, sampledOf, SERIES_FILE } from './metric-series.js';

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
