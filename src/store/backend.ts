/**
 * What opening a store gives: one object with the tracking store, the registry when the backend has one, the
 * artifact resolver and the backend's capabilities. Callers read `registry` and `capabilities`; they never probe a
 * store's class or methods.
 */
import type { RunRecord } from '../core/entities.js';
import type { ArtifactRepository, ArtifactResolver } from './artifact-repository.js';
import type { ModelRegistryStore } from './registry-store.js';
import type { TrackingStore } from './tracking-store.js';

/** What a backend can and cannot keep; the API, CLI, kernel and report degrade clearly where one is false. */
export interface BackendCapabilities {
  /** min, max and count of each metric beside its latest value */
  metricSummaries: boolean;
  /** a history of registry changes (stage transitions, aliases), which MLflow does not keep */
  registryHistory: boolean;
  /** dataset inputs of runs (MLflow log_input) */
  datasets: boolean;
  /** artifacts are files on this machine (artifactLocalPath answers) */
  localArtifacts: boolean;
  /** several processes may write the same store at once (see docs/architecture.md for each backend's limits) */
  concurrentWriters: boolean;
}

/** The kinds of backend tracklab ships; others register their own with `registerBackend`. */
export type BackendKind = 'json' | 'mlruns' | 'mlflow-rest' | 'sqlite' | (string & {});

export interface Backend {
  readonly kind: BackendKind;
  /**
   * the URI the store was opened with, normalised, e.g. `file:///home/me/project/tracklab` or
   * `mlruns:///home/me/mlruns`
   */
  readonly uri: string;
  readonly tracking: TrackingStore;
  /** absent when the backend keeps no model registry */
  readonly registry?: ModelRegistryStore;
  readonly artifacts: ArtifactResolver;
  readonly capabilities: BackendCapabilities;
  /** Flushes writers and releases what the backend holds. */
  close(): Promise<void>;
  /** Makes everything written so far durable at once (after writers ended with `{ durable: false }`); absent when
   * every write is durable by itself (a server, a database). */
  sync?(): Promise<void>;
}

/** The artifact repository of a run of `backend`, looked up by id. */
export async function runArtifacts(backend: Backend, runId: string): Promise<ArtifactRepository> {
  return backend.artifacts.forRun(await backend.tracking.getRun(runId));
}

/** The repository of a run already read. */
export function artifactsOf(backend: Backend, run: RunRecord): ArtifactRepository {
  return backend.artifacts.forRun(run);
}
