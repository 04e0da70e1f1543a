/**
 * Phase 1 of the report pipeline (collect -> view models -> chart specs -> render -> write): where the data comes from.
 * The builder reads through the small `ReportSource` interface, so tests hand it plain data (`createMemorySource`) and
 * the real build hands it a Tracker (`sourceFromTracker`). Metric histories are read one run at a time, never all at
 * once, through the stores' sampling path (`getSampledHistory`); from a tracking server, a window of runs at a time in
 * bulk requests (history-windows.ts).
 */
import type { ArtifactEntry, Experiment, Run } from '../core/entities.js';
import { notFound } from '../core/errors.js';
import { reportMessages as msg } from './messages.js';
import { textOf } from '../core/format.js';
import type { RunPack } from '../core/history-pack.js';
import { sampleHistory, sampleToColumns, type SampledColumns, type SampledHistory } from '../core/history-sample.js';
import { HistoryWindows, type BulkRead } from './history-windows.js';

import type { HistoryPoint } from '../tracker.js';
// the report reads metric histories as the tracker returns them
export type { HistoryPoint } from '../tracker.js';

export interface ModelVersionData {
  version: string;
  stage: string;
  aliases: string[];
  runId: string | null;
  source: string;
  status: string;
  description: string;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface ModelHistoryEntry {
  at: number;
  user?: string;
  action: string;
  version?: string;
  from?: string;
  to?: string;
  alias?: string;
  comment?: string;
}

/** A registered model as the registry (issue 3) returns it. */
export interface RegisteredModelData {
  name: string;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: ModelVersionData[];
  history: ModelHistoryEntry[];
}

/** Everything the report reads. A Tracker satisfies it through `sourceFromTracker`. */
export interface ReportSource {
  listExperiments(): Promise<Experiment[]>;
  /** All active runs of one experiment, in any order. */
  listRuns(experimentId: string): Promise<Run[]>;
  getMetricHistory(runId: string, key: string): Promise<HistoryPoint[]>;
  /** At most `maxPoints` buckets of a history (core/history-sample.ts); absent: sampled from getMetricHistory. */
  getSampledHistory?(runId: string, key: string, maxPoints: number): Promise<SampledHistory>;
  /** Optional fast path: the sampled histories of several keys of a run in one read, in columns. */
  getSampledHistories?(
    runId: string,
    keys: readonly string[],
    maxPoints: number,
  ): Promise<Record<string, SampledColumns>>;
  /**
   * The pack of a run's drawn histories its store wrote when it compacted the run (core/history-pack.ts), for exactly
   * these keys and `maxPoints`; undefined when it has none (the build then samples and packs them itself).
   */
  getRunPack?(runId: string, keys: readonly string[], maxPoints: number): Promise<RunPack | undefined>;
  /** For stores that read many runs per request: every history of a run from a bulk read (undefined: read per key). */
  getMetricHistories?(runId: string): Promise<Record<string, HistoryPoint[]> | undefined>;
  listArtifacts(runId: string): Promise<ArtifactEntry[]>;
  readArtifact(runId: string, path: string): Promise<Buffer>;
  /** Undefined when the store has no model registry. */
  listRegisteredModels?(): Promise<RegisteredModelData[]>;
  close?(): Promise<void>;
  /** What the store cannot give (absent: everything); pages show "—" and a one-line note instead. */
  capabilities?: SourceCapabilities;
}

/** The backend capabilities the report reads (store/backend.ts). */
export interface SourceCapabilities {
  /** min, max and count of each metric's points */
  metricSummaries?: boolean;
  /** a history of stage and alias changes */
  registryHistory?: boolean;
}

/** The subset of the Tracker API (issue 2) the report uses. */
export interface TrackerLike {
  listExperiments(view?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'): Promise<Experiment[]>;
  searchRuns(query: {
    experiments?: string[];
    maxResults?: number;
    pageToken?: string;
  }): Promise<{ runs: Run[]; nextPageToken?: string | undefined }>;
  getMetricHistory(runId: string, key: string): Promise<HistoryPoint[]>;
  getMetricHistory(runId: string, key: string, options: { maxPoints: number }): Promise<SampledHistory>;
  getSampledHistories?(
    runId: string,
    keys: readonly string[],
    options: { maxPoints: number },
  ): Promise<Record<string, SampledColumns>>;
  getRunPack?(runId: string, keys: readonly string[], options: { maxPoints: number }): Promise<RunPack | undefined>;
  listArtifacts(runId: string, dir?: string, opts?: { recursive?: boolean }): Promise<ArtifactEntry[]>;
  readArtifact(runId: string, path: string): Promise<Buffer>;
  close(): Promise<void>;
  readonly capabilities?: SourceCapabilities;
}

interface RegistryLike {
  bulkHistories?: boolean;
  getMetricHistoriesBulk?: BulkRead;
  listRegisteredModels?: () => Promise<Array<{ name: string }>>;
  getRegisteredModel?: (name: string) => Promise<unknown>;
}

/** Adapts a Tracker to a ReportSource; registry pages appear only when the tracker has a registry. */
export function sourceFromTracker(tracker: TrackerLike): ReportSource {
  const registry = tracker as unknown as RegistryLike;
  const bulk = registry.getMetricHistoriesBulk;
  const windows = registry.bulkHistories && bulk ? new HistoryWindows(bulk.bind(tracker)) : undefined;
  const source: ReportSource = {
    listExperiments: () => tracker.listExperiments('ACTIVE_ONLY'),
    listRuns: async (experimentId) => {
      const runs: Run[] = [];
      let pageToken: string | undefined;
      do {
        const page = await tracker.searchRuns({
          experiments: [experimentId],
          maxResults: 50000,
          ...(pageToken ? { pageToken } : {}),
        });
        runs.push(...page.runs);
        pageToken = page.nextPageToken;
      } while (pageToken);
      windows?.add(runs);
      return runs;
    },
    getMetricHistory: (runId, key) => tracker.getMetricHistory(runId, key),
    getSampledHistory: (runId, key, maxPoints) => tracker.getMetricHistory(runId, key, { maxPoints }),
    listArtifacts: (runId) => tracker.listArtifacts(runId, undefined, { recursive: true }),
    readArtifact: (runId, path) => tracker.readArtifact(runId, path),
    close: () => tracker.close(),
  };
  if (tracker.capabilities) {
    const { metricSummaries, registryHistory } = tracker.capabilities;
    source.capabilities = { metricSummaries, registryHistory };
  }
  if (windows) source.getMetricHistories = (runId) => windows.get(runId);
  if (tracker.getSampledHistories)
    source.getSampledHistories = (runId, keys, maxPoints) => tracker.getSampledHistories!(runId, keys, { maxPoints });
  if (tracker.getRunPack)
    source.getRunPack = (runId, keys, maxPoints) => tracker.getRunPack!(runId, keys, { maxPoints });
  const list = registry.listRegisteredModels;
  const get = registry.getRegisteredModel;
  if (typeof list === 'function' && typeof get === 'function') {
    source.listRegisteredModels = async () => {
      const models = await list.call(tracker);
      const full = [];
      for (const m of models) full.push(normalizeModel(await get.call(tracker, m.name)));
      return full;
    };
  }
  return source;
}

/** Fills defaults so a registry that omits optional fields still renders. */
export function normalizeModel(raw: unknown): RegisteredModelData {
  const m = (raw ?? {}) as Partial<RegisteredModelData>;
  return {
    name: String(m.name ?? ''),
    description: m.description ?? '',
    tags: m.tags ?? {},
    aliases: m.aliases ?? {},
    versions: (m.versions ?? []).map((v) => ({
      version: String(v.version),
      stage: v.stage ?? 'None',
      aliases: v.aliases ?? [],
      runId: v.runId ?? null,
      source: v.source ?? '',
      status: v.status ?? 'READY',
      description: v.description ?? '',
      tags: v.tags ?? {},
      createdAt: v.createdAt ?? 0,
      updatedAt: v.updatedAt ?? 0,
    })),
    history: (m.history ?? []).map(normalizeHistoryEntry),
  };
}

/** The registry writes every history field, with null where it does not apply, and versions as numbers. */
function normalizeHistoryEntry(raw: unknown): ModelHistoryEntry {
  const h = (raw ?? {}) as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : textOf(v));
  const entry: ModelHistoryEntry = { at: Number(h['at'] ?? 0), action: textOf(h['action']) };
  for (const key of ['user', 'version', 'from', 'to', 'alias', 'comment'] as const) {
    const value = text(h[key]);
    if (value !== undefined) entry[key] = value;
  }
  return entry;
}

/** Plain data for tests and for building a site without a store. */
export interface MemoryData {
  experiments: Experiment[];
  runs: Run[];
  histories?: Record<string, Record<string, HistoryPoint[]>>;
  artifacts?: Record<string, Record<string, string | Uint8Array>>;
  models?: RegisteredModelData[];
}

/** A ReportSource over plain data. */
export function createMemorySource(data: MemoryData): ReportSource {
  const files = (runId: string): Record<string, string | Uint8Array> => data.artifacts?.[runId] ?? {};
  const source: ReportSource = {
    listExperiments: async () => data.experiments,
    listRuns: async (id) => data.runs.filter((r) => r.experimentId === id),
    getMetricHistory: async (runId, key) => data.histories?.[runId]?.[key] ?? [],
    getSampledHistory: async (runId, key, maxPoints) => sampleHistory(data.histories?.[runId]?.[key] ?? [], maxPoints),
    getSampledHistories: async (runId, keys, maxPoints) =>
      Object.fromEntries(
        keys.map((key) => [key, sampleToColumns(pointsToColumns(data.histories?.[runId]?.[key] ?? []), maxPoints)]),
      ),
    listArtifacts: async (runId) => listMemoryArtifacts(files(runId)),
    readArtifact: async (runId, path) => {
      const body = files(runId)[path];
      if (body === undefined) throw notFound(msg.noArtifact(path, runId));
      return Buffer.from(body);
    },
  };
  if (data.models) {
    const models = data.models;
    source.listRegisteredModels = async () => models;
  }
  return source;
}

function pointsToColumns(points: readonly HistoryPoint[]): { step: number[]; value: number[]; timestamp: number[] } {
  return {
    step: points.map((p) => p.step),
    value: points.map((p) => p.value),
    timestamp: points.map((p) => p.timestamp),
  };
}

function listMemoryArtifacts(files: Record<string, string | Uint8Array>): ArtifactEntry[] {
  const entries = new Map<string, ArtifactEntry>();
  for (const [path, body] of Object.entries(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      entries.set(dir, { path: dir, isDir: true, size: 0 });
    }
    entries.set(path, { path, isDir: false, size: Buffer.byteLength(body) });
  }
  return [...entries.values()];
}
