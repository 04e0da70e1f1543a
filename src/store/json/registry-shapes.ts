/** Shape checks for registry documents, so a damaged or hand-edited model file is reported, never used half-read. */
import { dict } from './run-events.js';
import {
  MODEL_STAGES,
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type RegistryHistoryEntry,
} from '../registry-store.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringRecord = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.values(v).every((x) => typeof x === 'string');
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isVersionNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
/** Replaces `v[field]` by a null-prototype copy, so keys such as "__proto__" or "toString" are data. */
function ownDict(v: Record<string, unknown>, field: string): boolean {
  const value = v[field];
  if (isObject(value)) v[field] = dict(value);
  return true;
}
const isTextOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/** Checks a version and makes its tags a null-prototype record, in place. */
export function isModelVersionRecord(v: unknown): v is ModelVersionRecord {
  return (
    isObject(v) &&
    ownDict(v, 'tags') &&
    isVersionNumber(v['version']) &&
    typeof v['source'] === 'string' &&
    typeof v['runId'] === 'string' &&
    typeof v['path'] === 'string' &&
    MODEL_STAGES.includes(v['stage'] as never) &&
    v['status'] === 'READY' &&
    typeof v['description'] === 'string' &&
    isStringRecord(v['tags']) &&
    typeof v['user'] === 'string' &&
    isTime(v['createdAt']) &&
    isTime(v['updatedAt'])
  );
}

export function isHistoryEntry(v: unknown): v is RegistryHistoryEntry {
  return (
    isObject(v) &&
    isTime(v['at']) &&
    typeof v['user'] === 'string' &&
    typeof v['action'] === 'string' &&
    (v['version'] === null || isVersionNumber(v['version'])) &&
    isTextOrNull(v['from']) &&
    isTextOrNull(v['to']) &&
    isTextOrNull(v['alias']) &&
    isTextOrNull(v['comment'])
  );
}

/** Checks a model document and makes its tags and aliases null-prototype records, in place. */
export function isRegisteredModelRecord(v: unknown): v is RegisteredModelRecord {
  return (
    isObject(v) &&
    ownDict(v, 'tags') &&
    ownDict(v, 'aliases') &&
    typeof v['name'] === 'string' &&
    typeof v['description'] === 'string' &&
    isStringRecord(v['tags']) &&
    isTime(v['createdAt']) &&
    isTime(v['updatedAt']) &&
    isVersionNumber(v['nextVersion']) &&
    isObject(v['aliases']) &&
    Object.values(v['aliases']).every(isVersionNumber) &&
    Array.isArray(v['versions']) &&
    v['versions'].every(isModelVersionRecord) &&
    Array.isArray(v['history']) &&
    v['history'].every(isHistoryEntry)
  );
}

/** Versions are unique, `nextVersion` is ahead of all of them, and aliases point at versions that exist. */
export function modelProblem(doc: RegisteredModelRecord): string | undefined {
  const seen = new Set<number>();
  for (const v of doc.versions) {
    if (seen.has(v.version)) return `holds version ${v.version} of model ${JSON.stringify(doc.name)} twice`;
    seen.add(v.version);
    if (v.version >= doc.nextVersion) return `has nextVersion ${doc.nextVersion}, not above version ${v.version}`;
  }
  for (const [alias, version] of Object.entries(doc.aliases)) {
    if (!seen.has(version)) return `has alias @${alias} pointing at version ${version}, which does not exist`;
  }
  return undefined;
}

export const MODEL_DOC = 'a registered model { name, description, tags, aliases, versions, history, nextVersion }';
