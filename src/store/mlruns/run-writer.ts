/**
 * The handle of the process that logs a run of an MLflow file store. Metric points are buffered per key as MLflow's
 * lines (`timestamp value step`) and appended with one write() per key, so concurrent appenders never interleave
 * inside a line; params, tags and inputs go straight to their files; end() syncs the metric files and rewrites
 * meta.yaml atomically.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunStatus } from '../../core/entities.js';
import { ioError } from '../../core/errors.js';
import { fsyncAsync } from '../json/atomic-file.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { ensureDir } from './files.js';
import { formatValue } from './metric-file.js';

const BUFFER_LIMIT = 1 << 20;

export interface WriterHost {
  logBatch(id: string, batch: RunBatch): Promise<void>;
  finish(id: string, status: RunStatus, endTime: number, durable: boolean): Promise<void>;
}

export class MlrunsRunWriter implements RunWriter {
  private readonly buffers = new Map<string, string>();
  private readonly fds = new Map<string, number>();
  private buffered = 0;
  private lastTimestamp = -1;
  private timestampText = '';

  constructor(
    readonly id: string,
    private readonly dir: string,
    private readonly host: WriterHost,
    private readonly onClose: () => void,
  ) {}

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    if (timestamp !== this.lastTimestamp) {
      this.lastTimestamp = timestamp;
      this.timestampText = `${timestamp} `;
    }
    const line = `${this.timestampText}${formatValue(value)} ${step}\n`;
    this.buffers.set(key, (this.buffers.get(key) ?? '') + line);
    this.buffered += line.length;
    if (this.buffered >= BUFFER_LIMIT) this.writeOutNow();
  }

  logBatch(batch: RunBatch): Promise<void> {
    return this.host.logBatch(this.id, batch);
  }

  /** Appends every buffered line to its metric file (the OS keeps them if this process dies). */
  writeOutNow(): void {
    for (const [key, text] of this.buffers) {
      if (text === '') continue;
      const file = join(this.dir, 'metrics', ...key.split('/'));
      let fd = this.fds.get(key);
      try {
        if (fd === undefined) {
          if (key.includes('/')) ensureDir(dirname(file));
          fd = openSync(file, 'a', 0o644);
          this.fds.set(key, fd);
        }
        const bytes = Buffer.from(text, 'utf8');
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        throw ioError('append metrics to', file, error);
      }
      this.buffers.set(key, '');
    }
    this.buffered = 0;
  }

  async flush(): Promise<void> {
    this.writeOutNow();
  }

  async end(status: RunStatus, endTime: number, options: { durable?: boolean } = {}): Promise<void> {
    this.writeOutNow();
    const durable = options.durable !== false;
    if (durable) await Promise.all([...this.fds.values()].map((fd) => fsyncAsync(fd)));
    this.closeFiles();
    await this.host.finish(this.id, status, endTime, durable);
    this.onClose();
  }

  closeFiles(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
