/**
 * The owner's handle on a run in an MLflow database: points are buffered in memory and written in one transaction per
 * flush (metrics rows plus one latest_metrics upsert per key), so logging a point costs an array push.
 */
import type { RunStatus } from '../../core/entities.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { toStored } from './run-rows.js';
import type { SqliteTracking } from './sqlite-tracking.js';

/** Points kept before a write; a flush of this many takes a few milliseconds. */
const BUFFER_POINTS = 20_000;

type Point = [key: string, value: number, step: number, timestamp: number];

export class SqliteRunWriter implements RunWriter {
  private buffer: Point[] = [];

  constructor(
    readonly id: string,
    private readonly store: SqliteTracking,
  ) {}

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    this.buffer.push([key, value, step, timestamp]);
    if (this.buffer.length >= BUFFER_POINTS) this.writePoints();
  }

  async logBatch(batch: RunBatch): Promise<void> {
    this.store.db.write(() => this.store.writeBatch(this.id, batch));
  }

  async flush(): Promise<void> {
    this.writePoints();
  }

  async end(status: RunStatus, endTime: number): Promise<void> {
    const points = this.take();
    this.store.db.write(() => {
      this.insert(points);
      this.store.db.stmt('UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?').run(status, endTime, this.id);
    });
  }

  private writePoints(): void {
    const points = this.take();
    if (points.length > 0) this.store.db.write(() => this.insert(points));
  }

  private take(): Point[] {
    const points = this.buffer;
    this.buffer = [];
    return points;
  }

  /** Rows as MLflow writes them; an identical point twice is kept once (it is the table's primary key). */
  private insert(points: readonly Point[]): void {
    const { db } = this.store;
    const add = db.stmt(`INSERT OR IGNORE INTO metrics ("key", value, timestamp, run_uuid, step, is_nan)
      VALUES (?, ?, ?, ?, ?, ?)`);
    const latest = new Map<string, Point>();
    for (const point of points) {
      const [key, value, step, timestamp] = point;
      const [stored, isNan] = toStored(value);
      add.run(key, stored, timestamp, this.id, step, isNan);
      const best = latest.get(key);
      if (!best || newer(point, best)) latest.set(key, point);
    }
    const upsert = db.stmt(`INSERT INTO latest_metrics ("key", value, timestamp, step, is_nan, run_uuid)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT("key", run_uuid) DO UPDATE SET value = excluded.value,
      timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
      WHERE (excluded.step, excluded.timestamp, excluded.value) > (step, timestamp, value)`);
    for (const [key, value, step, timestamp] of latest.values()) {
      const [stored, isNan] = toStored(value);
      upsert.run(key, stored, timestamp, step, isNan, this.id);
    }
  }
}

/** MLflow's latest value: the largest (step, timestamp, value), comparing the stored value (NaN as 0). */
function newer(a: Point, b: Point): boolean {
  if (a[2] !== b[2]) return a[2] > b[2];
  if (a[3] !== b[3]) return a[3] > b[3];
  return toStored(a[1])[0] > toStored(b[1])[0];
}
