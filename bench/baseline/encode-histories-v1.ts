/**
 * The report's history encoding before chunks (kept as the same-run baseline of bench/report-histories.ts).
 * Encodes a run's metric histories for the site, each history once: the data file carries a series of at most `max`
 * points per metric (every point when the history is that short), and only histories longer than that also get a
 * full-resolution series, in a second file the page loads when a user downloads the CSV. Number -> text is the
 * hottest step of a large build, so each value's text is computed once (JSON.stringify's shortest round-trip form).
 */
import type { HistoryPoint } from '../../src/report/collect.js';
import { lttbIndices } from '../../src/report/downsample.js';
import { MAX_NON_FINITE, packColumn } from '../../src/report/downsample.js';
import { safeJson } from '../../src/report/safe-json.js';

function seriesJson(
  key: string,
  steps: number[],
  times: number[],
  t0: number,
  texts: string[],
  keep: readonly number[],
  total: number,
  bad: string,
): string {
  const pack = (xs: number[]): string => JSON.stringify(packColumn(keep.map((i) => xs[i] as number)));
  return (
    `{"key":${safeJson(key)},"steps":${pack(steps)},"t0":${t0},"times":${pack(times)},` +
    `"values":[${keep.map((i) => texts[i]).join(',')}],"total":${total}${bad}}`
  );
}

/**
 * `series[i]` is the JSON text of `toSeries(key, points, max)` with steps and times packed (`unpackSeries` reads it);
 * `full` holds the JSON texts of every point of the histories that were downsampled (null when none was).
 */
export function encodeHistories(
  histories: readonly { key: string; points: readonly HistoryPoint[] }[],
  max: number,
): { series: string[]; full: string[] | null } {
  const series: string[] = [];
  const full: string[] = [];
  for (const { key, points } of histories) {
    const sorted = [...points].sort((p, q) => p.step - q.step || p.timestamp - q.timestamp);
    const n = sorted.length;
    const t0 = sorted[0]?.timestamp ?? 0;
    const steps = new Array<number>(n);
    const times = new Array<number>(n);
    const values = new Array<number | null>(n);
    const texts = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const p = sorted[i] as HistoryPoint;
      steps[i] = p.step;
      times[i] = p.timestamp - t0;
      const finite = Number.isFinite(p.value);
      values[i] = finite ? p.value : null;
      texts[i] = finite ? String(p.value) : 'null';
    }
    const all = sorted.map((_, i) => i);
    const keep = n > max ? lttbIndices(steps, values, max) : all;
    const badAt = all.filter((i) => values[i] === null).slice(0, MAX_NON_FINITE);
    const bad =
      badAt.length > 0
        ? `,"nonFinite":[${badAt.map((i) => `[${steps[i]},"${String(sorted[i]?.value)}"]`).join(',')}]`
        : '';
    series.push(seriesJson(key, steps, times, t0, texts, keep, n, bad));
    if (n > max)
      full.push(
        seriesJson(
          key,
          steps,
          times,
          t0,
          texts.map((t, i) => (t === 'null' ? `"${String(sorted[i]?.value)}"` : t)),
          all,
          n,
          '',
        ),
      );
  }
  return { series, full: full.length > 0 ? full : null };
}
