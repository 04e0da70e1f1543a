/** The static report site (issue 5): `buildReport` for the CLI and the API; the pure phases for tests and tools. */
export { buildReport, formatSummary } from './build.js';
export type { BuildOptions, BuildSummary } from './build.js';
export { createMemorySource, sourceFromTracker } from './collect.js';
export type {
  ReportSource,
  MemoryData,
  RegisteredModelData,
  ModelVersionData,
  ModelHistoryEntry,
  HistoryPoint,
} from './collect.js';
export { CSP } from './render.js';
export { REDACTED, isSecretKey, redactText } from './redact.js';
