/**
 * tracklab's public API. Backend interfaces (TrackingStore, Backend, registerBackend, ...) are in `tracklab/store`.
 * Nothing here uses import.meta or top-level await: notebooks require it as CommonJS. */
export { Tracker, toRun } from './tracker.js';
export type {
  TrackerOptions,
  StartRunOptions,
  SearchRunsQuery,
  SearchExperimentsQuery,
  HistoryPoint,
} from './tracker.js';
export { ActiveRun } from './active-run.js';
export { activeRun } from './notebook-handle.js';
export type { MetricOptions } from './active-run.js';
export type { SampledHistory, SampledPoint } from './core/history-sample.js';
export { sampleHistory } from './core/history-sample.js';
export { TracklabError, EXIT_STATUS } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export type {
  ArtifactEntry,
  DatasetInput,
  Experiment,
  LifecycleStage,
  MetricColumns,
  MetricPoint,
  MetricSummary,
  Run,
  RunRecord,
  RunStatus,
  ViewType,
} from './core/entities.js';
export { TAGS } from './core/entities.js';
export { TRACKLAB_VERSION } from './core/version.js';
export { parseFilter, compileFilter, searchInMemory } from './core/search/index.js';
export { ModelRegistry } from './registry/model-registry.js';
export type { Lineage, ModelEdit, RegisterOptions, TransitionOptions } from './registry/model-registry.js';
export type { ModelVersion, RegisteredModel, ResolvedModelUri } from './registry/views.js';
export type { ModelStage, RegistryHistoryEntry, HistoryAction } from './store/registry-store.js';
export type { BackendCapabilities } from './store/backend.js';
export { MODEL_STAGES } from './store/registry-store.js';
export { registerFlavor, listFlavors } from './models/flavor.js';
export type { Flavor, ModelFiles, SavedModel, FlavorSaveOptions } from './models/flavor.js';
export { registerJsonLoader } from './models/json-flavor.js';
export type { JsonLoader } from './models/json-flavor.js';
export type { LogModelOptions, LoggedModel } from './models/model-package.js';
export { MANIFEST_FILE } from './models/manifest.js';
export type { ModelManifest } from './models/manifest.js';
export { inferSchema } from './models/signature.js';
export type { Signature, SchemaItem, ColumnSpec, TensorSpec } from './models/signature.js';
export { parseModelUri } from './registry/model-uri.js';
export { tfjsCallback } from './autolog/tfjs.js';
export type { TfjsCallback, TfjsAutologOptions, TfjsModelLike } from './autolog/tfjs.js';
export { logEstimator, logScores } from './autolog/mljs.js';
export type { AutologOptions } from './autolog/target.js';
