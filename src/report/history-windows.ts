/**
 * Metric histories for the report from a store that reads many runs per request (a tracking server): the runs of an
 * experiment are cut into windows in listing order, and the first run asked for loads its whole window in a few bulk
 * requests, and starts loading the next. Each run's part is handed out once and dropped, so memory holds about two
 * windows, not the experiment.
 */
import type { Run } from '../core/entities.js';
import type { HistoryPoint } from '../core/history-points.js';

type Histories = Record<string, HistoryPoint[]>;
export type BulkRead = (runIds: readonly string[], keys: readonly string[]) => Promise<Record<string, Histories>>;

interface Window {
  runs: readonly Run[];
  next?: Window;
  loaded?: Promise<Record<string, Histories>>;
  left: number;
}

/** Runs per window: 50 runs x 3 keys is 3 requests instead of 150. */
const WINDOW = 50;

export class HistoryWindows {
  private readonly windowOf = new Map<string, Window>();

  constructor(
    private readonly read: BulkRead,
    private readonly size = WINDOW,
  ) {}

  /** Records a listing of runs, in the order the report will ask for them. */
  add(runs: readonly Run[]): void {
    let previous: Window | undefined;
    for (let i = 0; i < runs.length; i += this.size) {
      const window: Window = { runs: runs.slice(i, i + this.size), left: 0 };
      window.left = window.runs.length;
      for (const run of window.runs) this.windowOf.set(run.id, window);
      if (previous) previous.next = window;
      previous = window;
    }
  }

  /** The run's histories, or undefined for a run no listing named (the caller reads it alone). */
  async get(runId: string): Promise<Histories | undefined> {
    const window = this.windowOf.get(runId);
    if (!window) return undefined;
    this.windowOf.delete(runId);
    window.loaded ??= this.load(window.runs);
    // the next window loads while this one's pages are written: at most two windows in memory
    if (window.next) window.next.loaded ??= this.load(window.next.runs);
    const all = await window.loaded;
    const mine = all[runId] ?? {};
    delete all[runId];
    window.left -= 1;
    if (window.left === 0) window.loaded = Promise.resolve({});
    return mine;
  }

  private load(runs: readonly Run[]): Promise<Record<string, Histories>> {
    const keys = new Set<string>();
    for (const run of runs) for (const key of Object.keys(run.metricSummaries)) keys.add(key);
    return this.read(
      runs.map((r) => r.id),
      [...keys].sort(),
    );
  }
}
