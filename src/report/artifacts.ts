/**
 * How a run's artifacts are published. Files are copied next to the run page; a type the browser could execute
 * (HTML, SVG, XML, JS, or anything unknown) gets a `.txt` suffix, because the site's origin must never serve a page or
 * script a run author wrote. Previews are built from the bytes (pure), for small files only.
 */
import { textOf } from '../core/format.js';
import { isVegaLiteSpec } from '../charts/index.js';
import { notebookView, type NotebookView } from './notebook.js';

const SAFE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'bmp',
  'txt',
  'log',
  'md',
  'csv',
  'tsv',
  'json',
  'jsonl',
  'ndjson',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'parquet',
  'npy',
  'npz',
  'pkl',
  'pickle',
  'pt',
  'pth',
  'h5',
  'hdf5',
  'onnx',
  'bin',
  'joblib',
  'safetensors',
  'ckpt',
  'pb',
  'tflite',
  'zip',
  'gz',
  'tgz',
  'tar',
  'bz2',
  'xz',
  'zst',
  '7z',
  'pdf',
  'ipynb',
]);
const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'bmp']);
const TEXT = new Set([
  'txt',
  'log',
  'md',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'py',
  'ts',
  'js',
  'sh',
  'html',
  'htm',
  'svg',
  'xml',
  'jsonl',
  'ndjson',
  'ipynb',
]);
/** Files up to this size get a preview. */
export const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_CHARS = 20000;
const CSV_ROWS = 20;

export const extensionOf = (path: string): string => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/** The artifact's path inside the site (relative to the run's artifact folder), or null when it cannot be published. */
export function publishedPath(path: string): string | null {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || /[\\\u0000-\u001f]/.test(p))) return null;
  return SAFE_EXTENSIONS.has(extensionOf(path)) ? path : `${path}.txt`;
}

/** Text-like files are passed through the redactor when published. */
export const isTextLike = (path: string): boolean => {
  const ext = extensionOf(path);
  return TEXT.has(ext) || ext === 'csv' || ext === 'tsv' || ext === 'json' || ext === '' || !SAFE_EXTENSIONS.has(ext);
};

export type Preview =
  | { kind: 'image' }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'json'; text: string; truncated: boolean }
  | { kind: 'vega'; spec: unknown }
  | { kind: 'table'; header: string[]; rows: string[][]; truncated: boolean }
  | { kind: 'notebook'; notebook: NotebookView };

/** Executed notebooks carry their images inline, so they get a larger preview allowance. */
const NOTEBOOK_BYTES = 5 * 1024 * 1024;

/** Which previews need the bytes; images only need the link. */
export function previewKind(path: string, size: number): 'image' | 'read' | null {
  const ext = extensionOf(path);
  if (IMAGE.has(ext)) return 'image';
  if (ext === 'ipynb') return size <= NOTEBOOK_BYTES ? 'read' : null;
  if (size > PREVIEW_BYTES) return null;
  return ext === 'json' || ext === 'csv' || ext === 'tsv' || TEXT.has(ext) ? 'read' : null;
}

export function makePreview(path: string, text: string): Preview | null {
  const ext = extensionOf(path);
  const cut = (t: string): { text: string; truncated: boolean } => ({
    text: t.slice(0, PREVIEW_CHARS),
    truncated: t.length > PREVIEW_CHARS,
  });
  if (ext === 'json') {
    try {
      const value: unknown = JSON.parse(text);
      if (isVegaLiteSpec(value)) return { kind: 'vega', spec: value };
      return { kind: 'json', ...cut(JSON.stringify(value, null, 2)) };
    } catch {
      return { kind: 'text', ...cut(text) };
    }
  }
  if (ext === 'ipynb') {
    const notebook = notebookView(text);
    if (notebook) return { kind: 'notebook', notebook };
    return { kind: 'text', ...cut(text) };
  }
  if (ext === 'csv' || ext === 'tsv') {
    const rows = parseDelimited(text, ext === 'tsv' ? '\t' : ',', CSV_ROWS + 2);
    const [header = [], ...body] = rows;
    return { kind: 'table', header, rows: body.slice(0, CSV_ROWS), truncated: body.length > CSV_ROWS };
  }
  return { kind: 'text', ...cut(text) };
}

/** A small RFC 4180 reader (quotes, doubled quotes, CRLF); stops after `maxRows`. */
export function parseDelimited(text: string, sep: string, maxRows: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if ((field !== '' || row.length > 0) && rows.length < maxRows) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The logged model's manifest (`tracklab-model.json`), shown on the run page when present. */
export interface ModelManifestView {
  path: string;
  flavor: string;
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
}

export function readManifestView(path: string, text: string): ModelManifestView | null {
  try {
    const m = JSON.parse(text) as { flavor?: unknown; signature?: { inputs?: unknown; outputs?: unknown } };
    const cols = (v: unknown): { name: string; type: string }[] =>
      Array.isArray(v)
        ? v.map((c: { name?: unknown; type?: unknown }) => ({
            name: textOf(c?.name),
            type: textOf(c?.type),
          }))
        : [];
    return {
      path: path.replace(/\/?tracklab-model\.json$/, '') || '.',
      flavor: textOf(m.flavor),
      inputs: cols(m.signature?.inputs),
      outputs: cols(m.signature?.outputs),
    };
  } catch {
    return null;
  }
}
