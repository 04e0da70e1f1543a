/** HTML for inline displays. Every user value goes through `esc`; nothing user-controlled lands in a tag or attribute name. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** @example esc('<img src=x onerror=alert(1)>') // '&lt;img src=x onerror=alert(1)&gt;' */
export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

export type Cell = string | number | null | undefined | { html: string };

const cell = (c: Cell): string => (c !== null && typeof c === 'object' ? c.html : esc(c ?? ''));

/** A table; cells are escaped unless given as `{ html }` (already safe markup built here). */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): string {
  const head = `<tr>${headers.map((h) => `<th style="text-align:left">${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td style="text-align:left">${cell(c)}</td>`).join('')}</tr>`).join('');
  const cap = caption === undefined ? '' : `<caption style="text-align:left;font-weight:bold">${esc(caption)}</caption>`;
  return `<table class="tracklab">${cap}<thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A number as a short string: integers as they are, others to 4 significant digits. */
export function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  return Number(n.toPrecision(4)).toString();
}

/** Duration between two ms timestamps, e.g. "1.2 s" or "3 min 4 s". */
export function duration(start: number, end: number | null): string {
  if (end === null) return '';
  const s = (end - start) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A local time like 2026-01-31 14:05:09. */
export function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A chart's SVG as an HTML image with a data URI: shown by every front end and kept by nbconvert (whose HTML export
 * strips the elements of image/svg+xml outputs). The SVG is vega's own output; user text inside it is escaped by vega.
 */
export function svgAsImage(svg: string, alt = 'chart'): string {
  return `<img class="tracklab-chart" alt="${esc(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}
