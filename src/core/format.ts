/**
 * How tracklab shows times, durations and metric values to people, in the CLI, the kernel's displays and the report.
 * Pure and free of Node imports (the report's browser bundle uses it too). UTC and locale-free, so two builds of a
 * report give the same bytes on any machine and the CLI and a notebook show the same text for the same run.
 */

/**
 * The text of a value read from untyped JSON (a notebook, a Jupyter message, a model file): strings as they are,
 * numbers and booleans printed, anything else the fallback (never `[object Object]`).
 *
 * @example textOf(3) // '3' ; textOf({ a: 1 }, '?') // '?'
 */
export function textOf(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : fallback;
}

/**
 * A timestamp in ms as `2024-05-01 12:30:05 UTC`; '' when unknown.
 *
 * @example formatTime(0) // '' ; formatTime(1714566605000) // '2024-05-01 12:30:05 UTC'
 */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A duration in ms: `120ms`, `4.2s`, `3m 05s`, `1h 02m`; '' when unknown (a run that has not ended).
 *
 * @example formatDuration(185_000) // '3m 05s'
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(sec).padStart(2, '0')}s`;
}

/**
 * How long a run took, from its start and end times; '' while it runs.
 *
 * @example formatRunDuration(1000, 5200) // '4.2s'
 */
export function formatRunDuration(startTime: number, endTime: number | null): string {
  return endTime === null ? '' : formatDuration(Math.max(0, endTime - startTime));
}

/**
 * A metric value: integers as they are, others to 6 significant digits (exponent form when very small or large),
 * NaN and infinities spelled out; '' when missing.
 *
 * @example formatNumber(1 / 3) // '0.333333' ; formatNumber(NaN) // 'NaN'
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/**
 * Table and axis form: 4 significant digits, no trailing zeros, exponent only for very small or large values.
 *
 * @example formatShort(0.912345) // "0.9123"; formatShort(123456.7) // "123457"
 */
export function formatShort(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return value.toExponential(2);
  if (abs >= 1e4) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}
