/** A run being logged by this process: cheap synchronous metric logging, buffered params and tags, flush and end. */
import type { DatasetInput, RunStatus } from './core/entities.js';
import { TAGS } from './core/entities.js';
import { join } from 'node:path';
import { badState, invalid, paramChanged, TracklabError } from './core/errors.js';
import { trackerMessages as msg } from './tracker-messages.js';
import {
  paramValueToString,
  tagValueToString,
  validateArtifactPath,
  validateKey,
  validateMetricValue,
  validateRunStatus,
  validateStep,
  validateTimestamp,
  ownEntries,
} from './core/validation.js';
import type { ArtifactRepository } from './store/artifact-repository.js';
import type { Backend } from './store/backend.js';
import type { RunWriter } from './store/tracking-store.js';
import { writeModel, type LogModelOptions, type LoggedModel } from './models/model-package.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { readdirSync, statSync } = process.getBuiltinModule('node:fs');

export interface MetricOptions {
  /** integer step, default 0 */
  step?: number;
  /** ms since the epoch, default now */
  timestamp?: number;
}

export class ActiveRun {
  private readonly knownParams: Map<string, string>;
  private pendingParams: Record<string, string> = Object.create(null) as Record<string, string>;
  private pendingTags: Record<string, string> = Object.create(null) as Record<string, string>;
  private readonly validMetricKeys = new Set<string>();
  private ended = false;
  private finished = false;

  /** @internal created by Tracker.startRun */
  constructor(
    private readonly backend: Backend,
    private readonly artifacts: ArtifactRepository,
    private readonly writer: RunWriter,
    readonly id: string,
    readonly name: string,
    readonly experimentId: string,
    readonly experimentName: string,
    params: Record<string, string>,
    private readonly onEnd: (run: ActiveRun) => void,
  ) {
    this.knownParams = new Map(Object.entries(params));
  }

  /** Whether end() was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Logs one metric point. Synchronous and cheap: the point is buffered and written by flush() or end().
   * @example run.logMetric('loss', 0.31, { step: 1 });
   */
  logMetric(key: string, value: number, options?: MetricOptions): void {
    this.assertOpen();
    if (!this.validMetricKeys.has(key)) {
      validateKey('metric', key);
      this.validMetricKeys.add(key);
    }
    if (typeof value !== 'number') validateMetricValue(key, value);
    let step = options?.step ?? 0;
    if (!Number.isSafeInteger(step)) validateStep(key, step);
    if (step === 0) step = 0; // a step of -0 is step 0 (steps are integers)
    const timestamp = options?.timestamp ?? Date.now();
    if (options?.timestamp !== undefined) validateTimestamp(key, timestamp);
    this.writer.appendMetric(key, value, step, timestamp);
  }

  /** @example run.logMetrics({ loss: 0.3, acc: 0.9 }, { step: 2 }); */
  logMetrics(metrics: Record<string, number>, options?: MetricOptions): void {
    const timestamp = options?.timestamp ?? Date.now();
    for (const [key, value] of ownEntries('metrics', metrics))
      this.logMetric(key, value as number, { ...options, timestamp });
  }

  /** Validates and buffers params (synchronously; a changed value throws here). Written by the next flush(). */
  queueParams(params: Record<string, unknown>): void {
    this.assertOpen();
    const staged: [string, string][] = [];
    for (const [key, value] of ownEntries('params', params)) {
      validateKey('param', key);
      const text = paramValueToString(key, value);
      const old = this.knownParams.get(key) ?? staged.find(([k]) => k === key)?.[1];
      if (old !== undefined && old !== text) {
        throw paramChanged(key, this.id, old, text);
      }
      staged.push([key, text]);
    }
    for (const [key, text] of staged) {
      this.knownParams.set(key, text);
      this.pendingParams[key] = text;
    }
  }

  /** Validates and buffers tags (synchronously). Written by the next flush(). */
  queueTags(tags: Record<string, unknown>): void {
    this.assertOpen();
    const staged = ownEntries('tags', tags).map(
      ([key, value]) => [validateKey('tag', key), tagValueToString(key, value)] as const,
    );
    for (const [key, text] of staged) this.pendingTags[key] = text;
  }

  /** @example await run.logParam('lr', 0.1); */
  async logParam(key: string, value: unknown): Promise<void> {
    await this.logParams({ [key]: value });
  }

  /**
   * Validates and writes params; a changed value throws here. Against an MLflow server they are sent with the run's
   * next request (within a quarter of a second, or by flush/end, which report a refusal), as its metric points are.
   * @example await run.logParams({ depth: 3, model: 'rf' });
   */
  async logParams(params: Record<string, unknown>): Promise<void> {
    this.queueParams(params);
    await this.writePending();
  }

  async setTag(key: string, value: unknown): Promise<void> {
    await this.setTags({ [key]: value });
  }

  async setTags(tags: Record<string, unknown>): Promise<void> {
    this.queueTags(tags);
    await this.writePending();
  }

  /** Sets the run's Markdown description (tag mlflow.note.content). */
  async setNote(markdown: string): Promise<void> {
    await this.setTag(TAGS.note, markdown);
  }

  /** Records a dataset the run used (MLflow log_input). */
  async logInput(dataset: DatasetInput): Promise<void> {
    this.assertOpen();
    if (typeof dataset?.name !== 'string' || dataset.name === '' || dataset.name.length > 500) {
      throw invalid(msg.datasetNameInvalid(dataset?.name));
    }
    if (typeof dataset.digest !== 'string' || dataset.digest.length > 36) {
      throw invalid(msg.datasetDigestInvalid(dataset.name, dataset.digest));
    }
    await this.writer.logBatch({ inputs: [{ ...dataset }] });
  }

  /**
   * Copies a local file or folder into the run's artifacts, under `artifactDir` if given (a folder lands as
   * `artifactDir/<its name>`; use logArtifacts to copy a folder's contents, as MLflow's log_artifacts does).
   */
  async logArtifact(localPath: string, artifactDir = ''): Promise<void> {
    this.assertOpen();
    await this.artifacts.copyIn(localPath, validateArtifactPath(artifactDir, 'artifact folder'));
  }

  /**
   * MLflow's log_artifacts: copies the contents of folder `localDir` under `artifactPath` ('' is the root).
   * @example await run.logArtifacts('./plots', 'charts'); // ./plots/a.png -> charts/a.png
   */
  async logArtifacts(localDir: string, artifactPath = ''): Promise<void> {
    this.assertOpen();
    const dir = validateArtifactPath(artifactPath, 'artifact folder');
    let names: string[];
    try {
      if (!statSync(localDir).isDirectory()) throw invalid(msg.artifactsNotAFolder(localDir));
      names = readdirSync(localDir).sort();
    } catch (error) {
      if (error instanceof TracklabError) throw error;
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message;
      throw invalid(msg.artifactsUnreadable(localDir, reason));
    }
    for (const name of names) await this.artifacts.copyIn(join(localDir, name), dir);
  }

  /** @example await run.logText('# notes', 'notes.md'); */
  async logText(text: string, artifactPath: string): Promise<void> {
    this.assertOpen();
    await this.artifacts.write(validateArtifactPath(artifactPath), String(text));
  }

  /** Writes `value` as pretty JSON to an artifact. */
  async logDict(value: unknown, artifactPath: string): Promise<void> {
    await this.logText(`${JSON.stringify(value, null, 2)}\n`, artifactPath);
  }

  /**
   * Saves a model into this run's artifacts (default folder "model") with a manifest, `tracklab-model.json`.
   * @example
   * const logged = await run.logModel(rf, { path: 'model', inputExample: X.slice(0, 5) });
   * // logged.uri === `runs:/${run.id}/model`
   */
  async logModel(model: unknown, options: LogModelOptions = {}): Promise<LoggedModel> {
    this.assertOpen();
    return writeModel(this.backend, this.id, model, options);
  }

  /** Everything logged so far survives a crash of this process (kill -9) once this resolves. */
  async flush(): Promise<void> {
    await this.writePending();
    await this.writer.flush();
  }

  /** Flushes, marks the run ended and fsyncs it (survives power loss). Default status FINISHED. */
  async end(status: RunStatus | Lowercase<RunStatus> = 'FINISHED'): Promise<void> {
    const final = validateRunStatus(status);
    if (final === 'RUNNING' || final === 'SCHEDULED') throw invalid(msg.endStatusInvalid(status));
    if (this.finished) return;
    await this.writePending();
    // no more logging from here; but only a successful end counts, so a failed one (a full disk) can be retried
    this.ended = true;
    await this.writer.end(final, Date.now());
    this.finished = true;
    this.onEnd(this);
  }

  private async writePending(): Promise<void> {
    const params = this.pendingParams;
    const tags = this.pendingTags;
    if (Object.keys(params).length === 0 && Object.keys(tags).length === 0) return;
    this.pendingParams = Object.create(null) as Record<string, string>;
    this.pendingTags = Object.create(null) as Record<string, string>;
    if (this.writer.queueBatch) {
      // a server: they travel with the run's next request, which reports a refusal (see RunWriter.queueBatch)
      this.writer.queueBatch({ params, tags });
      return;
    }
    try {
      await this.writer.logBatch({ params, tags });
    } catch (error) {
      // not written: keep them for the next flush, under anything buffered meanwhile
      this.pendingParams = Object.assign(Object.create(null) as Record<string, string>, params, this.pendingParams);
      this.pendingTags = Object.assign(Object.create(null) as Record<string, string>, tags, this.pendingTags);
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.ended) throw badState(msg.runEnded(this.name, this.id));
  }
}
