/**
 * Reads runs out of MLflow's tables into tracklab's RunRecord: a fixed number of statements for any number of runs
 * (ids passed as one JSON array), so a page of 1,000 runs costs six queries, not six thousand.
 */
import type { DatasetInput, MetricPoint, MetricSummary, RunRecord, RunStatus } from '../../core/entities.js';
import type { SqliteDb } from './sqlite-db.js';

/** MLflow's SQL store keeps +-Infinity as +-DBL_MAX; they read back as what was logged. */
export const fromStored = (value: number, isNan: number): number =>
  isNan ? Number.NaN : value >= Number.MAX_VALUE ? Infinity : value <= -Number.MAX_VALUE ? -Infinity : value;

/** The stored form of a metric value, as MLflow's SqlAlchemyStore writes it. */
export function toStored(value: number): [number, number] {
  if (Number.isNaN(value)) return [0, 1];
  if (value === Infinity) return [Number.MAX_VALUE, 0];
  if (value === -Infinity) return [-Number.MAX_VALUE, 0];
  return [value, 0];
}

interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number;
  deleted_time: number | null;
}
interface KeyValueRow {
  run_uuid: string;
  key: string;
  value: string | null;
}
interface LatestRow {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  is_nan: number;
}
interface SummaryRow {
  run_uuid: string;
  key: string;
  lo: number | null;
  hi: number | null;
  n: number;
}
interface InputRow {
  run_uuid: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
  context: string | null;
}

const IDS = '(SELECT value FROM json_each(?))';

/** The runs with these ids, in the same order; ids not in the database are left out. */
export function loadRuns(db: SqliteDb, ids: readonly string[]): RunRecord[] {
  if (ids.length === 0) return [];
  const json = JSON.stringify(ids);
  return db.read(() => {
    const records = new Map<string, RunRecord>();
    const rows = db
      .stmt(
        `SELECT run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri,
      experiment_id, deleted_time FROM runs WHERE run_uuid IN ${IDS}`,
      )
      .all(json) as RunRow[];
    for (const row of rows) records.set(row.run_uuid, toRecord(row));
    const get = (id: string): RunRecord => records.get(id) as RunRecord;
    for (const table of ['params', 'tags'] as const) {
      const sql = `SELECT run_uuid, "key", value FROM ${table} WHERE run_uuid IN ${IDS}`;
      const rows = db.stmt(sql).all(json) as KeyValueRow[];
      for (const r of rows) get(r.run_uuid)[table][r.key] = r.value ?? '';
    }
    addMetrics(db, json, get);
    for (const r of db.stmt(INPUTS_SQL).all(json) as InputRow[]) get(r.run_uuid).inputs.push(toInput(r));
    for (const record of records.values()) record.name ||= record.tags['mlflow.runName'] ?? '';
    return ids.flatMap((id) => records.get(id) ?? []);
  });
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.run_uuid,
    experimentId: String(row.experiment_id),
    name: row.name ?? '',
    status: (row.status ?? 'RUNNING') as RunStatus,
    startTime: row.start_time ?? 0,
    endTime: row.end_time,
    lifecycleStage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    deletedTime: row.deleted_time,
    user: row.user_id ?? '',
    params: {},
    tags: {},
    metrics: {},
    inputs: [],
    artifactUri: row.artifact_uri ?? '',
  };
}

/** Latest values from latest_metrics; min, max and count (beyond MLflow) from the history, NaN points left out. */
function addMetrics(db: SqliteDb, json: string, get: (id: string) => RunRecord): void {
  const latest = db
    .stmt(
      `SELECT run_uuid, "key", value, timestamp, step, is_nan FROM latest_metrics
    WHERE run_uuid IN ${IDS}`,
    )
    .all(json) as LatestRow[];
  for (const r of latest) {
    const value = fromStored(r.value, r.is_nan);
    const timestamp = r.timestamp ?? 0;
    get(r.run_uuid).metrics[r.key] = { value, step: r.step, timestamp, min: value, max: value, count: 1 };
  }
  const summaries = db
    .stmt(
      `SELECT run_uuid, "key", MIN(CASE WHEN is_nan = 0 THEN value END) AS lo,
    MAX(CASE WHEN is_nan = 0 THEN value END) AS hi, COUNT(*) AS n FROM metrics WHERE run_uuid IN ${IDS}
    GROUP BY run_uuid, "key"`,
    )
    .all(json) as SummaryRow[];
  for (const r of summaries) {
    const s: MetricSummary | undefined = get(r.run_uuid).metrics[r.key];
    if (!s) continue;
    s.min = r.lo === null ? Number.NaN : fromStored(r.lo, 0);
    s.max = r.hi === null ? Number.NaN : fromStored(r.hi, 0);
    s.count = r.n;
  }
}

const INPUTS_SQL = `SELECT i.destination_id AS run_uuid, d.name, d.digest, d.dataset_source_type AS source_type,
  d.dataset_source AS source, d.dataset_schema AS schema, d.dataset_profile AS profile,
  (SELECT t.value FROM input_tags t WHERE t.input_uuid = i.input_uuid AND t.name = 'mlflow.data.context') AS context
  FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
  WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' AND i.destination_id IN ${IDS}
  ORDER BY i.rowid`;

function toInput(r: InputRow): DatasetInput {
  const input: DatasetInput = { name: r.name, digest: r.digest, sourceType: r.source_type, source: r.source };
  if (r.schema !== null) input.schema = r.schema;
  if (r.profile !== null) input.profile = r.profile;
  if (r.context !== null) input.context = r.context;
  return input;
}

type PointRow = [key: string, value: number, step: number, timestamp: number, isNan: number];

const HISTORY_SQL = 'SELECT "key", value, step, timestamp, is_nan FROM metrics WHERE run_uuid = ?';

/** Every point of a run's metrics (of one key when given), in logging order (rowid), as MLflow stores them. */
export function loadHistory(db: SqliteDb, runId: string, key?: string): MetricPoint[] {
  // rows as arrays: no object per row before the point is built
  const rows = (
    key === undefined
      ? db.stmt(`${HISTORY_SQL} ORDER BY rowid`, true).all(runId)
      : db.stmt(`${HISTORY_SQL} AND "key" = ? ORDER BY rowid`, true).all(runId, key)
  ) as PointRow[];
  const points = new Array<MetricPoint>(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i] as PointRow;
    points[i] = { key: r[0], value: r[4] ? Number.NaN : fromStored(r[1], 0), step: r[2], timestamp: r[3] };
  }
  return points;
}
