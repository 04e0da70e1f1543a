/** `tracklab compact [RUN...]`: writes the metric segments of runs of the JSON store (all runs when none is named). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { badState } from '../../core/errors.js';
import { cliMessages } from '../messages.js';
import { validateRunId } from '../../core/validation.js';
import { JsonTracking } from '../../store/json/json-backend.js';
import type { Tracker } from '../../tracker.js';

export interface CompactOptions {
  json?: boolean;
}

/**
 * Compacts each run; prints one line per run that got a new segment and a total.
 *
 * @example await compactRuns(tracker, ['0f3c...'], {}) // "compacted 1 run (100000 points)"
 */
export async function compactRuns(tracker: Tracker, runIds: string[], opts: CompactOptions): Promise<string> {
  const tracking = tracker.store;
  if (!(tracking instanceof JsonTracking)) {
    throw badState(cliMessages.compactNotJson(tracker.storeUri, tracker.backend.kind));
  }
  const store = tracking.store;
  const ids = runIds.length > 0 ? runIds.map(validateRunId) : readdirSync(join(store.root, 'runs'));
  const results: { runId: string; points: number; written: boolean }[] = [];
  for (const id of ids) {
    const { points, written } = await store.compactRun(id);
    results.push({ runId: id, points, written });
  }
  if (opts.json) return JSON.stringify(results);
  const done = results.filter((r) => r.written);
  const points = done.reduce((sum, r) => sum + r.points, 0);
  const lines = done.map((r) => `${r.runId}  ${r.points} points`);
  lines.push(
    `compacted ${done.length} run${done.length === 1 ? '' : 's'} (${points} points); ` +
      `${results.length - done.length} already up to date`,
  );
  return lines.join('\n');
}
