import { escapeControl } from './terminal-text.js';

/** A plain text table for terminals: columns padded to their widest cell, long cells cut with an ellipsis. */
export function formatTable(header: string[], rows: string[][], maxWidth = 40): string {
  const cut = (s: string): string => {
    const flat = escapeControl(s.replace(/[\r\n\t]+/g, ' '));
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  const cells = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
