/**
 * MLflow's SQLite database (`mlflow.db`) as a Backend, opened by `sqlite:` URIs as MLflow writes them:
 * `sqlite:///relative/path.db` (relative to the working directory) and `sqlite:////absolute/path.db`.
 *
 * Artifacts are found through each run's artifact URI: local paths and `file:` URIs as they are (falling back to
 * `mlruns/<experiment>/<run>/artifacts` beside the database when the recorded folder is gone), and
 * `mlflow-artifacts:/...` (a tracking server's proxied artifacts) under the server's artifacts folder: the
 * TRACKLAB_MLFLOW_ARTIFACTS folder, else `mlartifacts/` (MLflow's default) or `artifacts/` beside the database.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunRecord } from '../../core/entities.js';
import { invalid } from '../../core/errors.js';
import { artifactResolver, LocalArtifactRepository, type ArtifactResolver } from '../artifact-repository.js';
import type { Backend } from '../backend.js';
import { SqliteDb } from './sqlite-db.js';
import { SqliteRegistry } from './sqlite-registry.js';
import { SqliteTracking } from './sqlite-tracking.js';
import { storeMessages } from '../messages.js';

/** The database path of a `sqlite:` URI; `cwd` resolves relative ones. */
export function sqlitePath(uri: string, cwd: string): string {
  const match = /^sqlite:\/\/\/(.+)$/i.exec(uri.split('?')[0] ?? '');
  if (!match?.[1] || match[1] === ':memory:') {
    throw invalid(storeMessages.notASqliteUri(uri));
  }
  return resolve(cwd, decodeURIComponent(match[1]));
}

/**
 * Opens the MLflow database at `uri`, creating it (with MLflow 2.12.2's schema) when the file does not exist.
 *
 * @example const backend = await openSqliteBackend('sqlite:///mlflow.db', process.cwd());
 */
export async function openSqliteBackend(uri: string, cwd: string): Promise<Backend> {
  const path = sqlitePath(uri, cwd);
  const folder = dirname(path);
  // a file: URI (MLflow itself records a bare absolute path; it reads both), so runs' artifact URIs name their scheme
  const newRoot = (experimentId: string): string => pathToFileURL(join(folder, 'mlruns', experimentId)).href;
  const db = await SqliteDb.open(path, newRoot);
  const tracking = new SqliteTracking(`sqlite:///${path}`, db, newRoot);
  return {
    kind: 'sqlite',
    uri: tracking.uri,
    tracking,
    registry: new SqliteRegistry(db),
    artifacts: sqliteArtifacts(folder),
    capabilities: {
      metricSummaries: true,
      registryHistory: false,
      datasets: true,
      localArtifacts: true,
      concurrentWriters: true,
    },
    close: () => tracking.close(),
  };
}

/** The folder `mlflow-artifacts:` URIs resolve against. */
export function proxiedArtifactsRoot(folder: string): string {
  const given = process.env['TRACKLAB_MLFLOW_ARTIFACTS'];
  if (given) return resolve(folder, given);
  const candidates = [join(folder, 'mlartifacts'), join(folder, 'artifacts')];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

function sqliteArtifacts(folder: string): ArtifactResolver {
  const local = artifactResolver((run) => join(folder, 'mlruns', run.experimentId, run.id, 'artifacts'));
  return {
    forRun(run: RunRecord) {
      const uri = run.artifactUri ?? '';
      const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(uri);
      if (proxied) {
        const parts = proxied[1]!.split('/').filter((p) => p !== '');
        if (parts.includes('..')) {
          throw invalid(storeMessages.artifactUriOutside(run.id, uri));
        }
        return new LocalArtifactRepository(join(proxiedArtifactsRoot(folder), ...parts), run.id);
      }
      return local.forRun(run);
    },
  };
}
