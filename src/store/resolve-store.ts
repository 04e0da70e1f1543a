/** Picks a backend by URI scheme and finds the default store location. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.js';
import { JsonStore } from './json/json-store.js';
import type { TrackingStore } from './tracking-store.js';

type Opener = (location: string) => Promise<TrackingStore>;

/** Backends by URI scheme. A plain path means `file:`. Planned: `mlruns:` (MLflow file store), `http(s):` (MLflow REST). */
const BACKENDS = new Map<string, Opener>([
  ['file:', (path) => JsonStore.open(path)],
]);

/** Registers another backend for a URI scheme such as `mlflow+http:`. */
export function registerBackend(scheme: string, open: Opener): void {
  BACKENDS.set(scheme.endsWith(':') ? scheme : `${scheme}:`, open);
}

/**
 * Opens the store named by `location` (a folder path or a URI); without one, TRACKLAB_STORE, else `tracklab/` in the
 * nearest ancestor folder holding a package.json, else in the working directory.
 */
export async function openStore(location?: string, cwd = process.cwd()): Promise<TrackingStore> {
  const where = location ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath(cwd);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(where)?.[1];
  if (scheme === undefined || /^[a-zA-Z]$/.test(scheme)) return JsonStore.open(resolve(cwd, where));
  const open = BACKENDS.get(`${scheme.toLowerCase()}:`);
  if (!open) {
    throw invalid(`store URI "${where}" has an unsupported scheme "${scheme}:"; supported: ${[...BACKENDS.keys()].join(', ')} or a folder path`);
  }
  return open(scheme.toLowerCase() === 'file' ? fileURLToPath(where) : where);
}

export function defaultStorePath(cwd = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'tracklab');
    const parent = dirname(dir);
    if (parent === dir) return join(resolve(cwd), 'tracklab');
    dir = parent;
  }
}
