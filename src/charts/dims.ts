/** Which params and metrics a run chart plots: the params that move the main metric most come first. */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartRun, Dim } from './common.js';
import { decodeValue } from './values.js';

/**
 * Params ordered by how much they move a metric: the spread between the mean metric of each param value, largest
 * first (params with one value left out). Charts pick their params from the front of this list.
 */
export function rankParams(runs: readonly ChartRun[], metric: string): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const spreads: { key: string; spread: number }[] = [];
  for (const key of keys) {
    const groups = new Map<string, number[]>();
    for (const r of runs) {
      const p = r.params[key];
      const m = decodeValue(r.metrics[metric]);
      if (p === undefined || p === '' || m === undefined || !Number.isFinite(m)) continue;
      const group = groups.get(p);
      if (group) group.push(m);
      else groups.set(p, [m]);
    }
    if (groups.size < 2) continue;
    const means = [...groups.values()].map((g) => g.reduce((a, b) => a + b, 0) / g.length);
    spreads.push({ key, spread: Math.max(...means) - Math.min(...means) });
  }
  return spreads.sort((a, b) => b.spread - a.spread || (a.key < b.key ? -1 : 1)).map((s) => s.key);
}

/**
 * The param that explains most of the metric: scatter plots default to it, so the first chart answers "what mattered?".
 */
export const mostVaryingParam = (runs: readonly ChartRun[], metric: string): string | null =>
  rankParams(runs, metric)[0] ?? null;

/**
 * The dimensions worth plotting: params that vary (up to `maxParams`; those that move `metric` most when given, else
 * in key order) then metrics, in key order.
 */
export function chooseDims(runs: readonly ChartRun[], maxParams = 8, maxMetrics = 8, metric?: string): Dim[] {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const ranked = metric ? rankParams(runs, metric) : [];
  const varying = [
    ...ranked,
    ...paramKeys.filter((k) => !ranked.includes(k) && new Set(runs.map((r) => r.params[k])).size > 1),
  ];
  return [
    ...varying.slice(0, maxParams).map((key) => ({ kind: 'param' as const, key })),
    ...metricKeys.slice(0, maxMetrics).map((key) => ({ kind: 'metric' as const, key })),
  ];
}

/** True when a parsed JSON artifact looks like a vega-lite spec we can draw. */
export function isVegaLiteSpec(value: unknown): value is TopLevelSpec {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const schema = (value as { $schema?: unknown }).$schema;
  return typeof schema === 'string' && /vega-lite/.test(schema);
}
