/**
 * Metric histories of many runs at once from an MLflow server: `metrics/get-history-bulk` (the endpoint MLflow's web
 * UI uses for charts; one SQL query for one key of up to 100 runs, at most 25,000 points per answer) with a bounded
 * number of requests in flight. Servers without it are read one history at a time, with the same result.
 */
import type { MetricPoint } from '../../core/entities.js';
import type { TracklabError } from '../../core/errors.js';
import { toPoint, type RestMetric } from './convert.js';
import type { RestClient } from './rest-client.js';

/** MLflow's limits for get-history-bulk. */
const RUNS_PER_REQUEST = 100;
const MAX_POINTS = 25_000;
/** requests in flight: enough to hide latency, few enough not to crowd a server's workers */
const IN_FLIGHT = 4;

export interface HistoryReader {
  readonly client: RestClient;
  /** one history, paged (the fallback) */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
}

/** Whether each server offers the bulk endpoint, learnt on first use. */
const bulkSupport = new WeakMap<RestClient, boolean>();

/**
 * Every point of `keys` in each of `runIds`, by run id, each run's points ordered by timestamp then step (as
 * `getAllMetricHistories`). A run without a key simply has no points of it.
 */
export async function readHistories(
  reader: HistoryReader,
  runIds: readonly string[],
  keys: readonly string[],
): Promise<Map<string, MetricPoint[]>> {
  const out = new Map<string, MetricPoint[]>(runIds.map((id) => [id, []]));
  const sorted = [...new Set(runIds)].sort();
  const tasks: (() => Promise<void>)[] = [];
  for (const key of keys) {
    for (let i = 0; i < sorted.length; i += RUNS_PER_REQUEST) {
      const chunk = sorted.slice(i, i + RUNS_PER_REQUEST);
      tasks.push(async () => {
        for (const [id, points] of await readKey(reader, chunk, key)) out.get(id)?.push(...points);
      });
    }
  }
  await pool(tasks, IN_FLIGHT);
  for (const points of out.values()) points.sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
  return out;
}

/** One key of up to 100 runs (sorted ids), continuing after answers cut at MLflow's 25,000 points. */
async function readKey(reader: HistoryReader, runIds: string[], key: string): Promise<Map<string, MetricPoint[]>> {
  const found = new Map<string, MetricPoint[]>();
  let rest = runIds;
  while (rest.length > 0) {
    const metrics = bulkSupport.get(reader.client) === false ? undefined : await bulk(reader.client, rest, key);
    if (metrics === undefined) {
      for (const id of rest) found.set(id, await reader.getMetricHistory(id, key));
      return found;
    }
    const last = metrics.length >= MAX_POINTS ? metrics[metrics.length - 1]?.run_id : undefined;
    for (const m of metrics) {
      if (m.run_id === last) continue; // cut short: read again below
      let list = found.get(m.run_id);
      if (!list) found.set(m.run_id, (list = []));
      list.push(toPoint(m));
    }
    if (last === undefined) return found;
    if (last === rest[0]) {
      // one run holds more than one answer: page through it alone
      found.set(last, await reader.getMetricHistory(last, key));
      rest = rest.slice(1);
    } else {
      rest = rest.slice(rest.indexOf(last));
    }
  }
  return found;
}

type BulkMetric = RestMetric & { run_id: string };

/** Undefined when the server has no such endpoint (remembered for the rest of the session). */
async function bulk(client: RestClient, runIds: string[], key: string): Promise<BulkMetric[] | undefined> {
  try {
    const res = await client.ajax<{ metrics?: BulkMetric[] }>('metrics/get-history-bulk', {
      run_id: runIds,
      metric_key: key,
      max_results: MAX_POINTS,
    });
    bulkSupport.set(client, true);
    return res.metrics ?? [];
  } catch (error) {
    if ((error as TracklabError).code !== 'RESOURCE_DOES_NOT_EXIST' || bulkSupport.get(client)) throw error;
    bulkSupport.set(client, false);
    return undefined;
  }
}

/** Runs `tasks` with at most `limit` at a time; the first failure rejects once the running ones settle. */
export async function pool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await (tasks[next++] as () => Promise<void>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
