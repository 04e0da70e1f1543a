/**
 * The registry's rules as pure changes to one model document: version numbering, stages with archive-existing,
 * one version per alias, and a history entry for every transition and alias change. No I/O, so tests need no disk.
 * Every file backend (JSON, mlruns) applies these same functions under its own lock; ModelRegistry checks the
 * preconditions it can before calling any backend, so a remote backend refuses the same input.
 */
import { badState, exists, invalid, notFound } from '../core/errors.js';
import { dict } from './json/run-events.js';
import type {
  Change,
  HistoryAction,
  ModelStage,
  ModelUpdate,
  ModelVersionRecord,
  NewModelVersion,
  RegisteredModelRecord,
} from './registry-store.js';
import { storeMessages } from './messages.js';

export function newModelDocument(
  name: string,
  init: { description: string; tags: Record<string, string>; user: string },
  now: number,
): RegisteredModelRecord {
  const doc: RegisteredModelRecord = {
    name,
    description: init.description,
    tags: dict(init.tags),
    createdAt: now,
    updatedAt: now,
    aliases: dict({}),
    versions: [],
    history: [],
    nextVersion: 1,
  };
  record(doc, now, { user: init.user, comment: null }, 'create_model', {});
  return doc;
}

/** Names are unique ignoring case (they share a file on case-insensitive disks); the stored spelling wins. */
export function checkSameName(doc: RegisteredModelRecord, name: string): void {
  if (doc.name !== name) {
    throw exists(storeMessages.modelNameClash(name, doc.name));
  }
}

export function addVersion(doc: RegisteredModelRecord, input: NewModelVersion, now: number): ModelVersionRecord {
  const version: ModelVersionRecord = {
    version: doc.nextVersion++,
    source: input.source,
    runId: input.runId,
    path: input.path,
    stage: 'None',
    status: 'READY',
    description: input.description,
    tags: dict(input.tags),
    user: input.user,
    createdAt: now,
    updatedAt: now,
  };
  doc.versions.push(version);
  doc.updatedAt = now;
  record(doc, now, { user: input.user, comment: null }, 'register', { version: version.version, to: 'None' });
  return version;
}

export function findVersion(doc: RegisteredModelRecord, version: number): ModelVersionRecord {
  const found = doc.versions.find((v) => v.version === version);
  if (!found) {
    throw notFound(
      storeMessages.noSuchVersion(
        doc.name,
        version,
        doc.versions.map((v) => v.version),
      ),
    );
  }
  return found;
}

export function applyUpdate(
  target: { description: string; tags: Record<string, string>; updatedAt: number },
  update: ModelUpdate,
  now: number,
): void {
  if (update.description !== undefined) target.description = update.description;
  if (update.tags) Object.assign(target.tags, update.tags);
  for (const key of update.deleteTags ?? []) delete target.tags[key];
  target.updatedAt = now;
}

export function transition(
  doc: RegisteredModelRecord,
  version: number,
  stage: ModelStage,
  options: Change & { archiveExisting: boolean },
  now: number,
): ModelVersionRecord {
  if (options.archiveExisting) checkArchiveExisting(stage);
  const target = findVersion(doc, version);
  const from = target.stage;
  target.stage = stage;
  target.updatedAt = now;
  doc.updatedAt = now;
  record(doc, now, options, 'transition', { version, from, to: stage });
  if (options.archiveExisting) {
    for (const other of doc.versions) {
      if (other.version === version || other.stage !== stage) continue;
      other.stage = 'Archived';
      other.updatedAt = now;
      record(
        doc,
        now,
        { user: options.user, comment: `archived because version ${version} moved to ${stage}` },
        'transition',
        { version: other.version, from: stage, to: 'Archived' },
      );
    }
  }
  return target;
}

/** MLflow's rule: archive_existing_versions only with Staging or Production. */
export function checkArchiveExisting(stage: ModelStage): void {
  if (stage !== 'Staging' && stage !== 'Production') {
    throw invalid(storeMessages.archiveNeedsLiveStage(stage));
  }
}

export function setAlias(
  doc: RegisteredModelRecord,
  alias: string,
  version: number,
  change: Change,
  now: number,
): void {
  findVersion(doc, version);
  const before = Object.hasOwn(doc.aliases, alias) ? doc.aliases[alias] : undefined;
  doc.aliases[alias] = version;
  doc.updatedAt = now;
  record(doc, now, change, 'set_alias', {
    version,
    alias,
    from: before === undefined ? null : String(before),
    to: String(version),
  });
}

export function deleteAlias(doc: RegisteredModelRecord, alias: string, change: Change, now: number): void {
  const before = Object.hasOwn(doc.aliases, alias) ? doc.aliases[alias] : undefined;
  if (before === undefined) {
    throw notFound(storeMessages.noSuchAlias(doc.name, alias, Object.keys(doc.aliases)));
  }
  delete doc.aliases[alias];
  doc.updatedAt = now;
  record(doc, now, change, 'delete_alias', { version: before, alias, from: String(before), to: null });
}

export function deleteVersion(doc: RegisteredModelRecord, version: number, change: Change, now: number): void {
  const target = findVersion(doc, version);
  for (const [alias, v] of Object.entries(doc.aliases)) {
    if (v === version) deleteAlias(doc, alias, { user: change.user, comment: `version ${version} deleted` }, now);
  }
  doc.versions = doc.versions.filter((v) => v !== target);
  doc.updatedAt = now;
  record(doc, now, change, 'delete_version', { version, from: target.stage, to: null });
}

export function checkDeletable(doc: RegisteredModelRecord): void {
  const live = doc.versions.filter((v) => v.stage === 'Production' || v.stage === 'Staging');
  if (live.length > 0) {
    throw badState(
      storeMessages.liveVersions(
        doc.name,
        live.map((v) => `${v.stage} (v${v.version})`),
      ),
    );
  }
}

function record(
  doc: RegisteredModelRecord,
  at: number,
  change: Change,
  action: HistoryAction,
  fields: { version?: number; from?: string | null; to?: string | null; alias?: string },
): void {
  doc.history.push({
    at,
    user: change.user,
    action,
    version: fields.version ?? null,
    from: fields.from ?? null,
    to: fields.to ?? null,
    alias: fields.alias ?? null,
    comment: change.comment,
  });
}
