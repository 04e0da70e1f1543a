/**
 * An executed notebook artifact (`.ipynb`) shown as a notebook: Markdown cells rendered (no raw HTML, no remote
 * images), code with its execution count, and outputs as text or images. Nothing from the notebook runs under the
 * site's CSP: HTML outputs are shown by their plain-text form, or as their source text, never as markup.
 */
import { textOf } from '../core/format.js';
import { renderMarkdown } from './markdown.js';

export type NotebookOutput =
  | { kind: 'text'; text: string; stream?: string }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'html'; text: string }
  | { kind: 'error'; text: string };

export type NotebookCellView =
  | { kind: 'markdown'; html: string }
  | { kind: 'code'; prompt: string; source: string; outputs: NotebookOutput[] }
  | { kind: 'raw'; source: string };

export interface NotebookView {
  language: string;
  cells: NotebookCellView[];
  truncated: boolean;
}

const MAX_CELLS = 200;
const MAX_TEXT = 20000;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
// Terminal colour codes in tracebacks and progress bars.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

const joined = (v: unknown): string => (Array.isArray(v) ? v.map(String).join('') : typeof v === 'string' ? v : '');
const cap = (t: string): string => (t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}\n…` : t);

function dataOutput(data: Record<string, unknown>): NotebookOutput | null {
  for (const type of IMAGE_TYPES) {
    const b64 = joined(data[type]).replace(/\s+/g, '');
    if (b64 && /^[A-Za-z0-9+/]+=*$/.test(b64))
      return {
        kind: 'image',
        src: `data:${type};base64,${b64}`,
        alt: cap(joined(data['text/plain'])) || 'notebook output image',
      };
  }
  const plain = joined(data['text/plain']);
  const html = joined(data['text/html']);
  if (html && (!plain || /^\[?<?[\w .]*>?\]?$/.test(plain.trim()))) return { kind: 'html', text: cap(html) };
  if (plain) return { kind: 'text', text: cap(plain) };
  const markdown = joined(data['text/markdown']);
  if (markdown) return { kind: 'text', text: cap(markdown) };
  const json = data['application/json'];
  if (json !== undefined) return { kind: 'text', text: cap(JSON.stringify(json, null, 2)) };
  return null;
}

function output(raw: Record<string, unknown>): NotebookOutput | null {
  switch (raw['output_type']) {
    case 'stream':
      return {
        kind: 'text',
        text: cap(joined(raw['text']).replace(ANSI, '')),
        stream: textOf(raw['name'], 'stdout'),
      };
    case 'error':
      return {
        kind: 'error',
        text: cap(
          joined(
            (raw['traceback'] as unknown[] | undefined)?.map((l) => `${String(l)}\n`) ??
              `${String(raw['ename'])}: ${String(raw['evalue'])}`,
          ).replace(ANSI, ''),
        ),
      };
    case 'display_data':
    case 'execute_result':
      return dataOutput((raw['data'] ?? {}) as Record<string, unknown>);
    default:
      return null;
  }
}

/** The notebook's view, or null when the text is not an nbformat 4 notebook. */
export function notebookView(text: string): NotebookView | null {
  let nb: { nbformat?: unknown; cells?: unknown; metadata?: { kernelspec?: { language?: unknown } } };
  try {
    nb = JSON.parse(text) as typeof nb;
  } catch {
    return null;
  }
  if (!nb || typeof nb !== 'object' || !Array.isArray(nb.cells)) return null;
  const cells: NotebookCellView[] = nb.cells.slice(0, MAX_CELLS).map((c: Record<string, unknown>) => {
    const source = cap(joined(c['source']));
    if (c['cell_type'] === 'markdown') return { kind: 'markdown', html: renderMarkdown(source) };
    if (c['cell_type'] !== 'code') return { kind: 'raw', source };
    const count = c['execution_count'];
    const outputs = (Array.isArray(c['outputs']) ? c['outputs'] : [])
      .map((o) => output(o as Record<string, unknown>))
      .filter((o): o is NotebookOutput => o !== null);
    return { kind: 'code', prompt: `[${typeof count === 'number' ? count : ' '}]`, source, outputs };
  });
  return { language: textOf(nb.metadata?.kernelspec?.language), cells, truncated: nb.cells.length > MAX_CELLS };
}
