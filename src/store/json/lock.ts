/**
 * Cross-process locking around shared documents, held only around the I/O itself (never across user code).
 * proper-lockfile takes a `<file>.lock` folder with mkdir (atomic on every file system) and treats a lock
 * whose mtime is older than `stale` as left by a dead process and removes it.
 */
import lockfile from 'proper-lockfile';
import { TracklabError } from '../../core/errors.js';

const LOCK_OPTIONS = {
  realpath: false,
  stale: 4000,
  update: 1000,
  retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
  // A compromised lock means our update timer could not run for 4 s; the write under it already
  // re-read the document, so the only risk is another writer racing us. Report, don't crash the kernel.
  onCompromised: (error: Error) => { process.emitWarning(`tracklab: lock compromised: ${error.message}`); },
};

/** Runs `fn` while holding the lock of `file` (the file itself need not exist). */
export async function withLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, LOCK_OPTIONS);
  } catch (error) {
    throw new TracklabError(
      'IO_ERROR',
      `could not lock ${file} (${(error as Error).message}); another process holds it — retry, or remove ${file}.lock if no tracklab process is running`,
      { cause: error },
    );
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
