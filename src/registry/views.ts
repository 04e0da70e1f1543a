/** What the API and `models show --json` return: stored records plus each version's aliases. Pure. */
import type {
  ModelStage,
  ModelVersionRecord,
  RegisteredModelRecord,
  RegistryHistoryEntry,
} from '../store/registry-store.js';

export interface ModelVersion {
  name: string;
  version: number;
  stage: ModelStage;
  /** aliases pointing at this version, sorted */
  aliases: string[];
  runId: string;
  /** `runs:/<run id>/<path>` */
  source: string;
  path: string;
  status: 'READY';
  description: string;
  tags: Record<string, string>;
  user: string;
  createdAt: number;
  updatedAt: number;
}

export interface RegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** alias -> version */
  aliases: Record<string, number>;
  /** oldest first */
  versions: ModelVersion[];
  /** every registration, stage transition and alias change, oldest first */
  history: RegistryHistoryEntry[];
  latestVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

/** `models:/` URI resolved to the run artifact it names. */
export interface ResolvedModelUri {
  name: string;
  version: number;
  runId: string;
  source: string;
  path: string;
}

export function toModelVersion(doc: RegisteredModelRecord, v: ModelVersionRecord): ModelVersion {
  const aliases = Object.keys(doc.aliases)
    .filter((a) => doc.aliases[a] === v.version)
    .sort();
  return {
    name: doc.name,
    version: v.version,
    stage: v.stage,
    aliases,
    runId: v.runId,
    source: v.source,
    path: v.path,
    status: v.status,
    description: v.description,
    tags: { ...v.tags },
    user: v.user,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

export function toRegisteredModel(doc: RegisteredModelRecord): RegisteredModel {
  const aliases = Object.fromEntries(
    Object.keys(doc.aliases)
      .sort()
      .map((alias) => [alias, doc.aliases[alias] as number]),
  );
  const versions = [...doc.versions].sort((a, b) => a.version - b.version).map((v) => toModelVersion(doc, v));
  return {
    name: doc.name,
    description: doc.description,
    tags: { ...doc.tags },
    aliases,
    versions,
    history: doc.history.map((h) => ({ ...h })),
    latestVersion: versions.at(-1)?.version ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
