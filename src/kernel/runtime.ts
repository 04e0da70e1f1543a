/**
 * The object rewritten magic lines call (on globalThis.tracklab$ in the kernel). One per kernel: it holds the active
 * experiment and the stack of active runs. Logging methods are synchronous; the rest are awaited by the generated code.
 * Errors are rethrown as one-line TracklabErrors that name the cell line.
 */
import type { ActiveRun } from '../active-run.js';
import type { RunStatus } from '../core/entities.js';
import { TAGS } from '../core/entities.js';
import { badState, invalid, TracklabError } from '../core/errors.js';
import type { Tracker } from '../tracker.js';
import { kernelMessages as msg } from './messages.js';
import { magicsMessages as magicMsg } from '../magics/messages.js';
import * as views from './runtime-views.js';

/** Where displays go: tslab's display in the kernel, a recorder in tests. */
export interface DisplaySink {
  html(markup: string): void;
  svg(markup: string): void;
  text(line: string): void;
}

export interface RuntimeOptions {
  /** Opens the tracker on first use (sourceType NOTEBOOK). */
  openTracker: () => Promise<Tracker>;
  display: DisplaySink;
  /** The notebook's path when the front end tells the kernel (JPY_SESSION_NAME) or `tracklab exec` does. */
  notebookPath?: string;
}

/** What `tracklab exec` sends to the kernel through the hidden %tracklab_exec magic. */
export type ExecControl =
  | { context: { notebook: string; params: Record<string, unknown> } }
  | { end: { ok: boolean; error?: string } }
  | { attach: string };

const EXEC_TAGS = { notebook: 'tracklab.exec.notebook', params: 'tracklab.exec.params', error: 'tracklab.error' } as const;

export class MagicRuntime {
  private tracker: Tracker | undefined;
  private experimentName: string | undefined;
  private readonly stack: ActiveRun[] = [];
  private trackRun: ActiveRun | undefined;
  private lastRunId: string | undefined;
  private notebookPath: string | undefined;
  private exec: { params: Record<string, unknown>; runIds: string[] } | undefined;

  constructor(private readonly options: RuntimeOptions) {
    this.notebookPath = options.notebookPath;
  }

  /** The innermost active run, if any. */
  get activeRun(): ActiveRun | undefined { return this.stack[this.stack.length - 1]; }

  // ---- logging: synchronous statements -------------------------------------------------------------------------

  logMetric(line: number, key: string, value: number, step?: number): void {
    const run = this.stack[this.stack.length - 1] ?? this.noRun(line, 'log_metric');
    try {
      run.logMetric(key, value, step === undefined ? undefined : { step });
    } catch (e) {
      throw atLine(line, e);
    }
  }

  logMetrics(line: number, keys: string[], values: number[], step: number | undefined): void {
    const run = this.activeRun ?? this.noRun(line, 'log_metric');
    const timestamp = Date.now();
    try {
      for (let i = 0; i < keys.length; i++) run.logMetric(keys[i]!, values[i]!, { step: step ?? 0, timestamp });
    } catch (e) {
      throw atLine(line, e);
    }
  }

  logParams(line: number, keys: string[], values: unknown[]): void {
    const run = this.activeRun ?? this.noRun(line, 'log_param');
    try { run.queueParams(record(keys, values)); } catch (e) { throw atLine(line, e); }
  }

  setTags(line: number, keys: string[], values: unknown[]): void {
    const run = this.activeRun ?? this.noRun(line, 'set_tag');
    try { run.queueTags(record(keys, values)); } catch (e) { throw atLine(line, e); }
  }

  lsmagic(_line: number): void {
    this.options.display.text(views.lsmagicText());
  }

  // ---- runs ------------------------------------------------------------------------------------------------------

  async experiment(line: number, name: string): Promise<void> {
    await this.at(line, async () => {
      const exp = await (await this.open()).ensureExperiment(name);
      this.experimentName = exp.name;
      this.options.display.text(`experiment: ${exp.name} (id ${exp.id})`);
    });
  }

  async startRun(line: number, name: string | undefined, nested: boolean, tagKeys: string[] = [], tagValues: unknown[] = []): Promise<ActiveRun> {
    return this.at(line, () => this.start(name, nested, record(tagKeys, tagValues)));
  }

  /** First line of a %%track cell; the kernel calls endTrack after the cell. */
  async beginTrack(line: number, name: string | undefined, experiment: string | undefined, nested: boolean): Promise<void> {
    await this.at(line, async () => {
      if (experiment !== undefined) this.experimentName = (await (await this.open()).ensureExperiment(experiment)).name;
      this.trackRun = await this.start(name, nested, {});
    });
  }

  /** Ends the %%track run of the cell that just ran: FINISHED, or FAILED with the error recorded. */
  async endTrack(ok: boolean, errorText: string, source: string): Promise<void> {
    const run = this.trackRun;
    this.trackRun = undefined;
    if (!run || run.isEnded) return;
    await run.logText(source, 'notebook-cell.ts');
    if (!ok) {
      const text = errorText.trim() || 'the cell failed';
      await run.setTag(EXEC_TAGS.error, text.slice(0, 8000));
      await run.logText(`${text}\n`, 'error.txt');
    }
    const status: RunStatus = ok ? 'FINISHED' : 'FAILED';
    while (this.stack.length > 0 && this.activeRun !== run) await this.pop(status);
    await this.pop(status);
  }

  async endRun(line: number, status: RunStatus): Promise<void> {
    await this.at(line, async () => {
      if (this.stack.length === 0) throw badState(msg.noRunToEnd());
      await this.pop(status);
    });
  }

  async logArtifact(line: number, localPath: string, artifactDir: string | undefined): Promise<void> {
    const run = this.activeRun ?? this.noRun(line, 'log_artifact');
    await this.at(line, () => run.logArtifact(localPath, artifactDir ?? ''));
  }

  async logModel(line: number, model: unknown, path: string | undefined, flavor: string | undefined): Promise<void> {
    const run = this.activeRun ?? this.noRun(line, 'log_model');
    await this.at(line, async () => {
      await run.logModel(model, { path: path ?? 'model', ...(flavor === undefined ? {} : { flavor }) });
      this.options.display.text(`logged model to runs:/${run.id}/${path ?? 'model'}`);
    });
  }

  // ---- displays --------------------------------------------------------------------------------------------------

  async runs(line: number, experiments: string[] | undefined, filter: string | undefined, orderBy: string[] | undefined, maxResults: number | undefined): Promise<void> {
    await this.at(line, async () => {
      const exps = experiments ?? (this.experimentName === undefined ? undefined : [this.experimentName]);
      const html = await views.runsHtml(await this.open(), { experiments: exps, filter, orderBy, maxResults });
      this.options.display.html(html);
    });
  }

  async compare(line: number, refs: string[], metrics: string[] | undefined): Promise<void> {
    await this.at(line, async () => {
      const out = await views.compareRunsHtml(await this.open(), refs, metrics, this.experimentName);
      this.options.display.html(out.html);
      for (const svg of out.svgs) this.options.display.svg(svg);
    });
  }

  async registerModel(line: number, name: string, o: views.MagicRegisterOptions): Promise<void> {
    await this.at(line, async () => {
      const opts = { ...o, experiment: o.experiment ?? this.experimentName, defaultRunId: this.lastRunId };
      this.options.display.text(await views.registerModelFromMagic(await this.open(), name, opts));
    });
  }

  async report(line: number, out: string | undefined): Promise<void> {
    await this.at(line, async () => this.options.display.html(await views.buildReportLink(await this.open(), out)));
  }

  // ---- kernel and runner hooks -----------------------------------------------------------------------------------

  /** Writes buffered params, tags and metric points of every active run (the kernel calls it after each cell). */
  async flushAll(): Promise<void> {
    for (const run of this.stack) await run.flush();
  }

  /** Ends every active run (KILLED when the kernel shuts down) and closes the store. */
  async shutdown(status: RunStatus = 'KILLED'): Promise<void> {
    while (this.stack.length > 0) await this.pop(status, false);
    await this.tracker?.close();
    this.tracker = undefined;
  }

  async execControl(line: number, control: ExecControl): Promise<void> {
    await this.at(line, async () => {
      if ('context' in control) {
        this.notebookPath = control.context.notebook;
        this.exec = { params: control.context.params, runIds: [] };
      } else if ('end' in control) {
        while (this.stack.length > 0) {
          if (!control.end.ok && control.end.error) await this.activeRun!.setTag(EXEC_TAGS.error, control.end.error.slice(0, 8000));
          await this.pop(control.end.ok ? 'FINISHED' : 'FAILED', false);
        }
      } else {
        const tracker = await this.open();
        for (const id of this.exec?.runIds ?? []) await tracker.store.logArtifact(id, control.attach, '');
      }
    });
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private async open(): Promise<Tracker> {
    this.tracker ??= await this.options.openTracker();
    return this.tracker;
  }

  private async start(name: string | undefined, nested: boolean, tags: Record<string, unknown>): Promise<ActiveRun> {
    const parent = this.activeRun;
    if (parent && !nested) throw badState(msg.runActive(parent.id, parent.name));
    const tracker = await this.open();
    const allTags: Record<string, unknown> = { ...this.contextTags(), ...tags };
    const run = await tracker.startRun({
      ...(this.experimentName === undefined ? {} : { experiment: this.experimentName }),
      ...(name === undefined ? {} : { name }),
      ...(parent ? { parentRunId: parent.id } : {}),
      tags: allTags,
    });
    this.stack.push(run);
    this.lastRunId = run.id;
    this.exec?.runIds.push(run.id);
    this.options.display.text(`started run ${run.name} (${run.id}) in experiment ${run.experimentName}${parent ? `, child of ${parent.name}` : ''}`);
    return run;
  }

  private contextTags(): Record<string, unknown> {
    const tags: Record<string, unknown> = {};
    if (this.notebookPath !== undefined) tags[TAGS.sourceName] = this.notebookPath;
    if (this.exec) {
      tags[EXEC_TAGS.notebook] = this.notebookPath ?? '';
      tags[EXEC_TAGS.params] = JSON.stringify(this.exec.params);
    }
    return tags;
  }

  private async pop(status: RunStatus, show = true): Promise<void> {
    const run = this.stack.pop();
    if (!run) return;
    await run.end(status);
    if (show && this.tracker) this.options.display.html(views.runSummary(await this.tracker.getRun(run.id)));
  }

  private noRun(line: number, magic: string): never {
    throw atLine(line, badState(msg.noActiveRun(magic)));
  }

  private async at<T>(line: number, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw atLine(line, e);
    }
  }
}

/** The error as a one-line TracklabError that names the cell line; other errors pass through unchanged. */
function atLine(line: number, e: unknown): unknown {
  if (!(e instanceof TracklabError) || /^tracklab: line \d+: /.test(e.message)) return e;
  return new TracklabError(e.code, magicMsg.atLine(line, e.message), { cause: e });
}

/** Pairs as a null-prototype record, so a key such as "__proto__" stays a key and reaches validation. */
function record(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  keys.forEach((k, i) => { out[k] = values[i]; });
  if (Object.keys(out).length !== keys.length) throw invalid('duplicate keys in one magic line');
  return out;
}
