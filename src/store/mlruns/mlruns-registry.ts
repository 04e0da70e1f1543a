/**
 * The model registry of an MLflow file store, in MLflow 2.x's layout (mlflow/store/model_registry/file_store.py):
 *
 * models/<name>/meta.yaml             name, creation_timestamp, last_updated_timestamp, description, aliases
 * models/<name>/tags/<key>, aliases/<alias> (content: the version number)
 * models/<name>/version-<n>/meta.yaml version, source, run_id, current_stage, status, ...; a deleted version stays with
 *                                     current_stage Deleted_Internal, so its number is never reused
 * models/<name>/version-<n>/tags/<key>
 *
 * Every change reads the model into a RegisteredModelRecord, applies the same pure rule as every backend
 * (registry-rules.ts) under the model's lock (`meta.yaml.lock`, a folder MLflow ignores), and writes what changed.
 * MLflow keeps no history of changes, so none is kept here (capabilities.registryHistory is false).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exists, ioError, notFound } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { withLock } from '../json/lock.js';
import type {
  ModelRegistryStore,
  ModelStage,
  ModelUpdate,
  ModelVersionRecord,
  NewModelVersion,
  RegisteredModelRecord,
} from '../registry-store.js';
import * as rules from '../registry-rules.js';
import { DocumentRegistry } from '../document-registry.js';
import { ensureDir, listDirs, readTextIfExists, readValues, readYaml, writeValue, writeYaml } from './files.js';
import { intField, META, MODELS, textField } from './layout.js';

const DELETED = 'Deleted_Internal';
const STAGES = new Set(['None', 'Staging', 'Production', 'Archived']);

export class MlrunsRegistry extends DocumentRegistry implements ModelRegistryStore {
  private readonly dir: string;

  constructor(
    root: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.dir = join(root, MODELS);
  }

  private modelDir(name: string): string {
    return join(this.dir, name);
  }

  /** The model as a record (versions oldest first, deleted ones left out), or undefined when it does not exist. */
  private load(name: string): RegisteredModelRecord | undefined {
    const dir = this.modelDir(name);
    const file = join(dir, META);
    const meta = readYaml(file);
    if (meta === undefined) return undefined;
    const created = intField(meta, 'creation_timestamp', file, 0) ?? 0;
    const aliases: Record<string, number> = {};
    for (const [alias, v] of Object.entries(readValues(join(dir, 'aliases')))) aliases[alias] = Number(v.trim());
    const versions: ModelVersionRecord[] = [];
    let highest = 0;
    for (const sub of listDirs(dir)) {
      const n = /^version-(\d+)$/.exec(sub)?.[1];
      if (n === undefined) continue;
      highest = Math.max(highest, Number(n));
      const v = this.loadVersion(join(dir, sub));
      if (v) versions.push(v);
    }
    versions.sort((a, b) => a.version - b.version);
    return {
      name: textField(meta, 'name', file, name),
      description: description(meta['description']),
      tags: readValues(join(dir, 'tags')),
      createdAt: created,
      updatedAt: intField(meta, 'last_updated_timestamp', file, created) ?? created,
      aliases,
      versions,
      history: [],
      nextVersion: highest + 1,
    };
  }

  private loadVersion(dir: string): ModelVersionRecord | undefined {
    const file = join(dir, META);
    const meta = readYaml(file);
    if (meta === undefined || meta['current_stage'] === DELETED) return undefined;
    const source = textField(meta, 'source', file, '');
    const fromSource = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
    const created = intField(meta, 'creation_timestamp', file, 0) ?? 0;
    const stage = textField(meta, 'current_stage', file, 'None');
    return {
      version: Number(textField(meta, 'version', file)),
      source,
      runId: textField(meta, 'run_id', file, fromSource?.[1] ?? ''),
      path: fromSource?.[2] ?? '',
      stage: (STAGES.has(stage) ? stage : 'None') as ModelStage,
      status: 'READY',
      description: description(meta['description']),
      tags: readValues(join(dir, 'tags')),
      user: textField(meta, 'user_id', file, ''),
      createdAt: created,
      updatedAt: intField(meta, 'last_updated_timestamp', file, created) ?? created,
    };
  }

  private read(name: string): RegisteredModelRecord {
    const doc = this.load(name);
    if (!doc) throw notFound(storeMessages.modelMissing(name, storeMessages.listModelsHint()));
    return doc;
  }

  /** Applies `change` to the model under its lock and writes what differs. */
  protected override async change<T>(name: string, change: (doc: RegisteredModelRecord, now: number) => T): Promise<T> {
    this.read(name); // RESOURCE_DOES_NOT_EXIST rather than a failed lock
    return withLock(join(this.modelDir(name), META), () => {
      const before = this.read(name);
      const after = structuredClone(before);
      const result = change(after, this.now());
      this.writeDiff(before, after);
      return result;
    });
  }

  private writeDiff(before: RegisteredModelRecord | undefined, after: RegisteredModelRecord): void {
    const dir = this.modelDir(after.name);
    writeYaml(join(dir, META), {
      name: after.name,
      creation_timestamp: after.createdAt,
      last_updated_timestamp: after.updatedAt,
      description: after.description === '' ? null : after.description,
      aliases: Object.fromEntries(Object.entries(after.aliases).map(([a, v]) => [a, String(v)])),
    });
    syncValues(join(dir, 'tags'), before?.tags ?? {}, after.tags);
    syncValues(join(dir, 'aliases'), stringValues(before?.aliases ?? {}), stringValues(after.aliases));
    const old = new Map((before?.versions ?? []).map((v) => [v.version, v]));
    for (const v of after.versions) {
      const prior = old.get(v.version);
      old.delete(v.version);
      if (prior && JSON.stringify(prior) === JSON.stringify(v)) continue;
      this.writeVersion(after.name, v, false);
      syncValues(join(dir, `version-${v.version}`, 'tags'), prior?.tags ?? {}, v.tags);
    }
    for (const gone of old.values()) this.writeVersion(after.name, { ...gone, updatedAt: after.updatedAt }, true);
  }

  private writeVersion(name: string, v: ModelVersionRecord, deleted: boolean): void {
    const dir = join(this.modelDir(name), `version-${v.version}`);
    ensureDir(dir);
    writeYaml(join(dir, META), {
      aliases: [],
      creation_timestamp: v.createdAt,
      current_stage: deleted ? DELETED : v.stage,
      description: v.description === '' ? null : v.description,
      last_updated_timestamp: v.updatedAt,
      name,
      run_id: v.runId,
      run_link: null,
      source: v.source,
      status: v.status,
      status_message: null,
      storage_location: v.source,
      user_id: v.user === '' ? null : v.user,
      version: v.version,
    });
  }

  /** Creates the model folder; false when it already exists. */
  private claim(name: string): boolean {
    ensureDir(this.dir);
    try {
      mkdirSync(this.modelDir(name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw ioError('create model folder', this.modelDir(name), error);
    }
  }

  async createRegisteredModel(
    name: string,
    init: { description: string; tags: Record<string, string>; user: string },
  ): Promise<RegisteredModelRecord> {
    if (!this.claim(name) && existsSync(join(this.modelDir(name), META))) {
      throw exists(storeMessages.modelExists(name));
    }
    const doc = rules.newModelDocument(name, init, this.now());
    await withLock(join(this.modelDir(name), META), () => this.writeDiff(undefined, doc));
    return { ...doc, history: [] };
  }

  async updateRegisteredModel(name: string, update: ModelUpdate): Promise<RegisteredModelRecord> {
    await this.change(name, (doc, now) => rules.applyUpdate(doc, update, now));
    return this.read(name);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    this.read(name);
    await withLock(join(this.modelDir(name), META), () => {
      rules.checkDeletable(this.read(name));
      try {
        rmSync(this.modelDir(name), { recursive: true, force: true });
      } catch (error) {
        throw ioError('delete model folder', this.modelDir(name), error);
      }
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    return this.read(name);
  }

  async listRegisteredModels(): Promise<RegisteredModelRecord[]> {
    const out: RegisteredModelRecord[] = [];
    for (const name of listDirs(this.dir)) {
      const doc = this.load(name);
      if (doc) out.push(doc);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createModelVersion(name: string, input: NewModelVersion): Promise<ModelVersionRecord> {
    if (this.claim(name) || !existsSync(join(this.modelDir(name), META))) {
      await withLock(join(this.modelDir(name), META), () => {
        if (!existsSync(join(this.modelDir(name), META))) {
          this.writeDiff(
            undefined,
            rules.newModelDocument(name, { description: '', tags: {}, user: input.user }, this.now()),
          );
        }
      });
    }
    return this.change(name, (doc, now) => rules.addVersion(doc, input, now));
  }
}

const description = (v: unknown): string => (typeof v === 'string' ? v : '');
const stringValues = (r: Record<string, number>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));

/** Makes the one-value files under `dir` hold `after`: writes changed keys, removes dropped ones. */
function syncValues(dir: string, before: Record<string, string>, after: Record<string, string>): void {
  for (const [key, value] of Object.entries(after))
    if (before[key] !== value) writeValue(join(dir, ...key.split('/')), value);
  for (const key of Object.keys(before)) {
    if (key in after) continue;
    const file = join(dir, ...key.split('/'));
    if (readTextIfExists(file) !== undefined) rmSync(file, { force: true });
  }
}
