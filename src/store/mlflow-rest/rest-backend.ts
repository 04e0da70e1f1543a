/**
 * An MLflow tracking server (`http://host:5000`, `https://...`) as a tracklab Backend: tracking, the model registry
 * and proxied artifacts over REST, with the offline queue for runs whose server goes away. With TRACKLAB_AUTO_SYNC=1,
 * opening replays what is queued for the server.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../core/entities.js';
import { badState, invalid, notFound, TracklabError } from '../../core/errors.js';
import { LocalArtifactRepository, type ArtifactRepository, type ArtifactResolver } from '../artifact-repository.js';
import type { Backend } from '../backend.js';
import { ProxiedArtifactRepository } from './rest-artifacts.js';
import { RestClient, ServerUnavailableError, type RestOptions } from './rest-client.js';
import { QueuedArtifactRepository } from './queued-artifacts.js';
import { RestRegistry } from './rest-registry.js';
import type { WriterHooks } from './rest-run-writer.js';
import { RestTracking } from './rest-tracking.js';
import { Spool, spoolDirFor } from './spool.js';
import { syncSpool } from './sync.js';
import { storeMessages } from '../messages.js';
import { serverMessages as msg } from './server-messages.js';

export interface RestBackendOptions extends RestOptions {
  /** the offline queue's folder; default TRACKLAB_SPOOL_DIR or ~/.tracklab/spool/<host_port>; false: no queue */
  spoolDir?: string | false;
  env?: NodeJS.ProcessEnv;
}

/** Opens the MLflow server at `uri`. Nothing is requested until the first call. */
export async function openRestBackend(uri: string, options: RestBackendOptions = {}): Promise<Backend> {
  const env = options.env ?? process.env;
  const client = new RestClient(uri, options, env);
  const spoolOff = options.spoolDir === false || /^(0|false|off|no)$/i.test(env['TRACKLAB_SPOOL'] ?? '');
  const spool = spoolOff
    ? undefined
    : new Spool(typeof options.spoolDir === 'string' ? options.spoolDir : spoolDirFor(client.base, env));
  const hooks: WriterHooks = spool ? { spool, offline: new Map() } : {};
  const tracking = new RestTracking(client, client.shown, hooks);
  if (spool && /^(1|true|yes|on)$/i.test(env['TRACKLAB_AUTO_SYNC'] ?? '')) await autoSync(tracking, spool);
  return {
    kind: 'mlflow-rest',
    uri: client.shown,
    tracking,
    registry: new RestRegistry(client),
    artifacts: restArtifacts(client, hooks),
    capabilities: {
      metricSummaries: false,
      registryHistory: true,
      datasets: true,
      localArtifacts: false,
      concurrentWriters: true,
    },
    close: () => tracking.close(),
  };
}

/** Replays the queue when the server answers again; a server still down, or another sync running, leaves it queued. */
async function autoSync(tracking: RestTracking, spool: Spool): Promise<void> {
  if (spool.pending().length === 0) return;
  try {
    const result = await syncSpool(tracking, spool);
    if (result.operations > 0) process.stderr.write(`${msg.replayed(result.operations, tracking.uri)}\n`);
  } catch (error) {
    if (!(error instanceof ServerUnavailableError) && (error as TracklabError).code !== 'INVALID_STATE') throw error;
  }
}

/** `mlflow-artifacts:` through the server; `file:` when the server's artifact root is a folder this machine sees. */
function restArtifacts(client: RestClient, hooks: WriterHooks): ArtifactResolver {
  return {
    forRun(run: RunRecord): ArtifactRepository {
      const uri = run.artifactUri ?? '';
      if (uri.startsWith('mlflow-artifacts:')) {
        const server = new ProxiedArtifactRepository(client, uri);
        return hooks.spool ? new QueuedArtifactRepository(server, run.id, hooks) : server;
      }
      return reachable(client, uri, run.id, `run ${run.id}`);
    },
    forLoggedModel: (modelId) => loggedModelArtifacts(client, modelId),
  };
}

/** The files at `uri` when it is the server's proxy or a folder this machine sees; else a clear error. */
function reachable(client: RestClient, uri: string, id: string, owner: string): ArtifactRepository {
  if (uri.startsWith('mlflow-artifacts:')) return new ProxiedArtifactRepository(client, uri);
  if (uri.startsWith('file:') || uri.startsWith('/')) {
    const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    if (existsSync(path) || existsSync(fileURLToPath(new URL('.', `file://${path}/`)))) {
      return new LocalArtifactRepository(path, id);
    }
  }
  throw invalid(storeMessages.artifactsUnreachable(owner, uri));
}

/**
 * An MLflow 3 logged model's files: its artifact location from `GET logged-models/<id>` (MLflow 3's REST API), read
 * through the server's proxy. A server without logged models (MLflow 2.x) gets one clear error.
 */
async function loggedModelArtifacts(client: RestClient, modelId: string): Promise<ArtifactRepository> {
  let answer: { model?: { info?: { artifact_uri?: string; status?: string } } };
  try {
    answer = await client.call('GET', `logged-models/${encodeURIComponent(modelId)}`);
  } catch (error) {
    if (error instanceof TracklabError && /does not offer/.test(error.message)) {
      throw notFound(msg.loggedModelsMissing(modelId, client.shown));
    }
    throw error;
  }
  const info = answer.model?.info ?? {};
  if (!info.artifact_uri) throw notFound(msg.loggedModelWithoutLocation(modelId, client.shown));
  if (info.status !== undefined && info.status !== 'LOGGED_MODEL_READY') {
    throw badState(msg.loggedModelNotReady(modelId, info.status));
  }
  return reachable(client, info.artifact_uri, modelId, `models:/${modelId}`);
}
