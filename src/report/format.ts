/**
 * Value formatting shared by the server-rendered pages and the browser bundle (no Node imports here).
 * Everything is UTC and locale-free so two builds give the same bytes on any machine.
 */

export { formatDuration, formatNumber, formatShort, formatTime } from '../core/format.js';
export { decodeValue, encodeValue } from '../charts/values.js';

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
