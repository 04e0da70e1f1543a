/**
 * The experiments of a JSON store: one shared lowdb document, `experiments.json`, read without a lock and changed only
 * under its cross-process lock (re-read, change, temp file + fsync + rename). Ids count up from 1; 0 is "Default".
 */
import { dirname } from 'node:path';
import type { Experiment, ViewType } from '../../core/entities.js';
import { badState, corrupt, exists, invalid, notFound } from '../../core/errors.js';
import { SafeJsonAdapter, updateDocument } from './json-document.js';
import { isExperimentsDoc, type ExperimentsDoc } from './shapes.js';
import { storeMessages } from '../messages.js';

const EXPERIMENTS_DOC = 'an experiment list { nextId, experiments: [...] }';

export class ExperimentIndex {
  private readonly doc: SafeJsonAdapter<ExperimentsDoc>;

  constructor(file: string) {
    this.doc = new SafeJsonAdapter(file, isExperimentsDoc, EXPERIMENTS_DOC, true, experimentsProblem);
  }

  /**
   * Creates the document with the Default experiment (id 0) in a new store. `hasRuns` says whether the store already
   * holds runs: then a missing document is damage (recreating it would hand out ids its runs carry), never recreated.
   */
  async ensureDefault(hasRuns: () => boolean): Promise<void> {
    if (this.doc.readSync() !== null) return;
    await updateDocument(
      this.doc,
      () => {
        if (hasRuns()) throw corrupt(this.doc.file, storeMessages.experimentsIndexMissing());
        return { nextId: 1, experiments: [] };
      },
      (doc) => {
        if (!doc.experiments.some((e) => e.id === '0')) doc.experiments.unshift(newExperiment('0', 'Default', {}));
      },
    );
  }

  private read(): ExperimentsDoc {
    const doc = this.doc.readSync();
    if (doc === null) throw corrupt(this.doc.file, storeMessages.fileAbsent());
    return doc;
  }

  async create(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    return updateDocument(
      this.doc,
      () => ({ nextId: 1, experiments: [] }),
      (doc) => {
        const same = doc.experiments.find((e) => e.name === name);
        if (same) {
          throw exists(storeMessages.experimentExists(name, same.lifecycleStage === 'deleted'));
        }
        const exp = newExperiment(String(doc.nextId++), name, tags);
        doc.experiments.push(exp);
        return exp;
      },
    );
  }

  async ensure(name: string): Promise<Experiment> {
    const found = this.read().experiments.find((e) => e.name === name);
    if (found) return checkActive(found);
    return updateDocument(
      this.doc,
      () => ({ nextId: 1, experiments: [] }),
      (doc) => {
        const same = doc.experiments.find((e) => e.name === name);
        if (same) return checkActive(same);
        const exp = newExperiment(String(doc.nextId++), name, {});
        doc.experiments.push(exp);
        return exp;
      },
    );
  }

  async get(id: string): Promise<Experiment> {
    const exp = this.read().experiments.find((e) => e.id === id);
    if (!exp) throw notFound(storeMessages.experimentMissing(id, dirname(this.doc.file)));
    return exp;
  }

  async byName(name: string): Promise<Experiment | undefined> {
    return this.read().experiments.find((e) => e.name === name);
  }

  async list(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.read().experiments.filter((e) => inView(e.lifecycleStage, view));
  }

  async setLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (id === '0' && stage === 'deleted') throw invalid(storeMessages.defaultExperimentUndeletable());
    await this.change(id, (e) => {
      e.lifecycleStage = stage;
    });
  }

  async setTag(id: string, key: string, value: string): Promise<void> {
    await this.change(id, (e) => {
      e.tags[key] = value;
    });
  }

  private async change(id: string, change: (e: Experiment) => void): Promise<void> {
    await updateDocument(
      this.doc,
      () => ({ nextId: 1, experiments: [] }),
      (doc) => {
        const exp = doc.experiments.find((e) => e.id === id);
        if (!exp) throw notFound(storeMessages.experimentMissing(id, dirname(this.doc.file)));
        change(exp);
        exp.lastUpdateTime = Date.now();
      },
    );
  }
}

/** Ids and names are unique, and `nextId` is ahead of every numeric id (else a new experiment would reuse one). */
export function experimentsProblem(doc: ExperimentsDoc): string | undefined {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const e of doc.experiments) {
    if (ids.has(e.id)) return `holds experiment id "${e.id}" twice`;
    if (names.has(e.name)) return `holds experiment name ${JSON.stringify(e.name)} twice`;
    ids.add(e.id);
    names.add(e.name);
    if (/^\d+$/.test(e.id) && Number(e.id) >= doc.nextId)
      return `has nextId ${doc.nextId}, not above experiment id ${e.id}`;
  }
  if (!Number.isSafeInteger(doc.nextId) || doc.nextId < 1) return `has an invalid nextId ${doc.nextId}`;
  return undefined;
}

function newExperiment(id: string, name: string, tags: Record<string, string>): Experiment {
  const now = Date.now();
  return {
    id,
    name,
    lifecycleStage: 'active',
    creationTime: now,
    lastUpdateTime: now,
    tags: Object.assign(Object.create(null) as object, tags),
  };
}

function checkActive(exp: Experiment): Experiment {
  if (exp.lifecycleStage === 'deleted') {
    throw badState(storeMessages.experimentDeleted(exp.name));
  }
  return exp;
}

export const inView = (stage: 'active' | 'deleted', view: ViewType): boolean =>
  view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
