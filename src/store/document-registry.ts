/**
 * Registry changes that read the same in every backend keeping a registered model as one document (the JSON store's
 * model file, an mlruns model folder): each applies a rule of registry-rules.ts inside the backend's own atomic
 * `change` of that document. A backend supplies `change` and the reads; these are written once.
 */
import type { Change, ModelStage, ModelUpdate, ModelVersionRecord, RegisteredModelRecord } from './registry-store.js';
import * as rules from './registry-rules.js';

export abstract class DocumentRegistry {
  /** Applies `mutate` to the stored model under the backend's lock and writes it back atomically. */
  protected abstract change<T>(name: string, mutate: (doc: RegisteredModelRecord, now: number) => T): Promise<T>;

  async updateModelVersion(name: string, version: number, update: ModelUpdate): Promise<ModelVersionRecord> {
    return this.change(name, (doc, now) => {
      const target = rules.findVersion(doc, version);
      rules.applyUpdate(target, update, now);
      return target;
    });
  }

  async deleteModelVersion(name: string, version: number, change: Change): Promise<void> {
    await this.change(name, (doc, now) => rules.deleteVersion(doc, version, change, now));
  }

  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    options: Change & { archiveExisting: boolean },
  ): Promise<ModelVersionRecord> {
    return this.change(name, (doc, now) => rules.transition(doc, version, stage, options, now));
  }

  async setAlias(name: string, alias: string, version: number, change: Change): Promise<void> {
    await this.change(name, (doc, now) => rules.setAlias(doc, alias, version, change, now));
  }

  async deleteAlias(name: string, alias: string, change: Change): Promise<void> {
    await this.change(name, (doc, now) => rules.deleteAlias(doc, alias, change, now));
  }
}
