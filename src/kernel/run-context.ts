/**
 * Which run a magic logs to. Each async context that started a run sees that run (async functions running at once each
 * log to their own run); code outside any of them sees the kernel-level runs: those a cell started and left open.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActiveRun } from '../active-run.js';

/** A run and the frame that was current when it started. Immutable: a context's frame is replaced, not changed. */
export interface RunFrame {
  readonly run: ActiveRun;
  readonly parent: RunFrame | undefined;
}

export class RunContext {
  private readonly als = new AsyncLocalStorage<RunFrame | undefined>();
  /** Runs left open by earlier cells, in start order. */
  private readonly kernelRuns: ActiveRun[] = [];
  /** Runs started during the current cell. */
  private cellRuns: ActiveRun[] = [];
  /** Per run and metric key, the last step logged (for steps counted without --step). */
  private readonly steps = new WeakMap<ActiveRun, Map<string, number>>();

  /** Runs `f` as one cell: it starts with no frame of its own. */
  cell<T>(f: () => T): T {
    return this.als.run(undefined, f);
  }

  /** After a cell: the runs it left open become kernel-level runs, visible to the next cells. */
  endCell(): void {
    for (const run of this.cellRuns) if (!run.isEnded && !this.kernelRuns.includes(run)) this.kernelRuns.push(run);
    this.cellRuns = [];
    this.prune();
  }

  /** The run a magic in this context logs to. */
  current(): ActiveRun | undefined {
    const frame = this.frame();
    if (frame) return frame.run;
    for (let i = this.kernelRuns.length - 1; i >= 0; i--) if (!this.kernelRuns[i]!.isEnded) return this.kernelRuns[i];
    return undefined;
  }

  /** The frame of a newly started run, child of the current context's frame. */
  started(run: ActiveRun): RunFrame {
    this.cellRuns.push(run);
    return { run, parent: this.frame() };
  }

  /** The frame to continue with once the current run ends. */
  afterEnd(): RunFrame | undefined {
    return this.frame()?.parent;
  }

  /** Switches the calling async context (and what it starts later) to `frame`. */
  enter(frame: RunFrame | undefined): void {
    this.als.enterWith(frame);
  }

  /** Every run not ended, in start order (for flushing and shutdown). */
  alive(): ActiveRun[] {
    return [...new Set([...this.kernelRuns, ...this.cellRuns])].filter((r) => !r.isEnded);
  }

  /** The step for a point logged without one: one more than the last step of that key in that run. */
  nextStep(run: ActiveRun, key: string, given: number | undefined): number {
    let last = this.steps.get(run);
    if (!last) this.steps.set(run, (last = new Map<string, number>()));
    const step = given ?? (last.get(key) ?? -1) + 1;
    if (Number.isSafeInteger(step)) last.set(key, step);
    return step;
  }

  private frame(): RunFrame | undefined {
    let f = this.als.getStore();
    while (f && f.run.isEnded) f = f.parent;
    return f;
  }

  private prune(): void {
    for (let i = this.kernelRuns.length - 1; i >= 0; i--) if (this.kernelRuns[i]!.isEnded) this.kernelRuns.splice(i, 1);
  }
}
