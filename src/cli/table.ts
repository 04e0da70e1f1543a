import { escapeControl } from './terminal-text.js';

/** A plain text table for terminals: columns padded to their widest cell, long cells cut with an ellipsis. */
export function formatTable(header: string[], rows: string[][], maxWidth = 40): string {
  const cut = (s: string): string => {
    const flat = escapeControl(s.replace(/[\r\n\t]+/g, ' '));
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  const cells = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function formatTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatDuration(start: number, end: number | null): string {
  if (end === null) return '';
  const s = Math.max(0, (end - start) / 1000);
  return s < 60 ? `${s.toFixed(1)}s` : s < 3600 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${(s / 3600).toFixed(1)}h`;
}
