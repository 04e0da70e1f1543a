/** Which run an autolog helper logs to, and how its points reach the notebook's live view. */
import type { ActiveRun } from '../active-run.js';
import { badState } from '../core/errors.js';
import { trackerMessages } from '../tracker-messages.js';
import { kernelRuntime } from '../notebook-handle.js';

/** Options every autolog helper takes. */
export interface AutologOptions {
  /** The run to log to; default the run the notebook's magics log to (`%start_run`, `%%track`). */
  run?: ActiveRun;
}

/** The run to log to, or one error saying how to give one. */
export function targetRun(helper: string, options: AutologOptions): ActiveRun {
  if (options.run) return options.run;
  const run = kernelRuntime()?.activeRun;
  if (run) return run;
  throw badState(trackerMessages.autologNoRun(helper));
}

/** Logs metric points at one step, and shows them in the kernel's live view when the run is the notebook's. */
export function logStep(run: ActiveRun, metrics: Record<string, number>, step: number): void {
  const timestamp = Date.now();
  for (const [key, value] of Object.entries(metrics)) run.logMetric(key, value, { step, timestamp });
  kernelRuntime()?.showMetrics?.(run, metrics, step);
}
