/**
 * Runs already read, reused until the database changes: SQLite's `data_version` moves when another connection
 * commits and `total_changes()` when this one writes, so a cached run is never older than the file. A report reads
 * each run several times (search, then its files, then its histories); this keeps that to one read.
 */
import type { RunRecord } from '../../core/entities.js';
import { loadRuns } from './run-rows.js';
import type { SqliteDb } from './sqlite-db.js';

const MAX_CACHED = 20_000;

export class SqliteRunCache {
  private runs = new Map<string, RunRecord>();
  private stamp = '';

  constructor(private readonly db: SqliteDb) {}

  /** The runs with these ids, in order (missing ones left out); shallow copies, so callers cannot change the cache. */
  get(ids: readonly string[]): RunRecord[] {
    this.checkStamp();
    const missing = ids.filter((id) => !this.runs.has(id));
    if (missing.length > 0) {
      if (this.runs.size + missing.length > MAX_CACHED) this.runs = new Map();
      for (const run of loadRuns(this.db, missing)) this.runs.set(run.id, run);
    }
    return ids.flatMap((id) => {
      const run = this.runs.get(id);
      return run ? [{ ...run }] : [];
    });
  }

  private checkStamp(): void {
    const version = this.db.stmt('PRAGMA data_version', true).get() as [number];
    const changes = this.db.stmt('SELECT total_changes()', true).get() as [number];
    const stamp = `${version[0]}:${changes[0]}`;
    if (stamp !== this.stamp) {
      this.runs.clear();
      this.stamp = stamp;
    }
  }
}
