/**
 * The side of a run's files written by the process that logs it. Params, tags and inputs are appended to run.jsonl as
 * they come; metric points go to metrics.jsonl, their latest values to run.jsonl on flush. Before each change the
 * writer reads what other processes appended since (a tag, a delete) so its checks see them.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunRecord, RunStatus } from '../../core/entities.js';
import { ioError } from '../../core/errors.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { fsyncAsync } from './atomic-file.js';
import { MetricLog } from './metric-log.js';
import { compactSeries } from './series-compaction.js';
import { appendEvents, applyLines, batchEvents, RUN_LOG } from './run-log.js';
import type { RunEvent } from './run-events.js';

/** Runs that appended at least this many bytes of points (about 4,000) are compacted when they end. */
export const COMPACT_AT_END_BYTES = 256 << 10;

export class JsonRunWriter implements RunWriter {
  private readonly log: MetricLog;
  private readonly file: string;
  private readonly fd: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly run: RunRecord,
    /** bytes of run.jsonl already folded into `run`, and how many lines that is */
    private offset: number,
    private lineCount: number,
    private readonly onEnd: () => void,
  ) {
    this.file = join(dir, RUN_LOG);
    this.log = new MetricLog(join(dir, 'metrics.jsonl'), run.metrics);
    try {
      this.fd = openSync(this.file, 'a+');
    } catch (error) {
      throw ioError('open', this.file, error);
    }
  }

  get id(): string {
    return this.run.id;
  }

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    this.log.append(key, value, step, timestamp);
  }

  logBatch(batch: RunBatch): Promise<void> {
    return this.serial(() => {
      this.catchUp();
      const events = batchEvents(this.run, batch);
      this.append(events);
    });
  }

  flush(): Promise<void> {
    return this.serial(() => {
      this.append([]);
    });
  }

  end(status: RunStatus, endTime: number, options: { durable?: boolean } = {}): Promise<void> {
    return this.serial(async () => {
      this.append([{ op: 'status', status, endTime }]);
      if (options.durable === false) {
        this.log.writeOut();
        this.log.close();
        closeSync(this.fd);
        this.onEnd();
        return;
      }
      // one journal commit can serve all four: the run's log and series, and the folders that name them
      const dirs = [this.dir, dirname(this.dir)].map((d) => openSync(d, 'r'));
      try {
        await Promise.all([fsyncAsync(this.fd), this.log.sync(), ...dirs.map(fsyncAsync)]);
      } catch (error) {
        throw ioError('sync', this.dir, error);
      } finally {
        for (const fd of dirs) closeSync(fd);
      }
      this.log.close();
      closeSync(this.fd);
      this.compactIfLarge();
      this.onEnd();
    });
  }

  /**
   * A run that logged at least COMPACT_AT_END_BYTES gets its segment now, so its histories read fast from then on;
   * smaller runs read their lines in a few milliseconds and skip it, which keeps ending many small runs cheap.
   */
  private compactIfLarge(): void {
    if (this.log.bytesWritten < COMPACT_AT_END_BYTES) return;
    try {
      compactSeries(this.dir);
    } catch {
      // derived data only: the lines stay the truth and a later read or `tracklab compact` retries
    }
  }

  /** Writes buffered points out, then `events` plus the metric summaries that changed, in one append. */
  private append(events: RunEvent[]): void {
    this.log.writeOut();
    const metrics = this.log.changed();
    if (metrics) events.unshift({ op: 'metrics', metrics });
    if (events.length === 0) return;
    const written = appendEvents(this.file, events, this.fd);
    this.log.markWritten(metrics);
    // apply our own lines through the same fold as everyone else's, in file order
    this.catchUp(written);
  }

  /**
   * Folds lines appended since `offset` (by others, and our own just written); our metric lines are skipped. When the
   * file grew by exactly `ours`, nobody else appended and our own bytes are folded without reading them back.
   */
  private catchUp(ours?: Buffer): void {
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return;
    let bytes: Buffer;
    if (ours !== undefined && size === this.offset + ours.length) {
      bytes = ours;
    } else {
      bytes = Buffer.alloc(size - this.offset);
      readSync(this.fd, bytes, 0, bytes.length, this.offset);
    }
    const folded = applyLines(this.run, bytes.toString('utf8'), this.file, this.lineCount + 1, true);
    this.offset += folded.bytes;
    this.lineCount += folded.lines;
  }

  /** Runs changes one after another so a slow write never interleaves with the next. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes buffered points synchronously (process exit). */
  writeOutNow(): void {
    this.log.writeOut();
  }
}
