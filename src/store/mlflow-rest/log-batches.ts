/**
 * Splits what a run logs into `runs/log-batch` requests within MLflow's limits: 1,000 metrics, 100 params, 100 tags,
 * 1,000 items in all and about 1 MB of JSON per request.
 */
import { metricValue, type KeyValue } from './convert.js';

export interface PendingPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface LogBatchBody {
  metrics: { key: string; value: number | string; step: number; timestamp: number }[];
  params: KeyValue[];
  tags: KeyValue[];
}

const MAX_METRICS = 1000;
const MAX_PARAMS = 100;
const MAX_TAGS = 100;
const MAX_ITEMS = 1000;
/** below MLflow's 1 MB request limit, leaving room for the envelope */
const MAX_BYTES = 900_000;

/** The requests for `params`, `tags` and `points`, params and tags first (a run's search fields land early). */
export function splitLogBatches(
  points: readonly PendingPoint[],
  params: KeyValue[] = [],
  tags: KeyValue[] = [],
): LogBatchBody[] {
  const batches: LogBatchBody[] = [];
  let current: LogBatchBody = { metrics: [], params: [], tags: [] };
  let bytes = 0;
  const push = (size: number, fits: (b: LogBatchBody) => boolean): void => {
    const items = current.metrics.length + current.params.length + current.tags.length;
    if (items >= MAX_ITEMS || bytes + size > MAX_BYTES || !fits(current)) {
      batches.push(current);
      current = { metrics: [], params: [], tags: [] };
      bytes = 0;
    }
    bytes += size;
  };
  for (const p of params) {
    push(p.key.length + p.value.length + 24, (b) => b.params.length < MAX_PARAMS);
    current.params.push(p);
  }
  for (const t of tags) {
    push(t.key.length + t.value.length + 24, (b) => b.tags.length < MAX_TAGS);
    current.tags.push(t);
  }
  for (const p of points) {
    push(p.key.length + 80, (b) => b.metrics.length < MAX_METRICS);
    current.metrics.push({ key: p.key, value: metricValue(p.value), step: p.step, timestamp: p.timestamp });
  }
  if (current.metrics.length + current.params.length + current.tags.length > 0) batches.push(current);
  return batches;
}
