/**
 * The JSON backend of the model registry: one document per registered model, beside the tracking store.
 *
 * <store root>/registry/models/<name, lower-cased>.json
 *
 * Every change is `updateDocument`: cross-process lock, re-read, pure change (../registry-rules.ts), atomic fsynced
 * write. So processes registering versions of one model at once get distinct versions and lose nothing.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exists, ioError, notFound } from '../../core/errors.js';
import type {
  ModelRegistryStore,
  ModelUpdate,
  ModelVersionRecord,
  NewModelVersion,
  RegisteredModelRecord,
} from '../registry-store.js';
import { removeDeadTempFiles } from './atomic-file.js';
import { withLock } from './lock.js';
import { readJsonDocument, SafeJsonAdapter, updateDocument } from './json-document.js';
import * as rules from '../registry-rules.js';
import { DocumentRegistry } from '../document-registry.js';
import { isRegisteredModelRecord, MODEL_DOC, modelProblem } from './registry-shapes.js';
import { storeMessages } from '../messages.js';

export class JsonRegistry extends DocumentRegistry implements ModelRegistryStore {
  private readonly dir: string;

  /** `root` is the tracking store's folder. */
  constructor(
    root: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.dir = join(root, 'registry', 'models');
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw ioError('create the registry folder', this.dir, error);
    }
    removeDeadTempFiles(this.dir);
  }

  private adapter(name: string): SafeJsonAdapter<RegisteredModelRecord> {
    return new SafeJsonAdapter(
      join(this.dir, modelFileName(name)),
      isRegisteredModelRecord,
      MODEL_DOC,
      true,
      modelProblem,
    );
  }

  private read(name: string): RegisteredModelRecord {
    const doc = this.adapter(name).readSync();
    if (doc === null || doc.name !== name) throw missingModel(name, doc?.name);
    return doc;
  }

  /** Lock, re-read, change, write; the model must exist. */
  protected override change<R>(name: string, mutate: (doc: RegisteredModelRecord, now: number) => R): Promise<R> {
    return updateDocument(
      this.adapter(name),
      () => {
        throw missingModel(name);
      },
      (doc) => {
        if (doc.name !== name) throw missingModel(name, doc.name);
        return mutate(doc, this.now());
      },
    );
  }

  async createRegisteredModel(
    name: string,
    init: { description: string; tags: Record<string, string>; user: string },
  ): Promise<RegisteredModelRecord> {
    let fresh: RegisteredModelRecord | undefined;
    const doc = await updateDocument(
      this.adapter(name),
      () => (fresh = rules.newModelDocument(name, init, this.now())),
      (d) => d,
    );
    if (doc !== fresh) {
      rules.checkSameName(doc, name);
      throw exists(storeMessages.modelExists(name));
    }
    return doc;
  }

  async updateRegisteredModel(name: string, update: ModelUpdate): Promise<RegisteredModelRecord> {
    return this.change(name, (doc, now) => {
      rules.applyUpdate(doc, update, now);
      return doc;
    });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    const adapter = this.adapter(name);
    await withLock(adapter.file, (lock) => {
      rules.checkDeletable(this.read(name));
      lock.assertHeld();
      rmSync(adapter.file);
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    return this.read(name);
  }

  async listRegisteredModels(): Promise<RegisteredModelRecord[]> {
    const out: RegisteredModelRecord[] = [];
    for (const file of readdirSync(this.dir).sort()) {
      if (file.startsWith('.') || !file.endsWith('.json')) continue; // temp files and lock folders
      const doc = readJsonDocument(join(this.dir, file), isRegisteredModelRecord, MODEL_DOC, modelProblem);
      if (doc) out.push(doc);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createModelVersion(name: string, input: NewModelVersion): Promise<ModelVersionRecord> {
    return updateDocument(
      this.adapter(name),
      () => rules.newModelDocument(name, { description: '', tags: {}, user: input.user }, this.now()),
      (doc) => {
        rules.checkSameName(doc, name);
        return rules.addVersion(doc, input, this.now());
      },
    );
  }
}

/** `<name, lower-cased>.json` plus `.lock` must fit in a file name; longer names (up to 255) end in a hash instead. */
const MAX_STEM_BYTES = 245;

/**
 * The file of a model: lower-cased, so "Iris" and "iris" share one file (and one lock) on every file system.
 * The document itself holds the exact name.
 */
export function modelFileName(name: string): string {
  const lower = name.toLowerCase();
  if (Buffer.byteLength(lower, 'utf8') <= MAX_STEM_BYTES) return `${lower}.json`;
  // node:crypto taken here, not on import (see atomic-file.ts randomHex)
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(lower).digest('hex').slice(0, 16);
  return `${Buffer.from(lower, 'utf8').subarray(0, 200).toString('utf8')}~${hash}.json`;
}

function missingModel(name: string, stored?: string): Error {
  const hint = stored !== undefined && stored !== name ? `did you mean "${stored}"?` : storeMessages.listModelsHint();
  return notFound(storeMessages.modelMissing(name, hint));
}
