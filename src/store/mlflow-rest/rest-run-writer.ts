/**
 * The writer of a run logged to an MLflow server. `appendMetric` only buffers; full batches go out in the background
 * (a bounded number of requests in flight) and the rest on `flush`/`end`. When the server stays unreachable after the
 * client's retries, what was not acknowledged goes to the offline queue and the run keeps logging there.
 */
import type { RunStatus } from '../../core/entities.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { asStateError, toKeyValues, type KeyValue } from './convert.js';
import { splitLogBatches, type LogBatchBody, type PendingPoint } from './log-batches.js';
import { ServerUnavailableError } from './rest-client.js';
import type { RestTracking } from './rest-tracking.js';
import type { Spool, SpoolFile, SpoolOp } from './spool.js';
import { serverMessages as msg } from './server-messages.js';

export interface WriterHooks {
  /** the offline queue; without it an unreachable server is an error */
  spool?: Spool;
  /** runs logging to the queue (started offline, or their server went away), by run id */
  offline?: Map<string, SpoolFile>;
}

/** Points sent per background request. */
const BATCH_POINTS = 1000;
/** log-batch requests in flight per run (TRACKLAB_HTTP_IN_FLIGHT): hides the round trip without crowding the server */
const IN_FLIGHT = Math.max(1, Number(process.env['TRACKLAB_HTTP_IN_FLIGHT'] ?? 2) || 2);
/**
 * How long queued params and tags wait for the run's next request before going out alone: long enough for a run's
 * start (params, a first metric, an early end) to share one log-batch, short enough for a team to see them at once.
 */
const QUEUED_DELAY_MS = 250;

const record = (items: KeyValue[]): Record<string, string> => Object.fromEntries(items.map((i) => [i.key, i.value]));

/** A log-batch body as a queue line. */
const queued = (body: LogBatchBody): SpoolOp => ({
  op: 'batch',
  ...(body.metrics.length > 0 ? { metrics: body.metrics.map((m) => [m.key, m.value, m.step, m.timestamp]) } : {}),
  ...(body.params.length > 0 ? { params: record(body.params) } : {}),
  ...(body.tags.length > 0 ? { tags: record(body.tags) } : {}),
});

const emptyRecord = (): Record<string, string> => Object.create(null) as Record<string, string>;

export class RestRunWriter implements RunWriter {
  private buffer: PendingPoint[] = [];
  private params = emptyRecord();
  private tags = emptyRecord();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly tracking: RestTracking,
    readonly id: string,
    private readonly hooks: WriterHooks,
  ) {}

  /** The run's offline queue once it (its writer or its artifacts) found the server unreachable. */
  private get queue(): SpoolFile | undefined {
    return this.hooks.offline?.get(this.id);
  }

  /** Whether the run is being logged to the offline queue. */
  get offline(): boolean {
    return this.queue !== undefined;
  }

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    this.buffer.push({ key, value, step, timestamp });
    if (this.buffer.length >= BATCH_POINTS) this.sendBuffer();
  }

  queueBatch(batch: Pick<RunBatch, 'params' | 'tags'>): void {
    Object.assign(this.params, batch.params);
    Object.assign(this.tags, batch.tags);
    this.timer ??= setTimeout(() => this.sendBuffer(), QUEUED_DELAY_MS).unref();
  }

  async logBatch(batch: RunBatch): Promise<void> {
    await this.settle();
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
    await this.settle();
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
        await this.tracking.finishRun(this.id, status, endTime);
        return;
      } catch (error) {
        this.goOffline(error);
      }
    }
    this.queue?.append({ op: 'end', status, endTime });
    this.queue?.sync();
  }

  /** Hands the buffered points, with the queued params and tags, to the requests. */
  private sendBuffer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const params = toKeyValues(this.params);
    const tags = toKeyValues(this.tags);
    if (this.buffer.length === 0 && params.length === 0 && tags.length === 0) return;
    const bodies = splitLogBatches(this.buffer, params, tags);
    this.buffer = [];
    this.params = emptyRecord();
    this.tags = emptyRecord();
    this.chain = this.chain
      .then(() => this.dispatch(bodies))
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(msg.requestFailed(String(error)));
      });
  }

  /**
   * Starts a request per batch, at most IN_FLIGHT at a time (MLflow keeps a metric's points by key, step, timestamp
   * and value, so the order requests land in changes nothing stored). Once the server is gone, the rest is queued.
   */
  private async dispatch(bodies: LogBatchBody[]): Promise<void> {
    for (const body of bodies) {
      while (this.inFlight.size >= IN_FLIGHT) await Promise.race(this.inFlight);
      // a request that failed meanwhile may have switched the run to the queue
      const queue = this.queue;
      if (queue) {
        queue.append(queued(body));
        continue;
      }
      const request: Promise<void> = this.post(body).finally(() => this.inFlight.delete(request));
      this.inFlight.add(request);
    }
  }

  /**
   * One batch; not taken by an unreachable server, it goes to the queue; refused, it is the caller's error. MLflow
   * refuses a batch whole, so when params or tags travelled with points (a param another client set differently),
   * the points are sent again on their own rather than lost with them.
   */
  private async post(body: LogBatchBody): Promise<void> {
    try {
      await this.tracking.client.call('POST', 'runs/log-batch', { run_id: this.id, ...body });
    } catch (error) {
      try {
        this.goOffline(error);
      } catch (refused) {
        const shown = asStateError(refused);
        this.failure ??= shown instanceof Error ? shown : new Error(String(shown));
        const mixed = body.metrics.length > 0 && body.params.length + body.tags.length > 0;
        if (mixed) await this.post({ metrics: body.metrics, params: [], tags: [] });
        return;
      }
      this.queue?.append(queued(body));
    }
  }

  /** Waits for every batch handed over so far to be acknowledged or queued. */
  private async settle(): Promise<void> {
    await this.chain;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Switches to the queue on an unreachable server; anything else (a refused value) is the caller's error. */
  private goOffline(error: unknown): void {
    switchToQueue(this.hooks, this.id, error);
  }
}

/**
 * The run's queue from now on, shared by its writer and its artifacts: made (starting with the server's run id) the
 * first time either finds the server unreachable. Anything but an unreachable server is rethrown.
 */
export function switchToQueue(hooks: WriterHooks, runId: string, error: unknown): SpoolFile {
  if (!(error instanceof ServerUnavailableError) || !hooks.spool) throw error;
  const known = hooks.offline?.get(runId);
  if (known) return known;
  const queue = hooks.spool.file(`${Date.now().toString(36).padStart(9, '0')}-${runId}`);
  queue.append({ op: 'attach', runId });
  (hooks.offline ??= new Map()).set(runId, queue);
  process.stderr.write(`${error.message}\n${msg.runSwitchedToQueue(runId, queue.path)}\n`);
  return queue;
}
