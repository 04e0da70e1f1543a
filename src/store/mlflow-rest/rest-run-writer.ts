/**
 * The writer of a run logged to an MLflow server. `appendMetric` only buffers; full batches go out in the background
 * (one request at a time, in order) and the rest on `flush`/`end`. When the server stays unreachable after the
 * client's retries, what was not acknowledged goes to the offline queue and the run keeps logging there.
 */
import type { RunStatus } from '../../core/entities.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { metricValue } from './convert.js';
import { splitLogBatches, type PendingPoint } from './log-batches.js';
import { ServerUnavailableError } from './rest-client.js';
import type { RestTracking } from './rest-tracking.js';
import type { Spool, SpoolFile } from './spool.js';

export interface WriterHooks {
  /** the offline queue; without it an unreachable server is an error */
  spool?: Spool;
  /** runs created offline: their queue, by local run id */
  offline?: Map<string, SpoolFile>;
}

/** Points sent per background request. */
const BATCH_POINTS = 1000;

export class RestRunWriter implements RunWriter {
  private buffer: PendingPoint[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private queue: SpoolFile | undefined;

  constructor(
    private readonly tracking: RestTracking,
    readonly id: string,
    private readonly hooks: WriterHooks,
  ) {
    this.queue = hooks.offline?.get(id);
  }

  /** Whether the run is being logged to the offline queue. */
  get offline(): boolean {
    return this.queue !== undefined;
  }

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    this.buffer.push({ key, value, step, timestamp });
    if (this.buffer.length >= BATCH_POINTS) this.sendBuffer();
  }

  async logBatch(batch: RunBatch): Promise<void> {
    await this.chain;
    if (!this.queue) {
      try {
        await this.tracking.logBatch(this.id, batch);
        return;
      } catch (error) {
        this.goOffline(error);
      }
    }
    this.queue?.append({ op: 'batch', ...batch });
  }

  async flush(): Promise<void> {
    this.sendBuffer();
    await this.chain;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  async end(status: RunStatus, endTime: number): Promise<void> {
    await this.flush();
    if (!this.queue) {
      try {
        await this.tracking.updateRun(this.id, { status, endTime });
        return;
      } catch (error) {
        this.goOffline(error);
      }
    }
    this.queue?.append({ op: 'end', status, endTime });
    this.queue?.sync();
  }

  private sendBuffer(): void {
    if (this.buffer.length === 0) return;
    const points = this.buffer;
    this.buffer = [];
    this.chain = this.chain
      .then(() => this.send(points))
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(`MLflow request failed: ${String(error)}`);
      });
  }

  /** Sends batch after batch; from the first one the server does not take, the rest goes to the queue. */
  private async send(points: PendingPoint[]): Promise<void> {
    const batches = this.queue ? [] : splitLogBatches(points);
    let sent = 0;
    for (const body of batches) {
      try {
        await this.tracking.client.call('POST', 'runs/log-batch', { run_id: this.id, ...body });
      } catch (error) {
        this.goOffline(error);
        break;
      }
      sent += body.metrics.length;
    }
    if (this.queue && sent < points.length) {
      const rest = points
        .slice(sent)
        .map((p): [string, number | string, number, number] => [p.key, metricValue(p.value), p.step, p.timestamp]);
      this.queue.append({ op: 'batch', metrics: rest });
    }
  }

  /** Switches to the queue on an unreachable server; anything else (a refused value) is the caller's error. */
  private goOffline(error: unknown): void {
    if (!(error instanceof ServerUnavailableError) || !this.hooks.spool) throw error;
    this.queue = this.hooks.spool.file(`${Date.now().toString(36).padStart(9, '0')}-${this.id}`);
    this.queue.append({ op: 'attach', runId: this.id });
    process.stderr.write(
      `${error.message}\ntracklab: run ${this.id} keeps logging to the offline queue ${this.queue.path}\n`,
    );
  }
}
