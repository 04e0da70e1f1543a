/**
 * Append-only metric series: one JSON line per point in `runs/<id>/metrics.jsonl`, written only by the process that
 * owns the run. Only a torn last line (a crash mid-write) is skipped when read; any other damage is CORRUPT_STORE.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { appendAll, completeLength } from './append-file.js';
import { fsyncAsync } from './atomic-file.js';
import type { MetricSummary } from '../../core/entities.js';
import { ioError } from '../../core/errors.js';
import { numberToJson } from '../../core/number-codec.js';
import { foldPoint } from '../../core/metric-summary.js';

/** Flush to the file once this many characters are buffered, so memory stays bounded however long a loop logs. */
const BUFFER_LIMIT = 1 << 20;
/**
 * Lines are joined as a string this long, then encoded: one string of a whole megabyte built by appends costs more to
 * flatten and encode than many small ones (a tenth of an import's CPU went there).
 */
const CHUNK = 16 << 10;

/** Per metric key: the start of its JSON lines, its running summary, and whether it changed since last taken. */
interface KeyState {
  prefix: string;
  summary: MetricSummary | undefined;
  changed: boolean;
}

export class MetricLog {
  private buffer = '';
  /** encoded chunks of lines not yet written, and their size in bytes */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private readonly keys = new Map<string, KeyState>();
  private fd: number | undefined;
  /** the end of the last line, reused while the timestamp (ms) stays the same: thousands of points share one */
  private lastTimestamp = -1;
  private timestampTail = '';
  /** bytes this log appended to the file */
  bytesWritten = 0;

  /** `summaries` is updated in place (it is the run's own record of latest values). */
  constructor(
    readonly file: string,
    readonly summaries: Record<string, MetricSummary>,
  ) {}

  /** The hot path of logMetric: one map lookup, one string append, a few comparisons. */
  append(key: string, value: number, step: number, timestamp: number): void {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { prefix: `{"key":${JSON.stringify(key)},"value":`, summary: this.summaries[key], changed: false };
      this.keys.set(key, state);
    }
    if (timestamp !== this.lastTimestamp) {
      this.lastTimestamp = timestamp;
      this.timestampTail = `,"timestamp":${timestamp}}\n`;
    }
    // zero goes the slow way too, so that -0 is written as -0
    this.buffer += `${state.prefix}${value !== 0 && Number.isFinite(value) ? value : numberToJson(value)},"step":${step}${this.timestampTail}`;
    const s = state.summary;
    if (s === undefined) {
      state.summary = { value, step, timestamp, min: value, max: value, count: 1 };
      this.summaries[key] = state.summary;
    } else {
      foldPoint(s, value, step, timestamp);
    }
    state.changed = true;
    if (this.buffer.length >= CHUNK) this.seal();
  }

  /** Summaries (copies) of the keys that received points since their summaries were last written. */
  changed(): Record<string, MetricSummary> | undefined {
    let out: Record<string, MetricSummary> | undefined;
    for (const [key, state] of this.keys) {
      if (!state.changed || state.summary === undefined) continue;
      (out ??= Object.create(null) as Record<string, MetricSummary>)[key] = { ...state.summary };
    }
    return out;
  }

  /** Marks summaries taken by `changed()` as on disk, once the line carrying them was written. */
  markWritten(written: Record<string, MetricSummary> | undefined): void {
    for (const key of Object.keys(written ?? {})) {
      const state = this.keys.get(key);
      if (state) state.changed = false;
    }
  }

  /** Writes the buffer to the file (the OS keeps it if this process dies). */
  writeOut(): void {
    if (this.buffer !== '') this.seal(false);
    if (this.chunks.length === 0) return;
    if (this.fd === undefined) this.fd = openSeries(this.file);
    // on failure the buffer is kept and the file cut back, so a retry writes every point exactly once
    const bytes = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.chunkBytes);
    appendAll(this.fd, bytes, this.file, 'append metrics to');
    this.bytesWritten += bytes.length;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  /** Encodes the lines joined so far into a chunk; writes the chunks out once BUFFER_LIMIT bytes wait. */
  private seal(flush = true): void {
    const chunk = Buffer.from(this.buffer, 'utf8');
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    this.buffer = '';
    if (flush && this.chunkBytes >= BUFFER_LIMIT) this.writeOut();
  }

  /** fsync of the series (no-op when nothing was ever written). */
  async sync(): Promise<void> {
    if (this.fd !== undefined)
      await fsyncAsync(this.fd).catch((error: unknown) => {
        throw ioError('sync', this.file, error);
      });
  }

  close(): void {
    this.writeOut();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Opens the series for appending. Only the run's owner appends to it, so a torn last line (a crash mid-write) can
 * safely be cut off before appending; otherwise the next point would glue onto it.
 */
function openSeries(file: string): number {
  try {
    // a new series (the common case: a run just started) has no tail to check
    return openSync(file, NEW_SERIES, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('open', file, error);
  }
  let fd: number;
  try {
    fd = openSync(file, 'a+', 0o644);
  } catch (error) {
    throw ioError('open', file, error);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return fd;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) cutTornTail(fd, size);
  } catch (error) {
    closeSync(fd);
    throw ioError('repair the torn last line of', file, error);
  }
  return fd;
}

const NEW_SERIES = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL;

function cutTornTail(fd: number, size: number): void {
  const text = Buffer.alloc(size);
  readSync(fd, text, 0, size, 0);
  ftruncateSync(fd, completeLength(text));
}
