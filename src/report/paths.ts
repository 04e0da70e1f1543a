/**
 * Where each page and data file lives in the site. Every link the site emits is relative; `root` is the way back up
 * from a page to the site root ('' or '../'), so the same files work from file://, a Pages subpath or any server.
 */

export const sitePaths = {
  index: 'index.html',
  compare: 'compare.html',
  experiment: (id: string): string => `experiments/${id}.html`,
  run: (id: string): string => `runs/${id}.html`,
  runData: (id: string): string => `data/runs/${id}.js`,
  /** a history chunk (publish-histories.ts); `rel` is relative to the run data files' folder */
  runChunk: (rel: string): string => `data/runs/${rel}`,
  artifact: (runId: string, publishedPath: string): string => `runs/${runId}/artifacts/${publishedPath}`,
  model: (name: string): string => `models/${modelSlug(name)}.html`,
  asset: (name: string): string => `assets/${name}`,
};

/** Run and experiment ids become file names: only ids matching MLflow's id rules are accepted. */
export const SAFE_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** FNV-1a, 32 bits, hex: a short stable fingerprint. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A registered model's file name: readable part plus a hash of the exact name (names differing by case stay apart). */
export function modelSlug(name: string): string {
  const readable = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${readable || 'model'}-${fnv1a(name)}`;
}

/** Escapes each segment of a relative path for use in an href (spaces, #, ? and % must not change its meaning). */
export function hrefOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
