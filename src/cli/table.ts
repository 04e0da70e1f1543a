import { escapeControl } from './terminal-text.js';

// tab, newline and every character escapeControl rewrites: most cells hold none, and a test costs less than 2 replaces
const SPECIAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A plain text table for terminals: columns padded to their widest cell, long cells cut with an ellipsis. */
export function formatTable(header: string[], rows: string[][], maxWidth = 40): string {
  const cut = (s: string): string => {
    const flat = SPECIAL.test(s) ? escapeControl(s.replace(/[\r\n\t]+/g, ' ')) : s;
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
