/**
 * `tracklab doctor` for MLflow's own stores: an `mlruns` folder and an `mlflow.db`. Read-only: every experiment, run,
 * metric history, artifact listing and registered model is read the way tracklab reads it, and each read that fails
 * becomes a finding naming the file (or the database) and what is wrong. Nothing is repaired: these stores are
 * MLflow's, and the safe fix depends on what wrote them. An `mlflow.db` also gets SQLite's own integrity and
 * foreign-key checks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TracklabError } from '../core/errors.js';
import type { ModelRegistryStore } from './registry-store.js';
import type { TrackingStore } from './tracking-store.js';
import type { ArtifactResolver } from './artifact-repository.js';

/** One problem found in a store: the file it is in and what is wrong. */
export interface StoreFinding {
  file: string;
  problem: string;
}

/** The parts of a backend the check reads. */
interface Readable {
  tracking: TrackingStore;
  registry?: ModelRegistryStore;
  artifacts: ArtifactResolver;
}

/** Reads everything in an MLflow `mlruns` folder without writing to it. */
export async function checkMlruns(root: string): Promise<StoreFinding[]> {
  const { MlrunsTracking } = await import('./mlruns/mlruns-tracking.js');
  const { MlrunsRegistry } = await import('./mlruns/mlruns-registry.js');
  const { artifactResolver } = await import('./artifact-repository.js');
  const findings: StoreFinding[] = [];
  if (!existsSync(join(root, '0', 'meta.yaml'))) {
    findings.push({ file: join(root, '0', 'meta.yaml'), problem: 'is missing: the folder has no Default experiment' });
  }
  // built directly rather than opened, because opening creates a missing Default experiment
  const tracking = new MlrunsTracking(root, `mlruns://${pathToFileURL(root).pathname}`);
  const artifacts = artifactResolver((run) => join(tracking.runDir(run.id), 'artifacts'));
  // experiment folders are listed from the disk too, so one unreadable experiment does not hide the others' runs
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => e.name);
  await readEverything({ tracking, registry: new MlrunsRegistry(root), artifacts }, root, findings, folders);
  return findings;
}

/** SQLite's integrity and foreign-key checks on a read-only connection, then everything read through the backend. */
export async function checkMlflowDb(path: string): Promise<StoreFinding[]> {
  if (!existsSync(path) || !statSync(path).isFile()) return [{ file: path, problem: 'does not exist' }];
  const { loadBinding } = await import('./sqlite/sqlite-db.js');
  const Sqlite = await loadBinding();
  const findings: StoreFinding[] = [];
  let db;
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return [{ file: path, problem: `cannot be opened as a SQLite database (${(error as Error).message})` }];
  }
  try {
    for (const row of db.pragma('integrity_check') as { integrity_check: string }[]) {
      if (row.integrity_check !== 'ok')
        findings.push({ file: path, problem: `integrity_check: ${row.integrity_check}` });
    }
    for (const row of db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]) {
      findings.push({
        file: path,
        problem: `row ${row.rowid} of table ${row.table} refers to a row of ${row.parent} that does not exist`,
      });
    }
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    if (!tables.some((t) => t.name === 'alembic_version')) {
      findings.push({ file: path, problem: 'is not an MLflow database (it has no alembic_version table)' });
    }
  } catch (error) {
    findings.push({ file: path, problem: `cannot be read (${(error as Error).message})` });
  } finally {
    db.close();
  }
  if (findings.length > 0) return findings;
  const { openSqliteBackend } = await import('./sqlite/sqlite-backend.js');
  const backend = await openSqliteBackend(`sqlite:///${path}`, '/');
  try {
    await readEverything(backend, path, findings);
  } finally {
    await backend.close();
  }
  return findings;
}

/** Reads every record of the store; a read that fails with a TracklabError is a finding, and the check goes on. */
async function readEverything(
  store: Readable,
  where: string,
  findings: StoreFinding[],
  moreExperimentIds: string[] = [],
): Promise<void> {
  const attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof TracklabError)) throw error;
      findings.push(asFinding(error, where));
      return undefined;
    }
  };
  const listed = (await attempt(() => store.tracking.listExperiments('ALL'))) ?? [];
  const experimentIds = new Set([...listed.map((e) => e.id), ...moreExperimentIds]);
  for (const experimentId of experimentIds) {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await attempt(() =>
        store.tracking.searchRuns({ experimentIds: [experimentId], view: 'ALL', maxResults: 50_000, pageToken }),
      );
      ids.push(...(page?.runs.map((r) => r.id) ?? []));
      pageToken = page?.nextPageToken;
    } while (pageToken);
    for (const id of ids) {
      const run = await attempt(() => store.tracking.getRun(id));
      if (!run) continue;
      await attempt(() => store.tracking.getAllMetricHistories(id));
      await attempt(() => store.artifacts.forRun(run).list('', true));
    }
  }
  const registry = store.registry;
  if (!registry) return;
  for (const model of (await attempt(() => registry.listRegisteredModels())) ?? []) {
    await attempt(() => registry.getRegisteredModel(model.name));
  }
}

/** The file an error names (its first absolute path), else the store itself. */
function asFinding(error: TracklabError, where: string): StoreFinding {
  const message = error.message.replace(/^tracklab: /, '');
  const file = /(\/[^\s:,;()'"`]+)/.exec(message)?.[1] ?? where;
  return { file, problem: message };
}
