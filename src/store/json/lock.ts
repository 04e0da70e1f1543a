/**
 * Cross-process locking around shared documents, held only around the I/O itself (never across user code).
 * proper-lockfile takes a `<file>.lock` folder with mkdir (atomic on every file system) and treats a lock
 * whose mtime is older than `stale` as left by a dead process and removes it.
 */
import lockfile from 'proper-lockfile';
import { ioError, TracklabError } from '../../core/errors.js';

const STALE_MS = 4000;
/** Long enough to outlive a dead holder's stale lock, with a few writers queued ahead of us. */
const GIVE_UP_MS = 30_000;

const LOCK_OPTIONS = {
  realpath: false,
  stale: STALE_MS,
  update: 1000,
  retries: 0,
  // A compromised lock means our update timer could not run for 4 s; the write under it already
  // re-read the document, so the only risk is another writer racing us. Report, don't crash the kernel.
  onCompromised: (error: Error) => { process.emitWarning(`tracklab: lock compromised: ${error.message}`); },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock, waiting while another process holds it; any other failure (EPERM, ENOSPC, ...) is reported at once. */
async function acquire(file: string): Promise<() => Promise<void>> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(file, LOCK_OPTIONS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw ioError('lock', file, error);
      if (Date.now() - started > GIVE_UP_MS) {
        throw new TracklabError('IO_ERROR',
          `could not lock ${file} within ${GIVE_UP_MS / 1000} s; another process holds it — retry, or remove ${file}.lock if no tracklab process is running`,
          { cause: error });
      }
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }
}

/** Runs `fn` while holding the lock of `file` (the file itself need not exist). */
export async function withLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  const release = await acquire(file);
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
