/**
 * What a parent run shows of its child runs (a sweep): how many, and the best child by one metric. %runs puts it in
 * a column of the parent's row; a parent's %end_run summary adds a table of its children with the best one in bold.
 */
import type { Run } from '../core/entities.js';
import { formatNumber as fmt } from '../core/format.js';
import { escapeHtml as esc } from '../core/html-escape.js';
import { table, type HtmlCell } from './html.js';

/** The metric children are ranked by, and whether lower is better. */
export interface Ranking {
  key: string;
  lowerIsBetter: boolean;
}

export interface Best {
  run: Run;
  value: number;
  ranking: Ranking;
}

// a metric whose name says it measures a cost is minimised; anything else (accuracy, f1, auc, r2, reward) maximised
const COST = /(loss|err|mse|mae|mape|perplexity|cost|regret|time|latency|duration)/i;

/** Children of each parent among `runs`, keyed by the parent's id, in the order given. */
export function childrenByParent(runs: readonly Run[]): Map<string, Run[]> {
  const out = new Map<string, Run[]>();
  for (const r of runs) {
    if (!r.parentRunId || r.parentRunId === r.id) continue;
    const list = out.get(r.parentRunId);
    if (list) list.push(r);
    else out.set(r.parentRunId, [r]);
  }
  return out;
}

/**
 * The metric to rank by: the first `metrics.X [ASC|DESC]` of an order-by (ASC by default, as MLflow), else the metric
 * most children logged (the alphabetically first on a tie), minimised when its name says it is a cost.
 *
 * @example rankingFor(children, ['metrics.acc DESC']) // { key: 'acc', lowerIsBetter: false }
 */
export function rankingFor(children: readonly Run[], orderBy?: readonly string[]): Ranking | undefined {
  for (const clause of orderBy ?? []) {
    const m = /^\s*metrics\.(`[^`]+`|"[^"]+"|\S+)\s*(asc|desc)?\s*$/i.exec(clause);
    if (m) return { key: m[1]!.replace(/^[`"]|[`"]$/g, ''), lowerIsBetter: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
  }
  const counts = new Map<string, number>();
  for (const r of children) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const [key] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? [];
  return key === undefined ? undefined : { key, lowerIsBetter: COST.test(key) };
}

/** The child with the best latest value of the ranking's metric; children without a finite value are passed over. */
export function bestChild(children: readonly Run[], ranking: Ranking | undefined): Best | undefined {
  if (!ranking) return undefined;
  let best: Best | undefined;
  for (const run of children) {
    const value = run.metrics[ranking.key];
    if (value === undefined || !Number.isFinite(value)) continue;
    const better = !best || (ranking.lowerIsBetter ? value < best.value : value > best.value);
    if (better) best = { run, value, ranking };
  }
  return best;
}

const bestText = (b: Best): string =>
  `${b.ranking.lowerIsBetter ? 'lowest' : 'highest'} ${b.ranking.key} ${fmt(b.value)} in ${b.run.name}`;

/** The %runs cell of a parent: `3 (best: lowest loss 0.12 in lr-0.1)`; '' for a run without children. */
export function childrenCell(children: readonly Run[] | undefined, orderBy?: readonly string[]): string {
  if (!children || children.length === 0) return '';
  const best = bestChild(children, rankingFor(children, orderBy));
  return best ? `${children.length} (best: ${bestText(best)})` : String(children.length);
}

/** Rows the parent's summary lists before it says how many more there are. */
const MAX_ROWS = 25;
/** Metric columns the children table shows, the ranking metric first. */
const MAX_METRICS = 6;

/**
 * The children part of a parent's %end_run summary: a caption with the count, statuses and the best child, and one
 * row per child (its status and latest metrics; params that differ between children), best first and in bold.
 */
export function childrenTableHtml(children: readonly Run[], shortId: (id: string) => string): string {
  if (children.length === 0) return '';
  const ranking = rankingFor(children);
  const best = bestChild(children, ranking);
  const metricKeys = [...new Set(children.flatMap((r) => Object.keys(r.metrics)))].sort();
  const keys = ranking ? [ranking.key, ...metricKeys.filter((k) => k !== ranking.key)] : metricKeys;
  const shownMetrics = keys.slice(0, MAX_METRICS);
  const paramKeys = [...new Set(children.flatMap((r) => Object.keys(r.params)))]
    .sort()
    .filter((k) => new Set(children.map((r) => r.params[k])).size > 1);
  const rows = leaderboard(children, ranking)
    .slice(0, MAX_ROWS)
    .map((r) => {
      const cells: HtmlCell[] = [
        r.name,
        { html: `<code>${esc(shortId(r.id))}</code>` },
        r.status,
        ...shownMetrics.map((k) => fmt(r.metrics[k])),
        ...paramKeys.map((k) => r.params[k]),
      ];
      return r === best?.run ? cells.map(bold) : cells;
    });
  const headers = ['child', 'id', 'status', ...shownMetrics, ...paramKeys.map((k) => `params.${k}`)];
  return table(headers, rows, childrenCaption(children, best, rows.length));
}

/** Children best first by the ranking metric; those without a finite value keep their order, last. */
function leaderboard(children: readonly Run[], ranking: Ranking | undefined): Run[] {
  if (!ranking) return [...children];
  const score = (r: Run): number => {
    const v = r.metrics[ranking.key];
    if (v === undefined || !Number.isFinite(v)) return Infinity;
    return ranking.lowerIsBetter ? v : -v;
  };
  return children
    .map((r, i) => ({ r, i, s: score(r) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.r);
}

function childrenCaption(children: readonly Run[], best: Best | undefined, shown: number): string {
  const statuses = new Map<string, number>();
  for (const r of children) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const counts = [...statuses].map(([s, n]) => `${n} ${s}`).join(', ');
  const more = shown < children.length ? `; showing ${shown} of ${children.length}` : '';
  const noun = `${children.length} child run${children.length === 1 ? '' : 's'}`;
  return `${noun} (${counts})${best ? `; best: ${bestText(best)}` : ''}${more}`;
}

const bold = (c: HtmlCell): HtmlCell => ({
  html: `<b>${c !== null && typeof c === 'object' ? c.html : esc(c ?? '')}</b>`,
});
