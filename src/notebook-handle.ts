/**
 * The handle on the run the magics of a notebook log to, for what magics do not cover (notes, dicts, datasets). It
 * reads the kernel's runtime from a global, so the tracklab a notebook imports may be another copy than the kernel's.
 */
import type { ActiveRun } from './active-run.js';
import { badState } from './core/errors.js';
import { trackerMessages as msg } from './tracker-messages.js';

const RUNTIME_GLOBAL = 'tracklab$';

/** The slice of the kernel's runtime that code a notebook imports may use. */
export interface KernelRuntimeHandle {
  readonly activeRun?: ActiveRun | undefined;
  /** Shows points logged outside the magics (autolog helpers) in the live view. */
  showMetrics?(run: ActiveRun, metrics: Record<string, number>, step: number): void;
}

/** The tracklab kernel's runtime, when this code runs in the tracklab kernel. */
export function kernelRuntime(): KernelRuntimeHandle | undefined {
  return (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] as KernelRuntimeHandle | undefined;
}

/**
 * The run a magic on this line would log to: the one `%start_run` or `%%track` started (in this async function, for
 * runs trained concurrently). Throws outside the tracklab kernel or when no run is active.
 *
 * @example
 * import { activeRun } from 'tracklab';
 * await activeRun().setNote('baseline with **raw** features');
 * await activeRun().logDict(cfg, 'config.json');
 */
export function activeRun(): ActiveRun {
  const runtime = kernelRuntime();
  if (!runtime) throw badState(msg.notInKernel());
  const run = runtime.activeRun;
  if (!run) throw badState(msg.noActiveRun());
  return run;
}
