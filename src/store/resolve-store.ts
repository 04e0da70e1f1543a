/**
 * Opens a store by URI scheme and finds the default store location. A folder (a plain path or `file:`) is looked at
 * first: a tracklab store opens with the JSON backend, an MLflow `mlruns` folder with the MLflow file-store backend,
 * and a non-empty folder that is neither is refused, never taken over.
 *
 * | location                                | backend                                                              |
 * |-----------------------------------------|----------------------------------------------------------------------|
 * | `./tracklab`, `file:./x`, `file:///abs` | what the folder holds; a new or empty one: JSON (`mlruns`: MLflow)   |
 * | `mlruns:./mlruns`, `mlruns:///abs`      | MLflow's file store, created if missing                              |
 * | `sqlite:///rel.db`, `sqlite:////abs.db` | MLflow's SQLite database (better-sqlite3, loaded on first use)       |
 * | `http(s)://host:port`                   | registered by its backend with `registerBackend`                     |
 */
import { basename, dirname, join, resolve } from 'node:path';
import { invalid } from '../core/errors.js';
import type { Backend } from './backend.js';
import { isMlrunsFolder } from './mlruns/detect.js';
import type { TrackingStore } from './tracking-store.js';
import { storeMessages } from './messages.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync, readdirSync, statSync } = process.getBuiltinModule('node:fs');
const { fileURLToPath } = process.getBuiltinModule('node:url');

/** Opens the backend for a location whose scheme matched; `cwd` resolves relative paths. */
export type BackendOpener = (location: string, context: { cwd: string }) => Promise<Backend>;

/**
 * Loaded on first use, so processes that only touch JSON stores never load the YAML library or the SQLite code, and a
 * cold search of an mlruns folder loads none of the JSON store.
 */
const openJsonBackend = async (root: string): Promise<Backend> =>
  (await import('./json/json-backend.js')).openJsonBackend(root);
const openMlrunsBackend = async (root: string): Promise<Backend> =>
  (await import('./mlruns/mlruns-backend.js')).openMlrunsBackend(root);
const openSqliteBackend = async (uri: string, cwd: string): Promise<Backend> =>
  (await import('./sqlite/sqlite-backend.js')).openSqliteBackend(uri, cwd);

const BACKENDS = new Map<string, BackendOpener>([
  ['file:', (where, { cwd }) => openFolder(filePath(where, cwd))],
  ['mlruns:', (where, { cwd }) => openMlrunsBackend(mlrunsPath(where, cwd))],
  ['sqlite:', (where, { cwd }) => openSqliteBackend(where, cwd)],
  // loaded on first use: the REST client stays out of programs that only read folders
  ['http:', async (where) => (await import('./mlflow-rest/rest-backend.js')).openRestBackend(where)],
  ['https:', async (where) => (await import('./mlflow-rest/rest-backend.js')).openRestBackend(where)],
]);

/** Schemes named here get a clear "not available in this build" until a backend registers them. */
const PLANNED: string[] = [];

/**
 * Registers the backend of a URI scheme, e.g. `registerBackend('sqlite', (uri) => openSqliteBackend(uri))`.
 * The opener receives the location exactly as given.
 */
export function registerBackend(scheme: string, open: BackendOpener): void {
  BACKENDS.set(scheme.endsWith(':') ? scheme.toLowerCase() : `${scheme.toLowerCase()}:`, open);
}

/**
 * Opens the store named by `location` (a folder path or a URI); without one, TRACKLAB_STORE, else MLFLOW_TRACKING_URI,
 * else `tracklab/` in the nearest ancestor folder holding a package.json, else in the working directory.
 *
 * @example const backend = await openBackend('./mlruns'); backend.kind // 'mlruns'
 */
export async function openBackend(location?: string, cwd = process.cwd()): Promise<Backend> {
  const where =
    location ?? process.env['TRACKLAB_STORE'] ?? process.env['MLFLOW_TRACKING_URI'] ?? defaultStorePath(cwd);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(where)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme.length === 1) return openFolder(resolve(cwd, where)); // a path (or C:\...)
  const open = BACKENDS.get(`${scheme}:`);
  if (!open) {
    const known = [...BACKENDS.keys()].join(', ');
    throw invalid(
      PLANNED.includes(`${scheme}:`)
        ? storeMessages.backendNotAvailable(where, scheme, known)
        : storeMessages.schemeUnsupported(where, scheme, known),
    );
  }
  return open(where, { cwd });
}

/** The tracking store of `openBackend(location)`. */
export async function openStore(location?: string, cwd = process.cwd()): Promise<TrackingStore> {
  return (await openBackend(location, cwd)).tracking;
}

/** What a folder holds, judged without changing it. */
export type FolderKind = 'json' | 'mlruns' | 'empty' | 'foreign';

/** Looks at a folder: a tracklab store, an MLflow store, missing or empty (dot files aside), or something else. */
export function detectFolder(path: string): FolderKind {
  if (!existsSync(path)) return 'empty';
  if (!statSync(path).isDirectory()) return 'foreign';
  if (existsSync(join(path, 'tracklab-store.json'))) return 'json';
  if (isMlrunsFolder(path)) return 'mlruns';
  const names = readdirSync(path).filter((name) => !name.startsWith('.'));
  if (names.length === 0) return 'empty';
  // Another process is creating a tracklab store here. Its description is renamed into place before anything else
  // but runs/ is written, so a second look after the listing sees it if the listing saw more.
  if (existsSync(join(path, 'tracklab-store.json'))) return 'json';
  // Or only its runs/ folder and the lock or temp file of its description are there yet.
  return names.every(isStoreInCreation) ? 'json' : 'foreign';
}

function isStoreInCreation(name: string): boolean {
  return name === 'runs' || name.startsWith('tracklab-store.json');
}

async function openFolder(path: string): Promise<Backend> {
  const kind = detectFolder(path);
  if (kind === 'json') return openJsonBackend(path);
  if (kind === 'mlruns') return openMlrunsBackend(path);
  if (kind === 'empty') return basename(path) === 'mlruns' ? openMlrunsBackend(path) : openJsonBackend(path);
  const shown = readdirSync(path)
    .filter((n) => !n.startsWith('.'))
    .slice(0, 5)
    .join(', ');
  throw invalid(storeMessages.notAStore(path, `${shown}${readdirSync(path).length > 5 ? ', ...' : ''}`));
}

/** `file:///abs` (a URL) or `file:./rel` and `file:/abs` (as MLflow users write them). */
function filePath(where: string, cwd: string): string {
  return where.startsWith('file://') ? fileURLToPath(where) : resolve(cwd, where.slice('file:'.length));
}

function mlrunsPath(where: string, cwd: string): string {
  const rest = where.slice('mlruns:'.length);
  return rest.startsWith('//') ? fileURLToPath(`file:${rest}`) : resolve(cwd, rest === '' ? 'mlruns' : rest);
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
