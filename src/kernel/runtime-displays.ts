/**
 * The magics that show things (%runs, %compare, %register_model, %report, %store, %lsmagic, help) and the lazily
 * opened store they read; MagicRuntime adds the runs and logging on top.
 */
import type { ActiveRun } from '../active-run.js';
import type { Tracker } from '../tracker.js';
import { kernelMessages as msg } from './messages.js';
import { endOrphanedRuns } from './orphans.js';
import * as views from './runtime-views.js';
import { magicHelp } from '../magics/assist.js';
import { MAGIC_BY_NAME } from '../magics/magic-specs.js';
import { atLine, type RuntimeOptions } from './runtime-support.js';

export abstract class DisplayMagics {
  protected tracker: Tracker | undefined;
  protected experimentName: string | undefined;
  protected lastRunId: string | undefined;

  constructor(protected readonly options: RuntimeOptions) {}

  /** The run a magic at this point would log to. */
  abstract get activeRun(): ActiveRun | undefined;

  lsmagic(_line: number): void {
    this.options.display.text(views.lsmagicText());
  }

  /** `%name?` and `%name --help`. */
  help(_line: number, name: string): void {
    const spec = MAGIC_BY_NAME.get(name);
    if (spec) this.options.display.text(magicHelp(spec));
  }

  async runs(
    line: number,
    experiments: string[] | undefined,
    filter: string | undefined,
    orderBy: string[] | undefined,
    maxResults: number | undefined,
  ): Promise<void> {
    await this.at(line, async () => {
      const q = { experiments, filter, orderBy, maxResults, defaultExperiment: this.experimentName };
      this.options.display.html(await views.runsHtml(await this.open(), q));
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

  async report(line: number, o: views.NotebookReportOptions): Promise<void> {
    await this.at(line, async () => {
      const built = await views.buildNotebookReport(await this.open(), o);
      const href = this.options.siteLink ? await this.options.siteLink(built.dir) : built.href;
      this.options.display.html(views.reportLink(built.summary, href));
    });
  }

  async storeInfo(line: number): Promise<void> {
    await this.at(line, async () => {
      const tracker = await this.open();
      this.options.display.text(views.storeText(tracker.storeUri, this.experimentName, this.activeRun));
    });
  }

  protected async open(): Promise<Tracker> {
    if (!this.tracker) {
      this.tracker = await this.options.openTracker();
      const ended = await endOrphanedRuns(this.tracker);
      if (ended.length > 0) this.options.display.text(msg.orphansEnded(ended));
    }
    return this.tracker;
  }

  protected async at<T>(line: number, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw atLine(line, e);
    }
  }
}
