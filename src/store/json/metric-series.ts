/**
 * A run's histories as readers see them: the segment (metric-segment.ts: `runs/<id>/metrics.seg`, when present and
 * intact) plus the JSON lines written after the byte it covers; without a usable segment, the JSON lines alone.
 * Compaction (series-compaction.ts) folds the lines into a new segment, written to a temp file and renamed, so a
 * compaction killed at any point leaves the old segment (or none) and metrics.jsonl untouched.
 *
 * The JSON store loads these readers, the segment's reader, the line reader and the columns builder with itself:
 * loaded by import() on the first read they cost that read ~2 ms, with the store's modules its open nothing
 * measurable (BENCHMARKS.md).
 */
import { join } from 'node:path';
import type { MetricColumns, MetricPoint } from '../../core/entities.js';
import type { RunPack } from '../../core/pack-format.js';
import { fillHistoryPoints, toHistoryPoint, type HistoryPoint } from '../../core/history-points.js';
import {
  chooseLevel,
  fromLevels,
  pointBuckets,
  sampleColumns,
  sampleToColumns,
  columnsOfSample,
  sortByStep,
  type BucketColumns,
  type PointColumns,
  type SampledColumns,
  type SampledHistory,
} from '../../core/history-sample.js';
import { HISTORY_FORMAT } from '../../core/version.js';
import { ColumnsBuilder } from './columns-builder.js';
import { readMetricLines, readMetricLog, visitMetricLines } from './metric-lines.js';
import { PROBE_BYTES, Segment, SEGMENT_FILE, SERIES_FILE } from './metric-segment.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fstatSync, openSync, readSync, statSync } = process.getBuiltinModule('node:fs');

/** The segment of the run in `dir` if it matches metrics.jsonl (covered range present and the same bytes). */
export function openSegment(dir: string): Segment | undefined {
  return openStoredRun(dir).segment;
}

/**
 * A run's histories as stored, checked once for a read: its segment when it matches metrics.jsonl, and the size
 * metrics.jsonl had then (-1 when missing). The readers below close the segment.
 */
export interface StoredRun {
  dir: string;
  segment: Segment | undefined;
  size: number;
}

/** The run in `dir` as stored (StoredRun); `blocks`: the segment is read a block at a time (Segment.open). */
export function openStoredRun(dir: string, blocks = false): StoredRun {
  const segment = Segment.open(join(dir, SEGMENT_FILE), blocks);
  if (segment === undefined) return { dir, segment, size: statSize(join(dir, SERIES_FILE)) };
  const { text, size } = probe(join(dir, SERIES_FILE), segment.header.covered);
  if (text === segment.header.probe) return { dir, segment, size };
  segment.close();
  return { dir, segment: undefined, size };
}

/** Bytes of metrics.jsonl not in the run's segment (all of it without one). */
export function uncoveredBytes(run: StoredRun): number {
  return Math.max(0, run.size - (run.segment?.header.covered ?? 0));
}

/** True when lines were written after the segment (or there is none): they must be read. */
const hasTail = (run: StoredRun): boolean => run.segment === undefined || run.size !== run.segment.header.covered;

function statSize(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? -1;
}

/**
 * The base64 of the first and last PROBE_BYTES bytes before `covered` (they recognise the same file: it only grows;
 * doctor compares every point), '' when the file is shorter; and the file's size (-1 when missing).
 */
export function probe(file: string, covered: number): { text: string; size: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { text: '', size: -1 };
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(PROBE_BYTES, covered);
    const head = Buffer.alloc(length);
    const tail = Buffer.alloc(length);
    const ok =
      readSync(fd, head, 0, length, 0) === length && readSync(fd, tail, 0, length, covered - length) === length;
    return { text: ok ? Buffer.concat([head, tail]).toString('base64') : '', size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Every point of the run (of one key when given): per key in logging order, the segment's keys first, then the points
 * logged after it. Closes the segment.
 */
export function readHistory(run: StoredRun, onlyKey?: string): MetricPoint[] {
  try {
    return historyOf(run, onlyKey);
  } finally {
    run.segment?.close();
  }
}

/** readHistory, leaving the segment open. */
function historyOf(run: StoredRun, onlyKey: string | undefined): MetricPoint[] {
  const file = join(run.dir, SERIES_FILE);
  const { segment } = run;
  if (segment === undefined) return readMetricLog(file, onlyKey);
  const out: MetricPoint[] = [];
  for (const entry of segment.header.series) {
    if (onlyKey !== undefined && entry[0] !== onlyKey) continue;
    const cols = segment.points(entry);
    // a damaged block: every point is read from the lines instead
    if (cols === undefined) return readMetricLog(file, onlyKey);
    for (let i = 0; i < cols.step.length; i++)
      out.push({ key: entry[0], value: cols.value[i]!, step: cols.step[i]!, timestamp: cols.timestamp[i]! });
  }
  if (hasTail(run)) for (const p of readMetricLines(file, segment.header.covered, onlyKey).points) out.push(p);
  return out;
}

/**
 * One history of the run in columns, in logging order: the segment's block as read (no object per point), then the
 * points logged after it. Same points as readHistory(run, key). Closes the segment.
 */
export function readColumns(run: StoredRun, key: string): MetricColumns {
  const file = join(run.dir, SERIES_FILE);
  const { segment } = run;
  const builder = new ColumnsBuilder();
  let from = 0;
  try {
    const entry = segment?.entry(key);
    const cols = entry && segment?.points(entry);
    if (cols !== undefined) builder.set(key, cols);
    // a damaged block: its points are read from the lines instead
    if (segment !== undefined && (entry === undefined || cols !== undefined)) from = segment.header.covered;
  } finally {
    segment?.close();
  }
  if (from === 0 || hasTail(run)) visitMetricLines(file, from, key, (p) => builder.add(p));
  const cols = builder.series()[0]?.points;
  const empty = new Float64Array(0);
  return { steps: cols?.step ?? empty, values: cols?.value ?? empty, timestamps: cols?.timestamp ?? empty };
}

/**
 * One history of the run as `{ step, value, timestamp }` objects, in logging order, made in one pass from the
 * segment's block (streamed through a small buffer) and then from the lines after it. Same points as readColumns.
 * Closes the segment.
 */
export function readHistoryPoints(run: StoredRun, key: string): HistoryPoint[] {
  const file = join(run.dir, SERIES_FILE);
  const { segment } = run;
  let out: HistoryPoint[] = [];
  let from = 0;
  if (segment !== undefined) {
    try {
      const entry = segment.entry(key);
      let at = 0;
      if (entry !== undefined) out = new Array<HistoryPoint>(entry[1]);
      const intact =
        entry !== undefined &&
        segment.visitPoints(entry, (steps, values, timestamps) => {
          fillHistoryPoints(out, at, steps, values, timestamps);
          at += steps.length;
        });
      // a damaged block: its points are read from the lines instead
      if (entry !== undefined && !intact) out = [];
      if (entry === undefined || intact) from = segment.header.covered;
    } finally {
      segment.close();
    }
  }
  if (from === 0 || hasTail(run))
    visitMetricLines(file, from, key, (p) => out.push(toHistoryPoint(p.step, p.value, p.timestamp)));
  return out;
}

/**
 * One history of the run reduced to at most `maxPoints` (history-sample.ts): from the segment's precomputed levels
 * when no point of the key came after it, else from the points in memory. Closes the segment.
 */
export function sampleStoredHistory(run: StoredRun, key: string, maxPoints: number): SampledHistory {
  try {
    const { segment } = run;
    // lines after the segment when it was checked: those of the key are looked for
    const sampled =
      segment && sampleSegment(segment, hasTail(run) ? join(run.dir, SERIES_FILE) : undefined, key, maxPoints);
    return sampled ?? sampleColumns(toColumns(historyOf(run, key)), maxPoints);
  } finally {
    run.segment?.close();
  }
}

/** `key` sampled from the segment; undefined when a point of it follows in `file` (the lines after it, if any). */
function sampleSegment(
  segment: Segment,
  file: string | undefined,
  key: string,
  maxPoints: number,
): SampledHistory | undefined {
  const entry = segment.entry(key);
  if (entry === undefined) return undefined;
  if (file !== undefined && readMetricLines(file, segment.header.covered, key).points.length > 0) return undefined;
  const total = entry[1];
  if (total <= maxPoints) {
    const cols = segment.points(entry);
    return cols && { total, exact: true, points: sampleColumns(pointBuckets(sortByStep(cols)), maxPoints).points };
  }
  return fromStoredLevels(storedSeries(segment, entry), maxPoints);
}

class DamagedBlock extends Error {}

/**
 * Several histories of the run, each reduced to at most `maxPoints` (as sampleStoredHistory), in columns: the
 * segment is opened and the lines after it are read once for all of them. Closes the segment.
 */
export function sampleStoredHistories(
  run: StoredRun,
  keys: readonly string[],
  maxPoints: number,
): Map<string, SampledColumns> {
  const out = new Map<string, SampledColumns>();
  const { segment } = run;
  const covered = segment?.header.covered ?? 0;
  try {
    const tail = hasTail(run) ? readMetricLines(join(run.dir, SERIES_FILE), covered).points : [];
    const tailKeys = new Set(tail.map((p) => p.key));
    for (const key of keys) {
      const entry = segment?.entry(key);
      let sampled: SampledColumns | undefined;
      if (segment !== undefined && entry !== undefined && !tailKeys.has(key)) {
        sampled = sampledOf(storedSeries(segment, entry), maxPoints);
      }
      if (segment === undefined) sampled = sampleToColumns(toColumns(tail.filter((p) => p.key === key)), maxPoints);
      out.set(key, sampled ?? sampleToColumns(toColumns(historyOf(run, key)), maxPoints));
    }
  } finally {
    segment?.close();
  }
  return out;
}

function toColumns(points: readonly MetricPoint[]): {
  step: Float64Array;
  value: Float64Array;
  timestamp: Float64Array;
} {
  return {
    step: Float64Array.from(points, (p) => p.step),
    value: Float64Array.from(points, (p) => p.value),
    timestamp: Float64Array.from(points, (p) => p.timestamp),
  };
}

/**
 * A stored series as the samplers read it: its length, its levels' sizes, and readers of its points and of one level
 * (undefined when that block fails its check).
 */
export interface StoredSeries {
  total: number;
  levelSizes: readonly number[];
  points: () => PointColumns | undefined;
  level: (i: number) => BucketColumns | undefined;
}

/** The series `entry` of `segment`, read on demand. */
function storedSeries(segment: Segment, entry: NonNullable<ReturnType<Segment['entry']>>): StoredSeries {
  return {
    total: entry[1],
    levelSizes: entry[4].map((l) => l[0]),
    points: () => segment.points(entry),
    level: (i) => segment.level(entry, i),
  };
}

/**
 * A stored series reduced to at most `maxPoints`: every point (sorted by step) when it has no more, else
 * fromStoredLevels. Undefined when a block it needs fails its check. What every sampled read of a segment in columns
 * returns, and what its pack is made of.
 */
export function sampledOf(series: StoredSeries, maxPoints: number): SampledColumns | undefined {
  if (series.total <= maxPoints) {
    const cols = series.points();
    return cols && sampleToColumns(cols, maxPoints);
  }
  const sampled = fromStoredLevels(series, maxPoints);
  return sampled && columnsOfSample(sampled);
}

/**
 * A stored series of more than `maxPoints` points reduced to `maxPoints` buckets from the level chooseLevel picks
 * (only that level is read and checked), or from the points when none fits; undefined when a block it needs fails its
 * check.
 */
function fromStoredLevels(series: StoredSeries, maxPoints: number): SampledHistory | undefined {
  const { total, levelSizes, points, level } = series;
  const chosen = chooseLevel(levelSizes, maxPoints);
  const start = chosen === -1 ? undefined : level(chosen);
  if (chosen !== -1 && start === undefined) return undefined;
  const all = (): ReturnType<typeof pointBuckets> => {
    const cols = points();
    if (cols === undefined) throw new DamagedBlock();
    return pointBuckets(sortByStep(cols));
  };
  try {
    return fromLevels(total, start === undefined ? [] : [start], maxPoints, all);
  } catch (error) {
    if (error instanceof DamagedBlock) return undefined;
    throw error;
  }
}

/**
 * The drawn pack the run's segment holds, when it is for these `keys` (in this order), `maxPoints` and this version's
 * format, and the segment holds every point (no line after it); else undefined. Closes the segment.
 */
export function readRunPack(run: StoredRun, keys: readonly string[], maxPoints: number): RunPack | undefined {
  const { segment } = run;
  if (segment === undefined) return undefined;
  try {
    const entry = segment.header.pack;
    if (hasTail(run) || entry === undefined) return undefined;
    if (entry.format !== HISTORY_FORMAT || entry.maxPoints !== maxPoints) return undefined;
    if (entry.histories.length !== keys.length || entry.histories.some(([key], i) => key !== keys[i])) return undefined;
    return segment.pack()?.run;
  } finally {
    segment.close();
  }
}
