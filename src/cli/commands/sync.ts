/** `tracklab sync`: replays the offline queue of an MLflow server into it, exactly once. */
import { invalid } from '../../core/errors.js';
import { cliMessages } from '../messages.js';
import { RestTracking } from '../../store/mlflow-rest/rest-tracking.js';
import { syncSpool, type SyncResult } from '../../store/mlflow-rest/sync.js';
import { openBackend } from '../../store/resolve-store.js';

export interface SyncOptions {
  /** the server; default TRACKLAB_STORE, else MLFLOW_TRACKING_URI */
  store?: string;
  /** a progress bar on stderr when it is a terminal */
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
      throw invalid(cliMessages.syncNotServer(backend.uri, backend.kind));
    }
    if (!tracking.spool) throw invalid(cliMessages.syncSpoolOff());
    const bar = options.progress === true && process.stderr.isTTY === true ? await progressBar() : undefined;
    try {
      return await syncSpool(
        tracking,
        tracking.spool,
        bar &&
          ((p) => {
            if (p.done === 1 || bar.getTotal() !== p.total) bar.start(p.total, p.done, { run: p.run });
            else bar.update(p.done, { run: p.run });
          }),
      );
    } finally {
      bar?.stop();
    }
  } finally {
    await backend.close();
  }
}

/** The CLI's command: replays the queue of `store` and says what it did. */
export async function sync(store: string | undefined): Promise<string> {
  const result = await syncOfflineQueue({ ...(store ? { store } : {}), progress: true });
  const created = Object.entries(result.created)
    .map(([local, id]) => `\n  ${local} -> ${id}`)
    .join('');
  return `synced ${result.operations} operations: ${result.runs} runs complete, ${result.open} still open${created}`;
}

async function progressBar() {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar(
    { format: 'syncing [{bar}] {value}/{total} operations of run {run}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
}
