/**
 * The registry's JSON as MLflow's REST API has it, and tracklab's history of stage and alias changes kept as
 * registered-model tags `tracklab.history.<time>-<n>-<pid>` (JSON of the entry), hidden from `tags` when read back.
 */
import type {
  Change,
  HistoryAction,
  ModelStage,
  ModelVersionRecord,
  RegisteredModelRecord,
  RegistryHistoryEntry,
} from '../registry-store.js';
import { fromKeyValues, num, type KeyValue } from './convert.js';
import type { RestClient } from './rest-client.js';

export interface RestModel {
  name: string;
  description?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}
export interface RestVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  current_stage?: string;
  description?: string;
  tags?: KeyValue[];
  user_id?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
}

const HISTORY_PREFIX = 'tracklab.history.';
let historyCounter = 0;

export function toVersion(v: RestVersion): ModelVersionRecord {
  const source = v.source ?? '';
  const path = /^runs:\/[^/]+\/(.*)$/.exec(source)?.[1] ?? '';
  return {
    version: Number(v.version),
    source,
    runId: v.run_id ?? '',
    path,
    stage: (v.current_stage ?? 'None') as ModelStage,
    status: 'READY',
    description: v.description ?? '',
    tags: fromKeyValues(v.tags),
    user: v.user_id ?? '',
    createdAt: num(v.creation_timestamp),
    updatedAt: num(v.last_updated_timestamp),
  };
}

/** A registered model with its versions, its history split from its tags. */
export function assemble(m: RestModel, versions: ModelVersionRecord[]): RegisteredModelRecord {
  const all = fromKeyValues(m.tags);
  const tags: Record<string, string> = {};
  const history: RegistryHistoryEntry[] = [];
  for (const [key, value] of Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key.startsWith(HISTORY_PREFIX)) history.push(JSON.parse(value) as RegistryHistoryEntry);
    else tags[key] = value;
  }
  const last = versions.reduce((n, v) => Math.max(n, v.version), 0);
  return {
    name: m.name,
    description: m.description ?? '',
    tags,
    history,
    versions,
    createdAt: num(m.creation_timestamp),
    updatedAt: num(m.last_updated_timestamp),
    aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, Number(a.version)])),
    nextVersion: last + 1,
  };
}

/** Adds a history entry as a model tag; keys sort by time, then by a counter for changes of the same millisecond. */
export async function recordHistory(
  client: RestClient,
  name: string,
  change: Change,
  action: HistoryAction,
  fields: Partial<RegistryHistoryEntry>,
): Promise<void> {
  const at = Date.now();
  const entry: RegistryHistoryEntry = {
    at,
    user: change.user,
    action,
    version: null,
    from: null,
    to: null,
    alias: null,
    comment: change.comment,
    ...fields,
  };
  historyCounter = (historyCounter + 1) % 1_000_000;
  const key = `${HISTORY_PREFIX}${String(at).padStart(15, '0')}-${String(historyCounter).padStart(6, '0')}-${process.pid}`;
  await client.call('POST', 'registered-models/set-tag', { name, key, value: JSON.stringify(entry) });
}
