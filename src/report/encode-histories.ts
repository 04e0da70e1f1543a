/**
 * Encodes a run's metric histories once for both published forms: the full CSV and the downsampled series of the
 * data file. Number -> text is the hottest step of a large build, so each value's text is computed once and shared
 * (JavaScript's shortest round-trip form, the same text JSON.stringify writes).
 */
import type { HistoryPoint } from './collect.js';
import { lttbIndices } from './downsample.js';
import { safeJson } from './safe-json.js';

const quoteCsv = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `{ csv, series }` where `series[i]` is the JSON text of `toSeries(key, points, max)`. */
export function encodeHistories(histories: readonly { key: string; points: readonly HistoryPoint[] }[], max: number): { csv: string; series: string[] } {
  let csv = 'key,step,timestamp,value\n';
  const series: string[] = [];
  for (const { key, points } of histories) {
    const sorted = [...points].sort((p, q) => p.step - q.step || p.timestamp - q.timestamp);
    const k = quoteCsv(key);
    const steps = new Array<number>(sorted.length);
    const values = new Array<number | null>(sorted.length);
    const texts = new Array<string>(sorted.length);
    for (let i = 0; i < sorted.length; i++) {
      const p = sorted[i] as HistoryPoint;
      const text = String(p.value);
      steps[i] = p.step;
      values[i] = Number.isFinite(p.value) ? p.value : null;
      texts[i] = text;
      csv += `${k},${p.step},${p.timestamp},${text}\n`;
    }
    const keep = sorted.length > max ? lttbIndices(steps, values, max) : sorted.map((_, i) => i);
    const t0 = sorted[0]?.timestamp ?? 0;
    series.push(
      `{"key":${safeJson(key)},"steps":[${keep.map((i) => steps[i]).join(',')}],"t0":${t0},` +
      `"times":[${keep.map((i) => (sorted[i] as HistoryPoint).timestamp - t0).join(',')}],` +
      `"values":[${keep.map((i) => (values[i] === null ? 'null' : texts[i])).join(',')}],"total":${sorted.length}}`,
    );
  }
  return { csv, series };
}
