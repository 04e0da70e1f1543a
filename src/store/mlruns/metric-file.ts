/**
 * MLflow's metric files: one line `timestamp value step` per point (MLflow 3 may add columns), appended as points
 * are logged. A search folds every line of every run and an import reads millions, so the common line (integer
 * timestamp and step, a finite value) is scanned in place by character codes, without slicing the line or building a
 * point; anything else goes the general way, with the same result.
 */
import type { MetricPoint, MetricSummary } from '../../core/entities.js';
import { corrupt } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { foldPoint } from '../../core/metric-summary.js';

/** A metric value as Python's str(float) writes it, so MLflow's float() reads it back. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
}

const SPECIAL = new Map([
  ['nan', Number.NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
]);

/** `timestamp value [step [MLflow 3 extra columns]]`; undefined for a torn or blank line. */
export function parseMetricLine(key: string, line: string): MetricPoint | undefined {
  if (scanPlain(line, 0, line.length))
    return { key, value: scanned.value, step: scanned.step, timestamp: scanned.timestamp };
  const parts = line.trim().split(' ');
  if (parts.length < 2 || parts[0] === '') return undefined;
  const timestamp = Number(parts[0]);
  const raw = parts[1] as string;
  const value = SPECIAL.get(raw.toLowerCase()) ?? Number(raw);
  const step = parts.length >= 3 ? Number(parts[2]) : 0;
  if (
    !Number.isFinite(timestamp) ||
    !Number.isFinite(step) ||
    (Number.isNaN(value) && SPECIAL.get(raw.toLowerCase()) === undefined)
  ) {
    return undefined;
  }
  return { key, value, step, timestamp };
}

/** The fields of the line scanPlain last accepted: one object for every line, so a scan allocates nothing. */
const scanned = { timestamp: 0, value: 0, step: 0 };

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** A decimal integer (optional "-") filling text[from, to), or NaN; at most 15 digits, so the sum stays exact. */
function scanInt(text: string, from: number, to: number): number {
  const negative = text.charCodeAt(from) === MINUS;
  const first = negative ? from + 1 : from;
  if (first >= to || to - first > 15) return Number.NaN;
  let n = 0;
  for (let i = first; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/**
 * Whether text[start, end) is exactly `timestamp value step` with integer timestamp and step and a finite value; the
 * numbers are left in `scanned`.
 */
function scanPlain(text: string, start: number, end: number): boolean {
  const a = text.indexOf(' ', start);
  if (a <= start || a >= end) return false;
  const b = text.indexOf(' ', a + 1);
  if (b < 0 || b >= end - 1) return false;
  const timestamp = scanInt(text, start, a);
  const step = scanInt(text, b + 1, end);
  if (timestamp !== timestamp || step !== step) return false; // NaN: not the plain form
  const c = text.charCodeAt(a + 1);
  if (!((c >= ZERO && c <= NINE) || c === MINUS)) return false; // Number('') is 0, Number(' 1') is 1
  const value = Number(text.slice(a + 1, b));
  if (!Number.isFinite(value)) return false;
  scanned.timestamp = timestamp;
  scanned.value = value;
  scanned.step = step;
  return true;
}

/** Calls `each` with every line's bounds; the line number counts from 1, `last` is true for a line without "\n". */
function eachLine(text: string, each: (start: number, end: number, lineNo: number, last: boolean) => void): void {
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const last = end < 0;
    if (last) end = text.length;
    lineNo += 1;
    each(start, end, lineNo, last);
    start = end + 1;
  }
}

const badLine = (file: string, lineNo: number, line: string): Error =>
  corrupt(file, storeMessages.metricLineInvalid(lineNo, line));

/**
 * The point of a line that is not in the plain form, undefined for a blank or torn last line; any other bad line is
 * CORRUPT_STORE naming the file.
 */
function otherLine(key: string, line: string, file: string, lineNo: number, last: boolean): MetricPoint | undefined {
  if (line.trim() === '') return undefined;
  const point = parseMetricLine(key, line);
  if (point === undefined && !last) throw badLine(file, lineNo, line);
  return point;
}

/** Every point of a metric file; a torn last line (a crash mid-append) is skipped, any other bad line is corruption. */
export function parseMetricFile(key: string, text: string, file: string): MetricPoint[] {
  const out: MetricPoint[] = [];
  eachLine(text, (start, end, lineNo, last) => {
    if (scanPlain(text, start, end)) {
      out.push({ key, value: scanned.value, step: scanned.step, timestamp: scanned.timestamp });
      return;
    }
    const point = otherLine(key, text.slice(start, end), file, lineNo, last);
    if (point) out.push(point);
  });
  return out;
}

/**
 * The summary of a metric file's text without building a point per line (a search folds every point of every run);
 * the same lines are accepted, skipped and refused as by parseMetricFile.
 */
export function summarizeMetricText(key: string, text: string, file: string): MetricSummary | undefined {
  let s: MetricSummary | undefined;
  const fold = (value: number, step: number, timestamp: number): void => {
    if (s === undefined) s = { value, step, timestamp, min: value, max: value, count: 1 };
    else foldPoint(s, value, step, timestamp);
  };
  eachLine(text, (start, end, lineNo, last) => {
    if (scanPlain(text, start, end)) {
      fold(scanned.value, scanned.step, scanned.timestamp);
      return;
    }
    const p = otherLine(key, text.slice(start, end), file, lineNo, last);
    if (p) fold(p.value, p.step, p.timestamp);
  });
  return s;
}
