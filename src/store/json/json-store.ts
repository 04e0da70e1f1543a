/**
 * The embedded default backend: human-readable JSON files, safe with many writer processes.
 *
 * <root>/tracklab-store.json          { layoutVersion }
 * <root>/experiments.json             shared: every experiment; changed only under its lock (experiment-index.ts)
 * <root>/runs/<run id>/run.jsonl      the run as an append-only log of changes, from any process (run-log.ts)
 * <root>/runs/<run id>/metrics.jsonl  append-only points, written by the process that logs the run (metric-log.ts)
 * <root>/runs/<run id>/metrics.seg    the histories in columns up to a byte of metrics.jsonl; derived
 *                                     (metric-segment.ts)
 * <root>/runs/<run id>/artifacts/     the run's files (artifacts.ts)
 * <root>/.cache/runs-v<N>.json, .delta  folded runs for cold searches; derived, rebuilt when unreadable (run-cache.ts)
 */
import { join } from 'node:path';
import type {
  ArtifactEntry,
  Experiment,
  MetricColumns,
  MetricPoint,
  RunRecord,
  ViewType,
} from '../../core/entities.js';
import { badState, corrupt, ioError, notFound } from '../../core/errors.js';
import { STORE_LAYOUT_VERSION } from '../../core/version.js';
import type { RunPack } from '../../core/history-pack.js';
import type { SampledColumns, SampledHistory } from '../../core/history-sample.js';
import type { HistoryPoint } from '../../core/history-points.js';
import { newRunRecord } from '../tracking-store.js';
import type {
  NewRun,
  RunBatch,
  RunPage,
  RunSearch,
  RunUpdate,
  RunWriter,
  TrackingStoreCore,
} from '../tracking-store.js';
import type { ArtifactFolder } from './artifacts.js';
import { removeDeadTempFiles } from './atomic-file.js';
import { readJsonDocument, SafeJsonAdapter, updateDocument } from './json-document.js';
// the history readers are part of the store's module graph: a separate import() on the first read cost ~2 ms of a
// cold read, loading them here costs an open within its noise (BENCHMARKS.md)
import {
  openStoredRun,
  readColumns,
  readHistory,
  readHistoryPoints,
  readRunPack,
  sampleStoredHistories,
  sampleStoredHistory,
  uncoveredBytes,
  type StoredRun,
} from './metric-series.js';
import type { Compaction } from './series-compaction.js';
import { appendEvents, batchEvents, eventLines, foldRunLog, readRunLog, RUN_LOG } from './run-log.js';
import { BadBase, RunCache, type Entry } from './run-cache.js';
import { LogReader } from './log-reader.js';
import { searchCached } from './run-search.js';
import { dict, type RunEvent } from './run-events.js';
import type { JsonRunWriter } from './run-writer.js';
import { isStoreMeta, type StoreMeta } from './shapes.js';
import { ExperimentIndex } from './experiment-index.js';
import { storeMessages } from '../messages.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeFileSync } =
  process.getBuiltinModule('node:fs');
const { pathToFileURL } = process.getBuiltinModule('node:url');

const NO_THROW_IF_ABSENT = { throwIfNoEntry: false } as const;

/** A read compacts first when this many bytes of metrics.jsonl are not in the segment. */
const COMPACT_ON_READ_BYTES = 1 << 20;

export class JsonStore implements TrackingStoreCore {
  readonly uri: string;
  private readonly experiments: ExperimentIndex;
  private readonly runCache: RunCache;
  private readonly writers = new Set<JsonRunWriter>();
  /** runs this handle just created, so opening their writer needs no read */
  private readonly justCreated = new Map<string, { run: RunRecord; bytes: number }>();

  private constructor(readonly root: string) {
    this.uri = pathToFileURL(root).href;
    this.runCache = new RunCache(root, (id) => this.readEntry(id, this.runLog(id)));
    this.experiments = new ExperimentIndex(join(root, 'experiments.json'));
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
      await updateDocument(
        new SafeJsonAdapter<StoreMeta>(metaFile, isStoreMeta, 'store description', true),
        () => ({ layoutVersion: STORE_LAYOUT_VERSION }),
        () => undefined,
      );
    } else if (meta.layoutVersion !== STORE_LAYOUT_VERSION) {
      throw badState(storeMessages.layoutVersion(this.root, meta.layoutVersion, STORE_LAYOUT_VERSION));
    }
    await this.experiments.ensureDefault(() => readdirSync(join(this.root, 'runs')).length > 0);
    removeDeadTempFiles(this.root);
  }

  // ---- experiments: one shared document (experiment-index.ts) ----
  createExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    return this.experiments.create(name, tags);
  }
  ensureExperiment(name: string): Promise<Experiment> {
    return this.experiments.ensure(name);
  }
  async getExperiment(id: string): Promise<Experiment> {
    return this.experiments.get(id);
  }
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments.byName(name);
  }
  async listExperiments(view: ViewType = 'ACTIVE_ONLY'): Promise<Experiment[]> {
    return this.experiments.list(view);
  }
  setExperimentLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.experiments.setLifecycle(id, stage);
  }
  setExperimentTag(id: string, key: string, value: string): Promise<void> {
    return this.experiments.setTag(id, key, value);
  }

  // ---- runs ----
  private runDir(id: string): string {
    return join(this.root, 'runs', id);
  }
  private runLog(id: string): string {
    return join(this.runDir(id), RUN_LOG);
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    const own: Partial<RunRecord> = { params: dict({}), tags: dict(input.tags), metrics: dict({}) };
    const record = newRunRecord(input.id ?? randomRunId(), input, own);
    const text = eventLines([{ op: 'create', run: record }]);
    try {
      mkdirSync(this.runDir(record.id));
      writeFileSync(this.runLog(record.id), text, { flag: 'wx' });
    } catch (error) {
      // a half-written first line would leave a run that looks "still being created" forever
      rmSync(this.runDir(record.id), { recursive: true, force: true });
      throw ioError('create run', this.runLog(record.id), error);
    }
    // the writer's own copy: the same values, in its own null-prototype records
    const copy: RunRecord = {
      ...record,
      params: dict<string>({}),
      tags: dict(record.tags),
      metrics: dict({}),
      inputs: [],
    };
    this.justCreated.set(record.id, { run: copy, bytes: Buffer.byteLength(text) });
    return record;
  }

  /** The folded run, or RESOURCE_DOES_NOT_EXIST. */
  private readRun(id: string): { run: RunRecord; lines: number; bytes: number } {
    const folded = readRunLog(this.runLog(id));
    if (folded === undefined) throw notFound(storeMessages.runMissing(id, this.root));
    if (folded.run === undefined) {
      throw badState(storeMessages.runBeingCreated(id, this.runLog(id), 'has no complete first line'));
    }
    checkFolder(folded.run, id, this.runLog(id));
    return folded as { run: RunRecord; lines: number; bytes: number };
  }

  async getRun(id: string): Promise<RunRecord> {
    return this.readRun(id).run;
  }

  async openRunWriter(id: string): Promise<RunWriter> {
    const { JsonRunWriter } = await runWriterModule(); // before reading the log, so nothing happens in between
    const fresh = this.justCreated.get(id);
    this.justCreated.delete(id);
    const { run, lines, bytes } = fresh ? { ...fresh, lines: 1 } : this.readRun(id);
    const writer: JsonRunWriter = new JsonRunWriter(this.runDir(id), run, bytes, lines, () => {
      this.writers.delete(writer);
      liveWriters.delete(writer);
    });
    this.writers.add(writer);
    trackWriter(writer);
    return writer;
  }

  /** Appends a change from any process: no lock, since every writer appends whole lines. */
  private changeRun(id: string, check: (r: RunRecord) => RunEvent[]): void {
    const events = check(this.readRun(id).run);
    if (events.length > 0) appendEvents(this.runLog(id), events);
  }

  async updateRun(id: string, update: RunUpdate): Promise<RunRecord> {
    this.changeRun(id, (r) => [
      ...(update.status !== undefined || update.endTime !== undefined
        ? [
            {
              op: 'status',
              status: update.status ?? r.status,
              endTime: update.endTime === undefined ? r.endTime : update.endTime,
            } as RunEvent,
          ]
        : []),
      ...(update.name !== undefined ? [{ op: 'name', name: update.name } as RunEvent] : []),
    ]);
    return this.readRun(id).run;
  }

  async setRunLifecycle(id: string, stage: 'active' | 'deleted'): Promise<void> {
    this.changeRun(id, () => [{ op: 'lifecycle', stage, at: Date.now() }]);
  }

  async logBatch(id: string, batch: RunBatch): Promise<void> {
    this.changeRun(id, (r) => batchEvents(r, batch));
  }

  async deleteTag(id: string, key: string): Promise<void> {
    this.changeRun(id, (r) => {
      if (!Object.hasOwn(r.tags, key)) throw notFound(storeMessages.tagMissing(id, key));
      return [{ op: 'deleteTag', key }];
    });
  }

  async getMetricHistory(id: string, key: string): Promise<MetricPoint[]> {
    const run = await this.getRun(id);
    return this.checkedSeries(run, readHistory(await this.storedRun(id), key), [key]);
  }

  async getMetricColumns(id: string, key: string): Promise<MetricColumns> {
    const run = await this.getRun(id);
    const cols = readColumns(await this.storedRun(id), key);
    this.checkCount(run, key, cols.steps.length);
    return cols;
  }

  async getHistoryPoints(id: string, key: string): Promise<HistoryPoint[]> {
    const run = await this.getRun(id);
    const points = readHistoryPoints(await this.storedRun(id), key);
    this.checkCount(run, key, points.length);
    return points;
  }

  async getAllMetricHistories(id: string): Promise<MetricPoint[]> {
    const run = await this.getRun(id);
    return this.checkedSeries(run, readHistory(await this.storedRun(id)), Object.keys(run.metrics));
  }

  async getSampledHistory(id: string, key: string, maxPoints: number): Promise<SampledHistory> {
    const run = await this.getRun(id);
    const sampled = sampleStoredHistory(await this.storedRun(id), key, maxPoints);
    this.checkCount(run, key, sampled.total);
    return sampled;
  }

  /** The drawn pack the run's segment holds for `keys` and `maxPoints` (metric-series.ts readRunPack). */
  async getRunPack(id: string, keys: readonly string[], maxPoints: number): Promise<RunPack | undefined> {
    // a report reads every run it just searched: their folds are cached, checked by one stat, not re-read
    const run = this.readRunCached(id) ?? (await this.getRun(id));
    // the pack is one block of the segment: the rest of it is not read
    const pack = readRunPack(openStoredRun(this.runDir(id), true), keys, maxPoints);
    for (const h of pack?.histories ?? []) this.checkCount(run, h.key, h.total);
    return pack;
  }

  /** getSampledHistory of several keys in one read, in columns. */
  async getSampledHistories(
    id: string,
    keys: readonly string[],
    maxPoints: number,
  ): Promise<Map<string, SampledColumns>> {
    // a report reads every run it just searched: their folds are cached, checked by one stat, not re-read
    const run = this.readRunCached(id) ?? (await this.getRun(id));
    const sampled = sampleStoredHistories(await this.storedRun(id), keys, maxPoints);
    for (const [key, s] of sampled) {
      const expected = Object.hasOwn(run.metrics, key) ? (run.metrics[key]?.count ?? 0) : 0;
      if (s.total < expected) this.checkedSeries(run, [], [key]);
    }
    return sampled;
  }

  /**
   * Writes the run's histories into its segment (series-compaction.ts); a no-op when it already covers every point
   * and holds a drawn pack of this version. Returns the points it holds.
   */
  async compactRun(id: string): Promise<Compaction> {
    await this.getRun(id);
    return (await compaction()).compactSeries(this.runDir(id));
  }

  /**
   * The run's histories as stored, for one read. A history read more than once should not parse megabytes of JSON
   * each time: when at least COMPACT_ON_READ_BYTES of metrics.jsonl are not in the segment, the run is compacted
   * first. Best effort: a read-only store is read from the lines.
   */
  private async storedRun(id: string): Promise<StoredRun> {
    const dir = this.runDir(id);
    const stored = openStoredRun(dir);
    if (uncoveredBytes(stored) < COMPACT_ON_READ_BYTES) return stored;
    stored.segment?.close();
    const { compactSeries } = await compaction();
    try {
      compactSeries(dir);
    } catch {
      // derived data only: the lines stay the truth
    }
    return openStoredRun(dir);
  }

  private seriesFile(id: string): string {
    return join(this.runDir(id), 'metrics.jsonl');
  }

  /**
   * A summary in run.jsonl is written only after its points, so a series with fewer points than the summary counts
   * lost lines (deleted, or cut from the middle): damage, not data.
   */
  private checkedSeries(run: RunRecord, points: MetricPoint[], keys: string[]): MetricPoint[] {
    const counts = new Map<string, number>();
    for (const p of points) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
    for (const key of keys) this.checkCount(run, key, counts.get(key) ?? 0);
    return points;
  }

  private checkCount(run: RunRecord, key: string, found: number): void {
    const expected = Object.hasOwn(run.metrics, key) ? (run.metrics[key]?.count ?? 0) : 0;
    if (found < expected) {
      throw corrupt(this.seriesFile(run.id), storeMessages.seriesShortOf(key, found, this.runLog(run.id), expected));
    }
  }

  /** One page of a search: new records, which callers may add fields to (their dicts may be the cache's). */
  async searchRuns(query: RunSearch): Promise<RunPage> {
    const ids = readdirSync(join(this.root, 'runs'));
    const reader = new LogReader();
    const lookup = (id: string): RunRecord | number | undefined => this.lookupRun(id, reader);
    let page: RunPage;
    try {
      page = searchCached(ids, this.runCache, lookup, query);
    } catch (error) {
      if (!(error instanceof BadBase)) throw error;
      this.runCache.dropBase(); // a damaged cache is derived data: read the logs instead
      page = searchCached(ids, this.runCache, lookup, query);
    }
    // after the answer: writing a new base costs about as much as the search that read every log
    this.runCache.saveSoon(ids);
    return page;
  }

  /**
   * The folded run `id`, or its row in the run cache's base, while the cached copy is still its log's content (one
   * stat tells); otherwise the log is read and folded, with `reader` without a stat. Undefined for a folder without a
   * run (yet).
   */
  private lookupRun(id: string, reader?: LogReader): RunRecord | number | undefined {
    const file = `${this.root}/runs/${id}/${RUN_LOG}`;
    const held = this.runCache.held(id);
    if (held !== undefined) {
      let st;
      try {
        st = statSync(file, NO_THROW_IF_ABSENT);
      } catch (error) {
        return notARun(file, error);
      }
      if (st === undefined) return undefined;
      if (this.runCache.matches(held, st)) return typeof held === 'number' ? held : held.record;
    }
    return reader ? this.readLog(id, file, reader) : this.foldLog(id, file);
  }

  /** The folded run `id` through the run cache (undefined for a folder without a run). */
  private readRunCached(id: string): RunRecord | undefined {
    try {
      const found = this.lookupRun(id);
      return typeof found === 'number' ? this.runCache.get(id)?.record : found;
    } catch (error) {
      if (!(error instanceof BadBase)) throw error;
      this.runCache.dropBase();
      return this.lookupRun(id) as RunRecord | undefined;
    }
  }

  /** Reads and folds a run's log and caches the fold, keyed by the log's size and mtime. */
  private foldLog(id: string, file: string): RunRecord | undefined {
    const entry = this.readEntry(id, file);
    if (entry !== undefined) this.runCache.set(id, entry);
    return entry?.record; // undefined while its first line is being written
  }

  /** A run's log read and folded, keyed by its size and mtime before the read; undefined for no run (yet). */
  private readEntry(id: string, file: string): Entry | undefined {
    // open, fstat and read through one descriptor (one syscall fewer than stat + readFile)
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      return notARun(file, error);
    }
    let st;
    let text: string;
    try {
      st = fstatSync(fd);
      const bytes = Buffer.allocUnsafe(st.size);
      let read = 0;
      while (read < st.size) {
        const n = readSync(fd, bytes, read, st.size - read, read);
        if (n === 0) break;
        read += n;
      }
      text = bytes.toString('utf8', 0, read);
    } finally {
      closeSync(fd);
    }
    const record = this.fold(id, text, file);
    return record && { mtimeMs: st.mtimeMs, size: st.size, record };
  }

  /**
   * foldLog for a search: the log read without a stat (log-reader.ts), the fold not kept by the cache, which keys or
   * reads it again when it saves, after the answer (run-cache-reads.ts).
   */
  private readLog(id: string, file: string, reader: LogReader): RunRecord | undefined {
    let read;
    try {
      read = reader.read(file);
    } catch (error) {
      return notARun(file, error);
    }
    const record = this.fold(id, read.text, file);
    if (record) this.runCache.setRead(id, read.size, read.readAt);
    return record;
  }

  /** The run folded from the text of its log; undefined while its first line is being written. */
  private fold(id: string, text: string, file: string): RunRecord | undefined {
    const record = foldRunLog(text, file);
    if (record) checkFolder(record, id, file);
    return record;
  }

  // ---- artifacts ----
  private async artifacts(runId: string): Promise<ArtifactFolder> {
    const { ArtifactFolder } = await (artifactsImport ??= import('./artifacts.js'));
    return new ArtifactFolder(join(this.runDir(runId), 'artifacts'), runId);
  }

  async logArtifact(runId: string, localPath: string, artifactDir: string): Promise<void> {
    await this.getRun(runId);
    (await this.artifacts(runId)).copyIn(localPath, artifactDir);
  }

  async writeArtifact(runId: string, artifactPath: string, data: string | Uint8Array): Promise<void> {
    await this.getRun(runId);
    (await this.artifacts(runId)).write(artifactPath, data);
  }

  async listArtifacts(runId: string, dir = '', recursive = false): Promise<ArtifactEntry[]> {
    await this.getRun(runId);
    return (await this.artifacts(runId)).list(dir, recursive);
  }

  async readArtifact(runId: string, artifactPath: string): Promise<Buffer> {
    await this.getRun(runId);
    return (await this.artifacts(runId)).read(artifactPath);
  }

  async artifactLocalPath(runId: string, artifactPath: string): Promise<string | undefined> {
    await this.getRun(runId);
    return (await this.artifacts(runId)).contained(artifactPath);
  }

  async close(): Promise<void> {
    this.runCache.flush();
    for (const writer of this.writers) await writer.flush();
  }
}

/** A folder without a run log is not a run (or one being created); a log that cannot be read is reported. */
function notARun(file: string, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw ioError('read run log', file, error);
}

/** A run folder copied under another name would list the run twice. */
function checkFolder(run: RunRecord, folder: string, file: string): void {
  if (run.id !== folder) {
    throw corrupt(file, storeMessages.runInWrongFolder(run.id, folder));
  }
}

// loaded on first write, so a listing does not load the writer and metric-log modules; the promise is kept, since an
// import() per run costs more than the write
let artifactsImport: Promise<typeof import('./artifacts.js')> | undefined;

let compactionImport: Promise<typeof import('./series-compaction.js')> | undefined;
/** Compaction (segments and packs written), loaded on the first compaction: a read of compacted runs never needs it. */
const compaction = (): Promise<typeof import('./series-compaction.js')> =>
  (compactionImport ??= import('./series-compaction.js'));
let runWriterImport: Promise<typeof import('./run-writer.js')> | undefined;
const runWriterModule = (): Promise<typeof import('./run-writer.js')> =>
  (runWriterImport ??= import('./run-writer.js'));

const randomRunId = (): string => crypto.randomUUID().replaceAll('-', '');

/** Writers of every store in this process; on exit their buffered points are written out synchronously. */
const liveWriters = new Set<JsonRunWriter>();
let exitHookInstalled = false;
function trackWriter(writer: JsonRunWriter): void {
  liveWriters.add(writer);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const w of liveWriters) {
      try {
        w.writeOutNow();
      } catch {
        /* exiting: nothing more can be done */
      }
    }
  });
}
