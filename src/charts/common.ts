/** What every spec shares: the schema, a fitted frame, the number format, and the per-run facts of run charts. */
import { decodeValue } from './values.js';

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The per-run facts the charts use. Metric values may be encoded non-finite strings ("NaN"). */
export interface ChartRun {
  id: string;
  label: string;
  params: Record<string, string>;
  metrics: Record<string, number | string>;
  /** the run's status; FAILED and KILLED runs rank after the rest wherever a chart says "best first" */
  status?: string;
}

export type Dim = { kind: 'param' | 'metric'; key: string };

export const dimTitle = (d: Dim): string => `${d.kind === 'param' ? 'params' : 'metrics'}.${d.key}`;

/** Raw value of a dimension: a finite number, a string (categorical param) or undefined. */
export function dimValue(run: ChartRun, d: Dim): number | string | undefined {
  if (d.kind === 'metric') {
    const v = decodeValue(run.metrics[d.key]);
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  }
  const p = run.params[d.key];
  if (p === undefined || p === '') return undefined;
  const n = Number(p);
  return p.trim() !== '' && Number.isFinite(n) ? n : p;
}

/** Makes labels unique so two runs with one name stay two bars / two lines. */
export function uniqueLabels<T extends { label: string }>(runs: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const n = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, n);
    return n === 1 ? r : { ...r, label: `${r.label} (${n})` };
  });
}

/** The frame of a chart: fitted to `width` x `height`, axes and labels inside it. */
export const base = (width: number, height: number) =>
  ({
    $schema: SCHEMA,
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    config: { view: { stroke: null }, axis: { labelLimit: 160 } },
  }) as const;

/** Axis number format: 4 significant digits without trailing zeros (never `0.000000`). */
export const NUM = '.4~g';
