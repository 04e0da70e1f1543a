/**
 * The experiments of a JSON store: one shared lowdb document, `experiments.json`, read without a lock and changed only
 * under its cross-process lock (re-read, change, temp file + fsync + rename). Ids count up from 1; 0 is "Default".
 */
import type { Experiment, ViewType } from '../../core/entities.js';
import { badState, corrupt, exists, invalid, notFound } from '../../core/errors.js';
import { readJsonDocument, SafeJsonAdapter, updateDocument } from './json-document.js';
import { isExperimentsDoc, type ExperimentsDoc } from './shapes.js';

const EXPERIMENTS_DOC = 'an experiment list { nextId, experiments: [...] }';

export class ExperimentIndex {
  private readonly doc: SafeJsonAdapter<ExperimentsDoc>;

  constructor(file: string) {
    this.doc = new SafeJsonAdapter(file, isExperimentsDoc, EXPERIMENTS_DOC, true);
  }

  /** Creates the document with the Default experiment (id 0) in a new store. */
  async ensureDefault(): Promise<void> {
    if (readJsonDocument(this.doc.file, isExperimentsDoc, EXPERIMENTS_DOC) !== null) return;
    await updateDocument(this.doc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      if (!doc.experiments.some((e) => e.id === '0')) doc.experiments.unshift(newExperiment('0', 'Default', {}));
    });
  }

  private read(): ExperimentsDoc {
    const doc = readJsonDocument(this.doc.file, isExperimentsDoc, EXPERIMENTS_DOC);
    if (doc === null) throw corrupt(this.doc.file, 'is missing');
    return doc;
  }

  async create(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    return updateDocument(this.doc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const same = doc.experiments.find((e) => e.name === name);
      if (same) {
        throw exists(`experiment "${name}" already exists${same.lifecycleStage === 'deleted' ? ' (deleted; restore it with `tracklab experiments restore`)' : ''}`);
      }
      const exp = newExperiment(String(doc.nextId++), name, tags);
      doc.experiments.push(exp);
      return exp;
    });
  }

  async ensure(name: string): Promise<Experiment> {
    const found = this.read().experiments.find((e) => e.name === name);
    if (found) return checkActive(found);
    return updateDocument(this.doc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const same = doc.experiments.find((e) => e.name === name);
      if (same) return checkActive(same);
      const exp = newExperiment(String(doc.nextId++), name, {});
      doc.experiments.push(exp);
      return exp;
    });
  }

  async get(id: string): Promise<Experiment> {
    const exp = this.read().experiments.find((e) => e.id === id);
    if (!exp) throw notFound(`experiment id "${id}" does not exist; see \`tracklab experiments list\``);
    return exp;
  }

  async byName(name: string): Promise<Experiment | undefined> {
    return this.read().experiments.find((e) => e.name === name);
  }

  async list(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.read().experiments.filter((e) => inView(e.lifecycleStage, view));
  }

  async setLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (id === '0' && stage === 'deleted') throw invalid('the Default experiment (id 0) cannot be deleted');
    await this.change(id, (e) => { e.lifecycleStage = stage; });
  }

  async setTag(id: string, key: string, value: string): Promise<void> {
    await this.change(id, (e) => { e.tags[key] = value; });
  }

  private async change(id: string, change: (e: Experiment) => void): Promise<void> {
    await updateDocument(this.doc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const exp = doc.experiments.find((e) => e.id === id);
      if (!exp) throw notFound(`experiment id "${id}" does not exist`);
      change(exp);
      exp.lastUpdateTime = Date.now();
    });
  }
}

function newExperiment(id: string, name: string, tags: Record<string, string>): Experiment {
  const now = Date.now();
  return { id, name, lifecycleStage: 'active', creationTime: now, lastUpdateTime: now, tags: Object.assign(Object.create(null) as object, tags) };
}

function checkActive(exp: Experiment): Experiment {
  if (exp.lifecycleStage === 'deleted') {
    throw badState(`experiment "${exp.name}" is deleted; restore it with \`tracklab experiments restore "${exp.name}"\` or use another name`);
  }
  return exp;
}

export const inView = (stage: 'active' | 'deleted', view: ViewType): boolean =>
  view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
