/**
 * HTML for inline displays. Every user value goes through escapeHtml; nothing user-controlled lands in a tag or
 * attribute name.
 */
import { escapeHtml as esc } from '../core/html-escape.js';

export type HtmlCell = string | number | null | undefined | { html: string };

const cell = (c: HtmlCell): string => (c !== null && typeof c === 'object' ? c.html : esc(c ?? ''));

// cells do not wrap (a run name or a date broken over four lines is hard to read); a wide table scrolls instead
const TD = 'text-align:left;white-space:nowrap';

/** A table; cells are escaped unless given as `{ html }` (already safe markup built here). */
export function table(headers: readonly string[], rows: readonly (readonly HtmlCell[])[], caption?: string): string {
  const head = `<tr>${headers.map((h) => `<th style="${TD}">${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td style="${TD}">${cell(c)}</td>`).join('')}</tr>`).join('');
  const cap =
    caption === undefined ? '' : `<caption style="text-align:left;font-weight:bold">${esc(caption)}</caption>`;
  return (
    `<div style="overflow-x:auto"><table class="tracklab">${cap}<thead>${head}</thead>` +
    `<tbody>${body}</tbody></table></div>`
  );
}

/**
 * A chart's SVG as an HTML image with a data URI: shown by every front end and kept by nbconvert (whose HTML export
 * strips the elements of image/svg+xml outputs). The SVG is vega's own output; user text inside it is escaped by vega.
 */
export function svgAsImage(svg: string, alt = 'chart'): string {
  return `<img class="tracklab-chart" alt="${esc(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

const DECODE: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The text/plain fallback of an HTML display, for front ends without HTML (jupyter console): table rows become
 * lines with cells separated by two spaces, tags are dropped, entities decoded.
 *
 * @example toPlainText('<p><b>a</b> &amp; b</p>') // 'a & b'
 */
export function toPlainText(html: string): string {
  return html
    .replace(/<\/(tr|p|caption|div|h\d)>/g, '\n')
    .replace(/<\/t[dh]>/g, '  ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (m) => DECODE[m]!)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
}
