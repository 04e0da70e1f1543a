/**
 * The object rewritten magic lines call (on globalThis.tracklab$ in the kernel). One per kernel: it holds the active
 * experiment and the open runs (run-context.ts says which one a magic logs to). Logging methods are synchronous; the
 * rest are awaited by the generated code. Errors are rethrown as one-line TracklabErrors that name the cell line.
 */
import type { ActiveRun } from '../active-run.js';
import type { RunStatus } from '../core/entities.js';
import { TAGS } from '../core/entities.js';
import { badState, invalid } from '../core/errors.js';
import { kernelMessages as msg } from './messages.js';
import { RunContext, type RunFrame } from './run-context.js';
import { ownerTags } from './orphans.js';
import * as views from './runtime-views.js';
import * as reports from './report-views.js';
import type { KnownNames } from '../magics/assist.js';
import { DisplayMagics } from './runtime-displays.js';
import { atLine, entriesOf, EXEC_TAGS, record, type ExecControl, type RuntimeOptions } from './runtime-support.js';

export type { DisplaySink, ExecControl, RuntimeOptions } from './runtime-support.js';

export class MagicRuntime extends DisplayMagics {
  private readonly ctx = new RunContext();
  private trackRun: { run: ActiveRun; experiment: string | undefined } | undefined;
  private notebookPath: string | undefined;
  private names: KnownNames = { experiments: [], runs: [] };
  private exec: { params: Record<string, unknown>; runIds: string[] } | undefined;

  constructor(options: RuntimeOptions) {
    super(options);
    this.notebookPath = options.notebookPath;
  }

  /** The run a magic at this point would log to (the handle `activeRun()` of the tracklab package returns). */
  override get activeRun(): ActiveRun | undefined {
    return this.ctx.current();
  }

  /** The store in use, the active experiment and run (`%store`, and tab completion of names). */
  get state(): { store: string | undefined; experiment: string | undefined; run: ActiveRun | undefined } {
    return { store: this.tracker?.storeUri, experiment: this.experimentName, run: this.activeRun };
  }

  // ---- logging: synchronous statements -------------------------------------------------------------------------

  logMetric(line: number, key: string, value: number, step?: number): void {
    const run = this.ctx.current() ?? this.noRun(line, 'log_metric');
    try {
      const s = this.ctx.nextStep(run, key, step);
      run.logMetric(key, value, { step: s });
      this.options.live?.metric(run, key, value, s);
    } catch (e) {
      throw atLine(line, e);
    }
  }

  logMetrics(line: number, keys: string[], values: number[], step: number | undefined): void {
    const run = this.ctx.current() ?? this.noRun(line, 'log_metric');
    const timestamp = Date.now();
    try {
      for (let i = 0; i < keys.length; i++) {
        const s = this.ctx.nextStep(run, keys[i]!, step);
        run.logMetric(keys[i]!, values[i]!, { step: s, timestamp });
        this.options.live?.metric(run, keys[i]!, values[i]!, s);
      }
    } catch (e) {
      throw atLine(line, e);
    }
  }

  /** `%log_metrics {loss, acc}`: every own key of the object. */
  logMetricsObject(line: number, values: unknown, step: number | undefined): void {
    const [keys, vals] = entriesOf(line, 'log_metrics', values);
    this.logMetrics(line, keys, vals as number[], step);
  }

  logParams(line: number, keys: string[], values: unknown[]): void {
    const run = this.ctx.current() ?? this.noRun(line, 'log_param');
    try {
      run.queueParams(record(keys, values));
    } catch (e) {
      throw atLine(line, e);
    }
  }

  /** `%log_params cfg`: every own key of the object. */
  logParamsObject(line: number, values: unknown): void {
    const [keys, vals] = entriesOf(line, 'log_params', values);
    this.logParams(line, keys, vals);
  }

  setTags(line: number, keys: string[], values: unknown[]): void {
    const run = this.ctx.current() ?? this.noRun(line, 'set_tag');
    try {
      run.queueTags(record(keys, values));
    } catch (e) {
      throw atLine(line, e);
    }
  }

  /** Points an autolog helper logged to `run` (tfjs callback, ml.js scores): shown in the live view. */
  showMetrics(run: ActiveRun, metrics: Record<string, number>, step: number): void {
    const live = this.options.live;
    if (!live) return;
    for (const [k, v] of Object.entries(metrics)) live.metric(run, k, v, step);
    live.poll();
  }

  /** Experiment and run names for tab completion, as of the last refresh (after each cell). */
  get knownNames(): KnownNames {
    return this.names;
  }

  /** Called by the generated code after %start_run / %end_run, in the caller's async context. */
  enter(frame: RunFrame | undefined): void {
    this.ctx.enter(frame);
  }

  // ---- runs ------------------------------------------------------------------------------------------------------

  async experiment(line: number, name: string): Promise<void> {
    await this.at(line, async () => {
      const exp = await (await this.open()).ensureExperiment(name);
      this.experimentName = exp.name;
      this.options.display.text(`experiment: ${exp.name} (id ${exp.id})`);
    });
  }

  async startRun(
    line: number,
    name: string | undefined,
    nested: boolean,
    tagKeys: string[] = [],
    tagValues: unknown[] = [],
    experiment?: string,
  ): Promise<RunFrame> {
    return this.at(line, async () =>
      this.ctx.started(await this.start(name, nested, record(tagKeys, tagValues), experiment)),
    );
  }

  /** First line of a %%track cell: its experiment holds for this cell only; the kernel calls endTrack after it. */
  async beginTrack(
    line: number,
    name: string | undefined,
    experiment: string | undefined,
    nested: boolean,
  ): Promise<RunFrame> {
    return this.at(line, async () => {
      const run = await this.start(name, nested, {}, experiment);
      this.trackRun = { run, experiment };
      return this.ctx.started(run);
    });
  }

  /** Ends the %%track run of the cell that just ran: FINISHED, or FAILED with the error recorded. */
  async endTrack(ok: boolean, errorText: string, source: string): Promise<void> {
    const track = this.trackRun;
    this.trackRun = undefined;
    if (!track || track.run.isEnded) return;
    const { run } = track;
    await run.logText(source, 'notebook-cell.ts');
    if (!ok) {
      const text = errorText.trim() || 'the cell failed';
      await run.setTag(EXEC_TAGS.error, text.slice(0, 8000));
      await run.logText(`${text}\n`, 'error.txt');
    }
    const status: RunStatus = ok ? 'FINISHED' : 'FAILED';
    // children the cell left open end with it
    for (const child of this.ctx.alive().filter((r) => r !== run && r.id !== run.id)) {
      if (await this.isDescendant(child, run.id)) await this.finish(child, status, 'none');
    }
    await this.finish(run, status, 'summary');
  }

  /** Ends the current run; returns the frame the calling context continues with. */
  async endRun(line: number, status: RunStatus, quiet = false): Promise<RunFrame | undefined> {
    return this.at(line, async () => {
      const run = this.ctx.current();
      if (!run) throw badState(msg.noRunToEnd());
      const next = this.ctx.afterEnd();
      await this.finish(run, status, quiet ? 'line' : 'summary');
      return next;
    });
  }

  async logArtifact(line: number, localPath: string, artifactDir: string | undefined): Promise<void> {
    const run = this.ctx.current() ?? this.noRun(line, 'log_artifact');
    await this.at(line, () => run.logArtifact(localPath, artifactDir ?? ''));
  }

  async logModel(line: number, model: unknown, path: string | undefined, flavor: string | undefined): Promise<void> {
    const run = this.ctx.current() ?? this.noRun(line, 'log_model');
    await this.at(line, async () => {
      await run.logModel(model, { path: path ?? 'model', ...(flavor === undefined ? {} : { flavor }) });
      this.options.display.text(`logged model to runs:/${run.id}/${path ?? 'model'}`);
    });
  }

  // ---- kernel and runner hooks -----------------------------------------------------------------------------------

  /** Runs one cell's code (the kernel wraps tslab's execute in it). */
  cell<T>(f: () => T): T {
    return this.ctx.cell(f);
  }

  /** Writes buffered params, tags and metric points of every open run (the kernel calls it after each cell). */
  async flushAll(): Promise<void> {
    this.ctx.endCell();
    this.options.live?.flush();
    for (const run of this.ctx.alive()) await run.flush();
    if (this.tracker) this.names = await views.knownNames(this.tracker);
  }

  /** Ends every open run (KILLED when the kernel shuts down) and closes the store. */
  async shutdown(status: RunStatus = 'KILLED'): Promise<void> {
    for (const run of this.ctx.alive().reverse()) await this.finish(run, status, 'none');
    await this.tracker?.close();
    this.tracker = undefined;
  }

  async execControl(line: number, control: ExecControl): Promise<void> {
    await this.at(line, async () => {
      if ('context' in control) {
        this.notebookPath = control.context.notebook;
        this.exec = { params: control.context.params, runIds: [] };
      } else if ('end' in control) {
        for (const run of this.ctx.alive().reverse()) {
          if (!control.end.ok && control.end.error) await run.setTag(EXEC_TAGS.error, control.end.error.slice(0, 8000));
          await this.finish(run, control.end.ok ? 'FINISHED' : 'FAILED', 'none');
        }
      } else {
        const tracker = await this.open();
        for (const id of this.exec?.runIds ?? []) await tracker.logArtifact(id, control.attach, '');
      }
    });
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private async start(
    name: string | undefined,
    nested: boolean,
    tags: Record<string, unknown>,
    experiment?: string,
  ): Promise<ActiveRun> {
    const parent = this.ctx.current();
    if (parent && !nested) throw badState(msg.runActive(parent.id, parent.name));
    if (parent && experiment !== undefined && experiment !== parent.experimentName) {
      throw invalid(msg.nestedElsewhere(experiment, parent.experimentName));
    }
    const tracker = await this.open();
    this.notebookPath ??= await this.options.findNotebookPath?.();
    const exp = parent?.experimentName ?? experiment ?? this.experimentName;
    const run = await tracker.startRun({
      ...(exp === undefined ? {} : { experiment: exp }),
      ...(name === undefined ? {} : { name }),
      ...(parent ? { parentRunId: parent.id } : {}),
      tags: { ...this.contextTags(), ...tags },
    });
    this.lastRunId = run.id;
    this.exec?.runIds.push(run.id);
    this.options.display.text(msg.started(run, parent));
    return run;
  }

  private contextTags(): Record<string, unknown> {
    const tags: Record<string, unknown> = { ...ownerTags() };
    if (this.notebookPath !== undefined) tags[TAGS.sourceName] = this.notebookPath;
    if (this.exec) {
      tags[EXEC_TAGS.notebook] = this.notebookPath ?? '';
      tags[EXEC_TAGS.params] = JSON.stringify(this.exec.params);
    }
    return tags;
  }

  /** Ends the run and shows its summary, or one line (which replaces its live view when it has one), or nothing. */
  private async finish(run: ActiveRun, status: RunStatus, show: 'summary' | 'line' | 'none'): Promise<void> {
    if (run.isEnded) return;
    await run.end(status);
    const line = show === 'line' ? msg.endedQuietly(run, status) : undefined;
    const replaced = this.options.live?.ended(run, line) ?? false;
    if (line !== undefined && !replaced) this.options.display.text(line);
    if (show !== 'summary' || !this.tracker) return;
    const page = this.site && reports.runPageHref(this.site.dir, this.site.href, run.id);
    const link = page === undefined ? '' : reports.runPageLink(page);
    this.options.display.html((await views.runSummaryOf(this.tracker, run.id)) + link);
  }

  private async isDescendant(run: ActiveRun, ancestorId: string): Promise<boolean> {
    const tracker = await this.open();
    let id: string | null = (await tracker.getRun(run.id)).parentRunId;
    while (id) {
      if (id === ancestorId) return true;
      id = (await tracker.getRun(id)).parentRunId;
    }
    return false;
  }

  private noRun(line: number, magic: string): never {
    throw atLine(line, badState(msg.noActiveRun(magic)));
  }
}
