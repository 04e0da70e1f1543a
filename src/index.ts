/** tracklab's public API. Nothing here uses import.meta or top-level await: notebooks require it as CommonJS. */
export { Tracker, toRun } from './tracker.js';
export type { TrackerOptions, StartRunOptions, SearchRunsQuery, HistoryPoint } from './tracker.js';
export { ActiveRun } from './active-run.js';
export type { MetricOptions } from './active-run.js';
export { TracklabError, EXIT_STATUS } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export type {
  ArtifactEntry, DatasetInput, Experiment, LifecycleStage, MetricPoint, MetricSummary, Run, RunRecord, RunStatus, ViewType,
} from './core/entities.js';
export { TAGS } from './core/entities.js';
export { TRACKLAB_VERSION } from './core/version.js';
export { parseFilter, compileFilter, searchInMemory } from './core/search/index.js';
export { openStore, registerBackend, defaultStorePath } from './store/resolve-store.js';
export type { TrackingStore, MetricWriter } from './store/tracking-store.js';
