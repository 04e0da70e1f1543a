/**
 * Value formatting shared by the server-rendered pages and the browser bundle (no Node imports here).
 * Everything is UTC and locale-free so two builds give the same bytes on any machine.
 */

import { formatNumber } from '../core/format.js';

export { formatDuration, formatNumber, formatTime } from '../core/format.js';
export { decodeValue, encodeValue } from '../charts/values.js';

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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Only http(s) URLs become live links. */
export function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url.trim()) && !/[\u0000-\u001f]/.test(url);
}
