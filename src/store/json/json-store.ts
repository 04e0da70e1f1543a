/**
 * The embedded default backend: human-readable JSON files, safe with many writer processes.
 *
 * <root>/tracklab-store.json        { layoutVersion }
 * <root>/experiments.json           shared: every experiment; changed only under its lock
 * <root>/runs/<run id>/run.json     one run: info, params, tags, metric summaries, inputs (rewritten under its lock)
 * <root>/runs/<run id>/metrics.jsonl  append-only points, written by the process that owns the run
 * <root>/runs/<run id>/artifacts/   the run's files
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactEntry, Experiment, MetricPoint, RunRecord, ViewType } from '../../core/entities.js';
import { badState, corrupt, exists, invalid, ioError, notFound } from '../../core/errors.js';
import { STORE_LAYOUT_VERSION } from '../../core/version.js';
import type { NewRun, RunBatch, RunUpdate, RunWriter, TrackingStore } from '../tracking-store.js';
import { ArtifactFolder } from './artifacts.js';
import { TEMP_FILE_RE, writeFileAtomicSync } from './atomic-file.js';
import { parseJsonDocument, readJsonDocument, SafeJsonAdapter, updateDocument } from './json-document.js';
import { readMetricLog } from './metric-log.js';
import { applyUpdate, appendUpdate, foldUpdates, type RunUpdateLine } from './run-updates.js';
import { JsonRunWriter, serializeRun } from './run-writer.js';
import { withLock } from './lock.js';
import { isExperimentsDoc, isRunRecord, isStoreMeta, type ExperimentsDoc, type StoredRun, type StoreMeta } from './shapes.js';

const RUN_DOC = 'a tracklab run (id, experimentId, name, status, params, tags, metrics, ...)';
const EXPERIMENTS_DOC = 'an experiment list { nextId, experiments: [...] }';
const HOST = hostname();

export class JsonStore implements TrackingStore {
  readonly uri: string;
  private readonly experimentsDoc: SafeJsonAdapter<ExperimentsDoc>;
  private readonly runCache = new Map<string, { mtimeMs: number; size: number; record: StoredRun }>();
  private readonly writers = new Map<string, JsonRunWriter>();
  /** runs this handle created: it owns them even before it opens a writer */
  private readonly created = new Set<string>();

  private constructor(readonly root: string) {
    this.uri = pathToFileURL(root).href;
    this.experimentsDoc = new SafeJsonAdapter(join(root, 'experiments.json'), isExperimentsDoc, EXPERIMENTS_DOC, true);
  }

  /** Opens (creating if needed) the store in `root`; refuses a store of another layout version. */
  static async open(root: string): Promise<JsonStore> {
    const store = new JsonStore(root);
    await store.init();
    return store;
  }

  private async init(): Promise<void> {
    const metaFile = join(this.root, 'tracklab-store.json');
    try {
      mkdirSync(join(this.root, 'runs'), { recursive: true });
    } catch (error) {
      throw ioError('create the store folder', this.root, error);
    }
    const meta = readJsonDocument<StoreMeta>(metaFile, isStoreMeta, 'a store description { layoutVersion }');
    if (meta === null) {
      await updateDocument(new SafeJsonAdapter<StoreMeta>(metaFile, isStoreMeta, 'store description', true),
        () => ({ layoutVersion: STORE_LAYOUT_VERSION }), () => undefined);
    } else if (meta.layoutVersion !== STORE_LAYOUT_VERSION) {
      throw badState(`store ${this.root} has layout version ${meta.layoutVersion}, this tracklab reads version ${STORE_LAYOUT_VERSION}; `
        + (meta.layoutVersion > STORE_LAYOUT_VERSION ? 'upgrade tracklab' : 'migrate it with a matching tracklab release'));
    }
    await this.ensureDefaultExperiment();
    this.removeDeadTempFiles(this.root);
  }

  private async ensureDefaultExperiment(): Promise<void> {
    if (readJsonDocument(this.experimentsDoc.file, isExperimentsDoc, EXPERIMENTS_DOC) !== null) return;
    await updateDocument(this.experimentsDoc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      if (!doc.experiments.some((e) => e.id === '0')) doc.experiments.unshift(newExperiment('0', 'Default', {}));
    });
  }

  /** Temp files of writers that died mid-write (their pid is gone) are removed. */
  private removeDeadTempFiles(dir: string): void {
    for (const name of readdirSync(dir)) {
      const pid = TEMP_FILE_RE.exec(name)?.[1];
      if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(dir, name), { force: true });
    }
  }

  // ---- experiments ----
  private readExperiments(): ExperimentsDoc {
    const doc = readJsonDocument(this.experimentsDoc.file, isExperimentsDoc, EXPERIMENTS_DOC);
    if (doc === null) throw corrupt(this.experimentsDoc.file, 'is missing');
    return doc;
  }

  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    return updateDocument(this.experimentsDoc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const same = doc.experiments.find((e) => e.name === name);
      if (same) {
        throw exists(`experiment "${name}" already exists${same.lifecycleStage === 'deleted' ? ' (deleted; restore it with `tracklab experiments restore`)' : ''}`);
      }
      const exp = newExperiment(String(doc.nextId++), name, tags);
      doc.experiments.push(exp);
      return exp;
    });
  }

  async ensureExperiment(name: string): Promise<Experiment> {
    const found = this.readExperiments().experiments.find((e) => e.name === name);
    if (found) return checkActive(found);
    return updateDocument(this.experimentsDoc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const same = doc.experiments.find((e) => e.name === name);
      if (same) return checkActive(same);
      const exp = newExperiment(String(doc.nextId++), name, {});
      doc.experiments.push(exp);
      return exp;
    });
  }

  async getExperiment(id: string): Promise<Experiment> {
    const exp = this.readExperiments().experiments.find((e) => e.id === id);
    if (!exp) throw notFound(`experiment id "${id}" does not exist; see \`tracklab experiments list\``);
    return exp;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.readExperiments().experiments.find((e) => e.name === name);
  }

  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.readExperiments().experiments.filter((e) => inView(e.lifecycleStage, view));
  }

  async setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    if (id === '0' && stage === 'deleted') throw invalid('the Default experiment (id 0) cannot be deleted');
    await this.changeExperiment(id, (e) => { e.lifecycleStage = stage; });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.changeExperiment(id, (e) => { e.tags[key] = value; });
  }

  private async changeExperiment(id: string, change: (e: Experiment) => void): Promise<void> {
    await updateDocument(this.experimentsDoc, () => ({ nextId: 1, experiments: [] }), (doc) => {
      const exp = doc.experiments.find((e) => e.id === id);
      if (!exp) throw notFound(`experiment id "${id}" does not exist`);
      change(exp);
      exp.lastUpdateTime = Date.now();
    });
  }

  // ---- runs ----
  private runDir(id: string): string { return join(this.root, 'runs', id); }
  private runFile(id: string): string { return join(this.runDir(id), 'run.json'); }

  async createRun(input: NewRun): Promise<RunRecord> {
    const record: StoredRun = {
      id: randomRunId(), experimentId: input.experimentId, name: input.name, status: 'RUNNING',
      startTime: input.startTime, endTime: null, lifecycleStage: 'active', deletedTime: null, user: input.user,
      params: {}, tags: { ...input.tags }, metrics: {}, inputs: [], owner: { pid: process.pid, host: HOST },
    };
    try {
      mkdirSync(this.runDir(record.id));
    } catch (error) {
      throw ioError('create run folder', this.runDir(record.id), error);
    }
    writeFileAtomicSync(this.runFile(record.id), serializeRun(record), false);
    this.created.add(record.id);
    return record;
  }

  /** run.json as stored, or a RESOURCE_DOES_NOT_EXIST error. */
  private readStored(id: string): StoredRun {
    const record = readJsonDocument(this.runFile(id), isRunRecord, RUN_DOC);
    if (record === null) throw notFound(`run "${id}" does not exist in store ${this.root}; list runs with \`tracklab runs list\``);
    return record;
  }

  /** A RUNNING run may have changes from other processes that its owner has not folded in yet. */
  private withPendingUpdates(record: StoredRun): StoredRun {
    if (record.status !== 'RUNNING') return record;
    const copy = structuredClone(record);
    foldUpdates(copy, join(this.runDir(record.id), 'updates.jsonl'));
    return copy;
  }

  async getRun(id: string): Promise<RunRecord> {
    return this.withPendingUpdates(this.readStored(id));
  }

  async openRunWriter(id: string): Promise<RunWriter> {
    const mine = this.writers.get(id);
    if (mine) return mine;
    const record = this.readStored(id);
    this.removeDeadTempFiles(this.runDir(id));
    foldUpdates(record, join(this.runDir(id), 'updates.jsonl'));
    record.owner = { pid: process.pid, host: HOST };
    const writer = new JsonRunWriter(this.runDir(id), record, () => this.writers.delete(id));
    this.writers.set(id, writer);
    installExitHook(this.writers);
    return writer;
  }

  /**
   * A change from a process that does not own the run. While the owner lives and the run is RUNNING, the change is
   * appended to updates.jsonl for the owner to fold in; otherwise run.json is rewritten under the run's lock.
   */
  private async changeRun(id: string, update: RunUpdateLine, change: (r: StoredRun) => void): Promise<void> {
    const mine = this.writers.get(id);
    if (mine) return mine.applyHere(update);
    await withLock(this.runFile(id), () => {
      const record = this.readStored(id);
      this.removeDeadTempFiles(this.runDir(id));
      foldUpdates(record, join(this.runDir(id), 'updates.jsonl'));
      change(record);
      if (record.status === 'RUNNING' && ownerAlive(record.owner) && !this.created.has(id)) appendUpdate(join(this.runDir(id), 'updates.jsonl'), update);
      else writeFileAtomicSync(this.runFile(id), serializeRun(record), true);
    });
  }

  /** Params, inputs and status of a run another live process is logging can only come from that process. */
  private async rewriteRun(id: string, change: (r: StoredRun) => void): Promise<RunRecord> {
    return withLock(this.runFile(id), () => {
      const record = this.readStored(id);
      if (record.status === 'RUNNING' && ownerAlive(record.owner) && !this.created.has(id)) {
        throw badState(`run ${id} is being logged by process ${record.owner?.pid} on ${record.owner?.host}; log to it from that process, or end it there first`);
      }
      this.removeDeadTempFiles(this.runDir(id));
      foldUpdates(record, join(this.runDir(id), 'updates.jsonl'));
      change(record);
      writeFileAtomicSync(this.runFile(id), serializeRun(record), true);
      return record;
    });
  }

  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    return this.rewriteRun(id, (r) => {
      if (update.status !== undefined) r.status = update.status;
      if (update.endTime !== undefined) r.endTime = update.endTime;
      if (update.name !== undefined) r.name = update.name;
    });
  }

  async setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    const at = Date.now();
    await this.changeRun(id, { at, lifecycleStage: stage }, (r) => applyUpdate(r, { at, lifecycleStage: stage }));
  }

  async logBatch(id: string, batch: RunBatch): Promise<void> {
    const mine = this.writers.get(id);
    if (mine) return mine.logBatch(batch);
    const deletedCheck = (r: StoredRun): void => {
      if (r.lifecycleStage === 'deleted') throw badState(`run ${id} is deleted; restore it with \`tracklab runs restore ${id}\` before logging to it`);
    };
    if (batch.params || batch.inputs) {
      await this.rewriteRun(id, (r) => {
        deletedCheck(r);
        for (const [key, value] of Object.entries(batch.params ?? {})) {
          const old = r.params[key];
          if (old !== undefined && old !== value) {
            throw invalid(`changing param values is not allowed: param "${key}" of run ${id} is "${old}", got "${value}"; log it under another key or start a new run`);
          }
        }
        Object.assign(r.params, batch.params);
        Object.assign(r.tags, batch.tags);
        for (const input of batch.inputs ?? []) {
          const i = r.inputs.findIndex((x) => x.name === input.name && x.digest === input.digest);
          if (i === -1) r.inputs.push(input);
          else r.inputs[i] = input;
        }
      });
      return;
    }
    const at = Date.now();
    const tags = { ...batch.tags };
    await this.changeRun(id, { at, tags }, (r) => {
      deletedCheck(r);
      applyUpdate(r, { at, tags });
    });
  }

  async deleteTag(id: string, key: string): Promise<void> {
    const at = Date.now();
    await this.changeRun(id, { at, deleteTag: key }, (r) => {
      if (!(key in r.tags)) throw notFound(`run ${id} has no tag "${key}"`);
      applyUpdate(r, { at, deleteTag: key });
    });
  }

  async getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    await this.getRun(id);
    return readMetricLog(join(this.runDir(id), 'metrics.jsonl'), key);
  }

  async getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    await this.getRun(id);
    return readMetricLog(join(this.runDir(id), 'metrics.jsonl'));
  }

  async listRuns(experimentIds: readonly string[], view: ViewType): Promise<RunRecord[]> {
    const wanted = new Set(experimentIds);
    const out: RunRecord[] = [];
    for (const id of readdirSync(join(this.root, 'runs'))) {
      const stored = this.readRunCached(id);
      if (!stored || !wanted.has(stored.experimentId)) continue;
      const record = this.withPendingUpdates(stored);
      if (inView(record.lifecycleStage, view)) out.push(record);
    }
    return out;
  }

  /** Reads run.json, reusing the parsed copy while the file's mtime and size are unchanged. */
  private readRunCached(id: string): StoredRun | undefined {
    const file = join(this.runDir(id), 'run.json');
    let st;
    try {
      st = statSync(file);
    } catch {
      return undefined; // a folder being created, or not a run
    }
    const hit = this.runCache.get(id);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.record;
    const record = parseJsonDocument(file, readFileSync(file, 'utf8'), isRunRecord, RUN_DOC);
    this.runCache.set(id, { mtimeMs: st.mtimeMs, size: st.size, record });
    return record;
  }

  // ---- artifacts ----
  private artifacts(runId: string): ArtifactFolder { return new ArtifactFolder(join(this.runDir(runId), 'artifacts'), runId); }

  async logArtifact(runId: string, localPath: string, artifactDir: string): Promise<void> {
    await this.getRun(runId);
    this.artifacts(runId).copyIn(localPath, artifactDir);
  }

  async writeArtifact(runId: string, artifactPath: string, data: string | Uint8Array): Promise<void> {
    await this.getRun(runId);
    this.artifacts(runId).write(artifactPath, data);
  }

  async listArtifacts(runId: string, dir = '', recursive = false): Promise<ArtifactEntry[]> {
    await this.getRun(runId);
    return this.artifacts(runId).list(dir, recursive);
  }

  async readArtifact(runId: string, artifactPath: string): Promise<Buffer> {
    await this.getRun(runId);
    return this.artifacts(runId).read(artifactPath);
  }

  async artifactLocalPath(runId: string, artifactPath: string): Promise<string | undefined> {
    await this.getRun(runId);
    return this.artifacts(runId).contained(artifactPath);
  }

  async close(): Promise<void> {
    for (const writer of this.writers.values()) await writer.flush();
  }
}

function newExperiment(id: string, name: string, tags: Record<string, string>): Experiment {
  const now = Date.now();
  return { id, name, lifecycleStage: 'active', creationTime: now, lastUpdateTime: now, tags: { ...tags } };
}

function checkActive(exp: Experiment): Experiment {
  if (exp.lifecycleStage === 'deleted') {
    throw badState(`experiment "${exp.name}" is deleted; restore it with \`tracklab experiments restore "${exp.name}"\` or use another name`);
  }
  return exp;
}

const inView = (stage: 'active' | 'deleted', view: ViewType): boolean =>
  view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');

const randomRunId = (): string => crypto.randomUUID().replaceAll('-', '');

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On exit, buffered metric points are written out (synchronously) so a script that forgets flush() loses nothing. */
const exitHooked = new WeakSet<Map<string, JsonRunWriter>>();
function installExitHook(writers: Map<string, JsonRunWriter>): void {
  if (exitHooked.has(writers)) return;
  exitHooked.add(writers);
  process.on('exit', () => {
    for (const writer of writers.values()) {
      try { writer.writeOutNow(); } catch { /* exiting: nothing more can be done */ }
    }
  });
}

function ownerAlive(owner: StoredRun['owner']): boolean {
  if (!owner) return false;
  if (owner.host !== HOST) return true; // another machine: assume it is alive, its updates will be folded later
  return processAlive(owner.pid);
}
