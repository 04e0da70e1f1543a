/** `tracklab sync`: replays the offline queue of an MLflow server into it, exactly once. */
import type { Command } from 'commander';
import { invalid } from '../core/errors.js';
import { RestTracking } from '../store/mlflow-rest/rest-tracking.js';
import { syncSpool, type SyncProgress, type SyncResult } from '../store/mlflow-rest/sync.js';
import { openBackend } from '../store/resolve-store.js';

export interface SyncOptions {
  /** the server; default TRACKLAB_STORE, else MLFLOW_TRACKING_URI */
  store?: string;
  /** a progress line on stderr (when it is a terminal) */
  progress?: boolean;
}

/**
 * Replays every run queued while the server was unreachable.
 * @example const result = await syncOfflineQueue({ store: 'http://127.0.0.1:5000' }); result.runs
 */
export async function syncOfflineQueue(options: SyncOptions = {}): Promise<SyncResult> {
  const backend = await openBackend(options.store);
  try {
    const tracking = backend.tracking;
    if (!(tracking instanceof RestTracking)) {
      throw invalid(`tracklab sync replays the offline queue of an MLflow server; ${backend.uri} is a ${backend.kind} store, `
        + 'give the server with --store http://host:port (or MLFLOW_TRACKING_URI)');
    }
    if (!tracking.spool) throw invalid('the offline queue is turned off (TRACKLAB_SPOOL=off); nothing to sync');
    const show = options.progress === true && process.stderr.isTTY ? progressLine : undefined;
    const result = await syncSpool(tracking, tracking.spool, show);
    if (show) process.stderr.write('\n');
    return result;
  } finally {
    await backend.close();
  }
}

function progressLine(p: SyncProgress): void {
  const width = 30;
  const filled = Math.round((p.done / Math.max(p.total, 1)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] run ${p.run} ${p.done}/${p.total}`);
}

export function addSyncCommand(program: Command): void {
  program.command('sync').description('replay runs logged while the MLflow server was unreachable (exactly once)')
    .action(async () => {
      const store = program.opts<{ store?: string }>().store;
      const result = await syncOfflineQueue({ ...(store ? { store } : {}), progress: true });
      const created = Object.entries(result.created).map(([local, id]) => `\n  ${local} -> ${id}`).join('');
      console.log(`synced ${result.operations} operations: ${result.runs} runs complete, ${result.open} still open${created}`);
    });
}
