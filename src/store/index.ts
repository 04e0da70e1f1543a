/**
 * `tracklab/store`: the storage seam, for code that adds or drives a backend. Most users need only `tracklab`.
 * Nothing here uses import.meta or top-level await: notebooks require it as CommonJS.
 */
export { openBackend, openStore, registerBackend, defaultStorePath, detectFolder } from './resolve-store.js';
export type { BackendOpener, FolderKind } from './resolve-store.js';
export { runArtifacts } from './backend.js';
export type { Backend, BackendCapabilities, BackendKind } from './backend.js';
export { artifactResolver, registerArtifactScheme, LocalArtifactRepository } from './artifact-repository.js';
export type { ArtifactRepository, ArtifactResolver } from './artifact-repository.js';
export type {
  TrackingStore,
  TrackingStoreCore,
  RunWriter,
  RunBatch,
  RunUpdate,
  NewRun,
  RunSearch,
  RunPage,
} from './tracking-store.js';
export { searchRecords } from './search-records.js';
export type {
  ModelRegistryStore,
  ModelStage,
  ModelVersionRecord,
  RegisteredModelRecord,
  RegistryHistoryEntry,
  HistoryAction,
  Change,
  NewModelVersion,
  ModelUpdate,
} from './registry-store.js';
export { MODEL_STAGES } from './registry-store.js';
