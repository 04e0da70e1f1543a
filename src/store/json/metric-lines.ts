/**
 * Reading `metrics.jsonl`: one JSON line per point, `{"key":..,"value":..,"step":..,"timestamp":..}`, as MetricLog
 * writes it. Lines in exactly that form are read without JSON.parse (a large history is millions of lines); any other
 * line goes through JSON.parse and the full checks. Only a torn last line (a crash mid-write, or a write in flight) is
 * skipped; any other damage is CORRUPT_STORE.
 */
import type { MetricPoint } from '../../core/entities.js';
import { corrupt, ioError, TracklabError } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { decodeNumber } from '../../core/number-codec.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');

/** Points read from a metrics file, and the byte offset just after the last complete line. */
export interface MetricLines {
  points: MetricPoint[];
  end: number;
}

/** Reads every point of a metrics file, optionally of one key. Missing file = no points. */
export function readMetricLog(file: string, onlyKey?: string): MetricPoint[] {
  return readMetricLines(file, 0, onlyKey).points;
}

/** Reads the complete lines of a metrics file from byte `from` on (a line boundary), optionally of one key. */
export function readMetricLines(file: string, from: number, onlyKey?: string): MetricLines {
  const points: MetricPoint[] = [];
  const end = visitMetricLines(file, from, onlyKey, (p) => points.push(p));
  return { points, end };
}

/** Text is decoded this many bytes at a time, so a file of any size reads in bounded memory. */
const CHUNK = 32 << 20;

/**
 * Calls `visit` with each point of the complete lines from byte `from` on (optionally of one key) and returns the byte
 * offset after the last complete line. Missing file = no points.
 */
export function visitMetricLines(
  file: string,
  from: number,
  onlyKey: string | undefined,
  visit: (point: MetricPoint) => void,
): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return from;
    throw ioError('read', file, error);
  }
  try {
    const size = fstatSync(fd).size;
    const reader = new LineReader(file, from, onlyKey, visit);
    let position = from;
    let buffer = Buffer.allocUnsafe(Math.max(0, Math.min(CHUNK, size - from)));
    let kept = 0; // bytes of an unfinished line at the start of `buffer`
    while (position < size) {
      if (kept === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.max(kept, 1 << 16))]);
      const n = readSync(fd, buffer, kept, Math.min(buffer.length - kept, size - position), position);
      if (n === 0) break;
      position += n;
      const filled = kept + n;
      const complete = buffer.lastIndexOf(0x0a, filled - 1) + 1;
      reader.parse(buffer.toString('utf8', 0, complete), complete);
      // the unfinished line moves to the front, so the next read continues it without copying the chunk
      kept = buffer.copy(buffer, 0, complete, filled);
    }
    return reader.end;
  } catch (error) {
    if (error instanceof TracklabError) throw error;
    throw ioError('read', file, error);
  } finally {
    closeSync(fd);
  }
}

/** Parses complete lines, chunk after chunk, keeping line numbers and the byte offset. */
class LineReader {
  private readonly prefix: string | undefined;
  private readonly keys = new Map<string, string>();
  private lineNo = 0;
  end: number;

  constructor(
    private readonly file: string,
    private readonly from: number,
    private readonly onlyKey: string | undefined,
    private readonly visit: (point: MetricPoint) => void,
  ) {
    this.prefix = onlyKey === undefined ? undefined : `{"key":${JSON.stringify(onlyKey)},`;
    this.end = from;
  }

  /** `text` is whole lines, `bytes` long in the file. */
  parse(text: string, bytes: number): void {
    const prefix = this.prefix;
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      this.lineNo += 1;
      const line = text.slice(start, end);
      start = end + 1;
      // another key's point: not parsed, but a line that is plainly not one is still damage
      if (prefix !== undefined && !line.startsWith(prefix) && line.startsWith('{"key":') && line.endsWith('}'))
        continue;
      const point = fastPoint(line, this.keys) ?? parsePoint(line);
      if (point === undefined) {
        const where = this.from === 0 ? `line ${this.lineNo}` : `line ${this.lineNo} after byte ${this.from}`;
        throw corrupt(this.file, storeMessages.metricUnreadable(where, line));
      }
      if (prefix === undefined || point.key === this.onlyKey) this.visit(point);
    }
    this.end += bytes;
  }
}

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER_RE = /^-?(?:0|[1-9]\d*)$/;
const VALUE = ',"value":';
const STEP = ',"step":';
const TIMESTAMP = ',"timestamp":';

/**
 * A line in MetricLog's exact form, read by slicing. A quote inside a JSON string is always escaped, so the first
 * `,"value":` ends the key. Undefined when the line is in any other form (then JSON.parse decides).
 */
function fastPoint(line: string, keys: Map<string, string>): MetricPoint | undefined {
  if (!line.startsWith('{"key":"') || !line.endsWith('}')) return undefined;
  const v = line.indexOf(VALUE, 8);
  const s = v < 0 ? -1 : line.indexOf(STEP, v + VALUE.length);
  const t = s < 0 ? -1 : line.indexOf(TIMESTAMP, s + STEP.length);
  if (t < 0) return undefined;
  const rawKey = line.slice(7, v);
  let key = keys.get(rawKey);
  if (key === undefined) {
    key = jsonString(rawKey);
    if (key === undefined) return undefined;
    keys.set(rawKey, key);
  }
  const value = fastNumber(line.slice(v + VALUE.length, s));
  const step = fastInteger(line.slice(s + STEP.length, t));
  const timestamp = fastInteger(line.slice(t + TIMESTAMP.length, line.length - 1));
  if (value === undefined || step === undefined || timestamp === undefined) return undefined;
  return { key, value, step, timestamp };
}

function jsonString(raw: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fastNumber(text: string): number | undefined {
  if (text.charCodeAt(0) === 34) return text.endsWith('"') ? decodeNumber(text.slice(1, -1)) : undefined;
  return NUMBER_RE.test(text) ? Number(text) : undefined;
}

function fastInteger(text: string): number | undefined {
  if (!INTEGER_RE.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function parsePoint(line: string): MetricPoint | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { key, value, step, timestamp } = raw as Record<string, unknown>;
  const v = decodeNumber(value);
  if (typeof key !== 'string' || v === undefined || !Number.isSafeInteger(step) || !Number.isSafeInteger(timestamp))
    return undefined;
  if (Object.keys(raw).length !== 4) return undefined;
  return { key, value: v, step: step as number, timestamp: timestamp as number };
}
