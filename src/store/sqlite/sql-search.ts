/**
 * MLflow's search_runs as one SQL query: the filter, the order (with MLflow's tie-breakers and NaN/missing ranks) and
 * the page are computed by SQLite, then only the page's runs are read. Parsing is src/core/search's, so a bad query
 * fails with the same message on every backend. Clauses SQL cannot say exactly (dataset keys, a metric compared with a
 * non-finite number or DBL_MAX, which MLflow stores for Infinity) return undefined: the caller then searches in memory
 * with src/core/search, which gives the same answers.
 *
 * Strings order by code point (SQLite's BINARY collation on UTF-8); src/core/search orders by UTF-16 unit. They
 * differ only between characters above U+FFFF and those in U+E000..U+FFFF.
 */
import type { ViewType } from '../../core/entities.js';
import type { FilterClause, OrderByClause } from '../../core/search/index.js';
import { parseFilter } from '../../core/search/index.js';

/** A query's SQL and its parameters, in order. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

const STAGES: Record<ViewType, readonly string[]> = {
  ACTIVE_ONLY: ['active'],
  DELETED_ONLY: ['deleted'],
  ALL: ['active', 'deleted'],
};

const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_name: "COALESCE(r.name, '')",
  user_id: 'r.user_id',
  status: 'r.status',
  experiment_id: 'CAST(r.experiment_id AS TEXT)',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/**
 * The SQL selecting the run ids of one page, or undefined when some clause has no exact SQL form.
 * `limit` is one more than the page size, so the caller learns whether a next page exists.
 */
export function pageQuery(
  experimentIds: readonly string[],
  view: ViewType,
  filter: string,
  orderBy: readonly OrderByClause[],
  offset: number,
  limit: number,
): SqlQuery | undefined {
  const params: unknown[] = [JSON.stringify(experimentIds.map(Number)), JSON.stringify(STAGES[view])];
  const where = [
    'r.experiment_id IN (SELECT value FROM json_each(?))',
    'r.lifecycle_stage IN (SELECT value FROM json_each(?))',
  ];
  for (const clause of parseFilter(filter).clauses) {
    const sql = clauseSql(clause, params);
    if (sql === undefined) return undefined;
    where.push(sql);
  }
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const order: string[] = [];
  orderBy.forEach((c, i) => orderSql(c, i, joins, order, joinParams));
  if (!orderBy.some((c) => c.kind === 'attribute' && c.key === 'start_time')) {
    order.push('(r.start_time IS NULL) ASC', 'r.start_time DESC');
  }
  order.push('r.run_uuid ASC');
  const sql = `SELECT r.run_uuid AS id FROM runs r ${joins.join(' ')} WHERE ${where.join(' AND ')}
    ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...joinParams, ...params, limit, offset] };
}

function clauseSql(clause: FilterClause, params: unknown[]): string | undefined {
  if (clause.kind === 'dataset') return undefined;
  if (clause.type === 'number') {
    const v = clause.value;
    if (!Number.isFinite(v) || Math.abs(v) === Number.MAX_VALUE) return undefined;
    if (clause.kind === 'attribute') {
      params.push(v);
      return `${ATTRIBUTE_COLUMNS[clause.key]} ${clause.comparator} ?`;
    }
    params.push(clause.key, v);
    const test =
      clause.comparator === '!=' ? '(m.is_nan = 1 OR m.value != ?)' : `m.is_nan = 0 AND m.value ${clause.comparator} ?`;
    return `EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid AND m."key" = ? AND ${test})`;
  }
  if (clause.kind === 'attribute') return stringTest(ATTRIBUTE_COLUMNS[clause.key] as string, clause, params);
  const table = clause.kind === 'param' ? 'params' : 'tags';
  params.push(clause.key);
  const test = stringTest("COALESCE(x.value, '')", clause, params);
  return `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_uuid = r.run_uuid AND x."key" = ? AND ${test})`;
}

function stringTest(column: string, clause: FilterClause, params: unknown[]): string {
  if (clause.type === 'list') {
    params.push(JSON.stringify(clause.value));
    return `${column} ${clause.comparator} (SELECT value FROM json_each(?))`;
  }
  params.push(clause.value);
  switch (clause.comparator) {
    case 'LIKE':
      return `tracklab_like(?, ${column}, 0)`;
    case 'ILIKE':
      return `tracklab_like(?, ${column}, 1)`;
    default:
      return `${column} ${clause.comparator} ?`;
  }
}

/** Adds the ORDER BY terms of one clause: rank (0 a value, 1 NaN, 2 missing; ascending both ways), then the value. */
function orderSql(c: OrderByClause, i: number, joins: string[], order: string[], params: unknown[]): void {
  const dir = c.ascending ? 'ASC' : 'DESC';
  if (c.kind === 'attribute') {
    const column = ATTRIBUTE_COLUMNS[c.key] as string;
    order.push(`(${column} IS NULL) ASC`, `${column} ${dir}`);
    return;
  }
  const alias = `o${i}`;
  const table = c.kind === 'metric' ? 'latest_metrics' : c.kind === 'param' ? 'params' : 'tags';
  joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}."key" = ?`);
  params.push(c.key);
  if (c.kind === 'metric') {
    order.push(
      `(CASE WHEN ${alias}.run_uuid IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END) ASC`,
      `${alias}.value ${dir}`,
    );
  } else {
    order.push(`(${alias}.run_uuid IS NULL) ASC`, `COALESCE(${alias}.value, '') ${dir}`);
  }
}
