/**
 * TrackingStore over MLflow's tables, writing rows as MLflow 2.12.2's SqlAlchemyStore does so MLflow reads them back
 * unchanged: runs with source_type UNKNOWN, metrics with is_nan and +-DBL_MAX for +-Infinity, latest_metrics kept by
 * (step, timestamp, value), datasets once per (experiment, name, digest), soft deletes with deleted_time.
 */
import { sampleHistory, type SampledHistory } from '../../core/history-sample.js';
import { randomUUID } from 'node:crypto';
import type { DatasetInput, Experiment, MetricPoint, RunRecord, ViewType } from '../../core/entities.js';
import { badState, exists, invalid, notFound, paramChanged, runDeleted } from '../../core/errors.js';
import {
  decodePageToken,
  encodePageToken,
  MAX_RESULTS_DEFAULT,
  MAX_RESULTS_LIMIT,
  parseFilter,
  parseOrderBy,
} from '../../core/search/index.js';
import { msg } from '../../core/search/messages.js';
import { searchRecords } from '../search-records.js';
import type { NewRun, RunBatch, RunPage, RunSearch, RunUpdate, RunWriter, TrackingStore } from '../tracking-store.js';
import { SqliteRunCache } from './run-cache.js';
import { loadHistory } from './run-rows.js';
import { SqliteDb } from './sqlite-db.js';
import { pageQuery } from './sql-search.js';
import { SqliteRunWriter } from './sqlite-run-writer.js';
import { storeMessages } from '../messages.js';

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | null;
  last_update_time: number | null;
}

const EXPERIMENT_SQL = `SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
  FROM experiments`;

export class SqliteTracking implements TrackingStore {
  private readonly cache: SqliteRunCache;

  constructor(
    readonly uri: string,
    readonly db: SqliteDb,
    private readonly newArtifactRoot: (experimentId: string) => string,
  ) {
    this.cache = new SqliteRunCache(db);
  }

  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    const id = this.db.write(() => {
      if (this.db.stmt('SELECT 1 FROM experiments WHERE name = ?').get(name)) {
        throw exists(storeMessages.experimentExists(name, true));
      }
      return this.insertExperiment(name, tags);
    });
    return this.getExperiment(id);
  }

  async ensureExperiment(name: string): Promise<Experiment> {
    const id = this.db.write(() => {
      const row = this.db.stmt('SELECT experiment_id FROM experiments WHERE name = ?').get(name) as
        { experiment_id: number } | undefined;
      return row ? String(row.experiment_id) : this.insertExperiment(name, {});
    });
    return this.getExperiment(id);
  }

  private insertExperiment(name: string, tags: Record<string, string>): string {
    const now = Date.now();
    const { lastInsertRowid } = this.db
      .stmt(
        `INSERT INTO experiments (name, lifecycle_stage, creation_time,
      last_update_time) VALUES (?, 'active', ?, ?)`,
      )
      .run(name, now, now);
    const id = String(lastInsertRowid);
    this.db
      .stmt('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?')
      .run(this.newArtifactRoot(id), Number(id));
    for (const [key, value] of Object.entries(tags)) this.putExperimentTag(id, key, value);
    return id;
  }

  async getExperiment(id: string): Promise<Experiment> {
    const found = /^\d+$/.test(id) ? this.experiments('WHERE experiment_id = ?', Number(id))[0] : undefined;
    if (!found) {
      throw notFound(storeMessages.experimentMissing(id, this.db.path));
    }
    return found;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments('WHERE name = ?', name)[0];
  }

  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    const all = this.experiments('ORDER BY experiment_id');
    return view === 'ALL' ? all : all.filter((e) => (e.lifecycleStage === 'active') === (view === 'ACTIVE_ONLY'));
  }

  private experiments(tail: string, ...args: unknown[]): Experiment[] {
    return this.db.read(() => {
      const rows = this.db.stmt(`${EXPERIMENT_SQL} ${tail}`).all(...args) as ExperimentRow[];
      return rows.map((row) => {
        const tags: Record<string, string> = {};
        const tagRows = this.db
          .stmt('SELECT "key", value FROM experiment_tags WHERE experiment_id = ?')
          .all(row.experiment_id) as { key: string; value: string | null }[];
        for (const t of tagRows) tags[t.key] = t.value ?? '';
        return {
          id: String(row.experiment_id),
          name: row.name,
          lifecycleStage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
          creationTime: row.creation_time ?? 0,
          lastUpdateTime: row.last_update_time ?? 0,
          tags,
        } satisfies Experiment;
      });
    });
  }

  async setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (id === '0' && stage === 'deleted') throw invalid(storeMessages.defaultExperimentUndeletable());
    await this.getExperiment(id);
    const now = Date.now();
    this.db.write(() => {
      this.db
        .stmt('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?')
        .run(stage, now, Number(id));
      // as MLflow's SQL store: the experiment's runs are deleted and restored with it
      this.db
        .stmt('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
        .run(stage, stage === 'deleted' ? now : null, Number(id));
    });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.getExperiment(id);
    this.db.write(() => this.putExperimentTag(id, key, value));
  }

  private putExperimentTag(id: string, key: string, value: string): void {
    this.db
      .stmt(
        `INSERT INTO experiment_tags ("key", value, experiment_id) VALUES (?, ?, ?)
      ON CONFLICT("key", experiment_id) DO UPDATE SET value = excluded.value`,
      )
      .run(key, value, Number(id));
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    const id = input.id ?? randomUUID().replaceAll('-', '');
    this.db.write(() => {
      if (this.db.stmt('SELECT 1 FROM runs WHERE run_uuid = ?').get(id)) {
        throw exists(storeMessages.runExists(id, this.db.path));
      }
      const exp = this.db
        .stmt('SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?')
        .get(Number(input.experimentId)) as { artifact_location: string | null; lifecycle_stage: string } | undefined;
      if (!exp) throw notFound(storeMessages.experimentMissing(input.experimentId, this.db.path));
      if (exp.lifecycle_stage === 'deleted') {
        throw badState(storeMessages.experimentDeletedNoRuns(input.experimentId));
      }
      const root = exp.artifact_location ?? this.newArtifactRoot(input.experimentId);
      this.db
        .stmt(
          `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,
        start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
        VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)`,
        )
        .run(
          id,
          input.name,
          input.user,
          input.startTime,
          `${root.replace(/\/+$/, '')}/${id}/artifacts`,
          Number(input.experimentId),
        );
      this.putTags(id, { 'mlflow.runName': input.name, ...input.tags });
    });
    return this.getRun(id);
  }

  async getRun(id: string): Promise<RunRecord> {
    const run = this.cache.get([id])[0];
    if (!run) throw notFound(storeMessages.runMissing(id, this.db.path));
    return run;
  }

  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    this.db.write(() => {
      this.activeRun(id);
      const set = (column: string, value: unknown): unknown =>
        this.db.stmt(`UPDATE runs SET ${column} = ? WHERE run_uuid = ?`).run(value, id);
      if (update.status !== undefined) set('status', update.status);
      if (update.endTime !== undefined) set('end_time', update.endTime);
      if (update.name !== undefined) {
        this.db.stmt('UPDATE runs SET name = ? WHERE run_uuid = ?').run(update.name, id);
        this.putTags(id, { 'mlflow.runName': update.name });
      }
    });
    return this.getRun(id);
  }

  async setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    this.db.write(() => {
      this.runStage(id);
      this.db
        .stmt('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?')
        .run(stage, stage === 'deleted' ? Date.now() : null, id);
    });
  }

  async logBatch(id: string, batch: RunBatch): Promise<void> {
    this.db.write(() => this.writeBatch(id, batch));
  }

  /** Params, tags and inputs of one batch; call inside a write transaction. */
  writeBatch(id: string, batch: RunBatch): void {
    const experimentId = this.activeRun(id);
    for (const [key, value] of Object.entries(batch.params ?? {})) {
      const old = this.db.stmt('SELECT value FROM params WHERE run_uuid = ? AND "key" = ?').get(id, key) as
        { value: string | null } | undefined;
      if (old === undefined) {
        this.db.stmt('INSERT INTO params ("key", value, run_uuid) VALUES (?, ?, ?)').run(key, value, id);
      } else if ((old.value ?? '') !== value) {
        throw paramChanged(key, id, old.value ?? '', value);
      }
    }
    if (batch.tags) this.putTags(id, batch.tags);
    if (batch.tags?.['mlflow.runName'] !== undefined) {
      this.db.stmt('UPDATE runs SET name = ? WHERE run_uuid = ?').run(batch.tags['mlflow.runName'], id);
    }
    for (const input of batch.inputs ?? []) this.putInput(id, experimentId, input);
  }

  private putTags(id: string, tags: Record<string, string>): void {
    const put = this.db.stmt(`INSERT INTO tags ("key", value, run_uuid) VALUES (?, ?, ?)
      ON CONFLICT("key", run_uuid) DO UPDATE SET value = excluded.value`);
    for (const [key, value] of Object.entries(tags)) put.run(key, value, id);
  }

  private putInput(runId: string, experimentId: number, input: DatasetInput): void {
    this.db
      .stmt(
        `INSERT OR IGNORE INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type,
      dataset_source, dataset_schema, dataset_profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        randomUUID().replaceAll('-', ''),
        experimentId,
        input.name,
        input.digest,
        input.sourceType,
        input.source,
        input.schema ?? null,
        input.profile ?? null,
      );
    const { dataset_uuid: datasetId } = this.db
      .stmt(
        `SELECT dataset_uuid FROM datasets
      WHERE experiment_id = ? AND name = ? AND digest = ?`,
      )
      .get(experimentId, input.name, input.digest) as { dataset_uuid: string };
    const inputId = randomUUID().replaceAll('-', '');
    const added = this.db
      .stmt(
        `INSERT OR IGNORE INTO inputs (input_uuid, source_type, source_id, destination_type,
      destination_id) VALUES (?, 'DATASET', ?, 'RUN', ?)`,
      )
      .run(inputId, datasetId, runId);
    if (added.changes === 1 && input.context !== undefined) {
      this.db
        .stmt("INSERT INTO input_tags (input_uuid, name, value) VALUES (?, 'mlflow.data.context', ?)")
        .run(inputId, input.context);
    }
  }

  async deleteTag(id: string, key: string): Promise<void> {
    this.db.write(() => {
      this.activeRun(id);
      const { changes } = this.db.stmt('DELETE FROM tags WHERE run_uuid = ? AND "key" = ?').run(id, key);
      if (changes === 0) throw notFound(storeMessages.tagMissing(id, key));
    });
  }

  /** The run's experiment id; throws when the run is missing or deleted. */
  activeRun(id: string): number {
    const row = this.runStage(id);
    if (row.lifecycle_stage === 'deleted') throw runDeleted(id);
    return row.experiment_id;
  }

  private runStage(id: string): { lifecycle_stage: string; experiment_id: number } {
    const row = this.db.stmt('SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?').get(id) as
      { lifecycle_stage: string; experiment_id: number } | undefined;
    if (!row) throw notFound(storeMessages.runMissing(id, this.db.path));
    return row;
  }

  async openRunWriter(id: string): Promise<RunWriter> {
    await this.getRun(id);
    return new SqliteRunWriter(id, this);
  }

  async getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    this.runStage(id);
    return loadHistory(this.db, id, key);
  }

  /** The full history (paged in by getMetricHistory), downsampled by the shared path. */
  async getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory> {
    return sampleHistory(await this.getMetricHistory(id, key), maxPoints);
  }

  async getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    this.runStage(id);
    return loadHistory(this.db, id);
  }

  async searchRuns(query: RunSearch): Promise<RunPage> {
    const maxResults = query.maxResults ?? MAX_RESULTS_DEFAULT;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
      throw invalid(msg.maxResults(maxResults, MAX_RESULTS_LIMIT));
    }
    const offset = query.pageToken ? decodePageToken(query.pageToken) : 0;
    const orderBy = parseOrderBy(query.orderBy ?? []);
    const view = query.view ?? 'ACTIVE_ONLY';
    parseFilter(query.filter ?? '');
    const sql = pageQuery(query.experimentIds, view, query.filter ?? '', orderBy, offset, maxResults + 1);
    if (sql === undefined) return this.searchInMemory(query, view);
    const ids = (this.db.stmt(sql.sql).all(...sql.params) as { id: string }[]).map((r) => r.id);
    const runs = this.cache.get(ids.slice(0, maxResults));
    return ids.length > maxResults ? { runs, nextPageToken: encodePageToken(offset + maxResults) } : { runs };
  }

  private searchInMemory(query: RunSearch, view: ViewType): RunPage {
    const stages = view === 'ALL' ? ['active', 'deleted'] : [view === 'ACTIVE_ONLY' ? 'active' : 'deleted'];
    const ids = (
      this.db
        .stmt(
          `SELECT run_uuid AS id FROM runs WHERE experiment_id IN (SELECT value FROM json_each(?))
      AND lifecycle_stage IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(query.experimentIds.map(Number)), JSON.stringify(stages)) as { id: string }[]
    ).map((r) => r.id);
    return searchRecords(this.cache.get(ids), query);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
