/**
 * Cross-process locking around shared documents, held only around the I/O itself (never across user code).
 *
 * The lock is a file `<file>.lock` created exclusively, holding its owner `{ pid, host, token }`; its mtime is
 * refreshed while held. A lock whose mtime is older than the stale timeout is taken over only when its owner is gone: a
 * process on this host that still exists (stopped by SIGSTOP, a closed laptop lid, a long GC pause) keeps its lock
 * however long it pauses, so it can never resume and commit over a newer document. A holder on another host (a store
 * on NFS) cannot be checked for life from here, so its lock is never broken automatically: waiters give up with an
 * error naming the holder and how to clear the lock. `assertHeld` (the fence, called at commit) still catches a holder
 * whose lock was taken over or removed by hand.
 */
import { ioError, TracklabError } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { randomHex } from './atomic-file.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } =
  process.getBuiltinModule('node:fs');
const { hostname } = process.getBuiltinModule('node:os');

export const STALE_MS = 4000;
const REFRESH_MS = 1000;
/** Long enough to outlive a dead holder's stale lock, with a few writers queued ahead of us. */
const GIVE_UP_MS = 30_000;
/** How long a writer waits for a lock before giving up: TRACKLAB_LOCK_WAIT_MS, else GIVE_UP_MS. */
function giveUpMs(): number {
  const set = Number(process.env['TRACKLAB_LOCK_WAIT_MS']);
  return Number.isFinite(set) && set > 0 ? set : GIVE_UP_MS;
}
const HOST = hostname();

interface Owner {
  pid: number;
  host: string;
  token: string;
}

/** A held lock: `assertHeld` before committing, `release` after. */
export interface LockHandle {
  readonly lockFile: string;
  /** Throws LOCK_LOST (a TracklabError IO_ERROR with `lost`) when another process has taken the lock over. */
  assertHeld(): void;
  release(): void;
}

/**
 * Raised by the fence when a holder finds its lock taken over; the write is refused and may be retried from a re-read.
 */
export class LockLostError extends TracklabError {
  constructor(file: string) {
    super(
      'IO_ERROR',
      `the lock of ${file} was taken over by another process while this one paused; nothing was written`,
    );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readOwner(lockFile: string): Owner | undefined {
  try {
    const value = JSON.parse(readFileSync(lockFile, 'utf8')) as Partial<Owner> | null;
    if (value && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return value as Owner;
    }
  } catch {
    // being written, removed, a folder left by an older tracklab, or damaged: judged by its age alone
  }
  return undefined;
}

/** Whether a process on this host with this pid exists (EPERM: it exists under another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(lockFile: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError('lock', lockFile, error);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } catch (error) {
    closeSync(fd);
    rmSync(lockFile, { force: true });
    throw ioError('lock', lockFile, error);
  }
  closeSync(fd);
  return true;
}

/** Who holds a lock and what can be known of them. */
interface Holder {
  stale: boolean;
  owner: Owner | undefined;
  /** a process on this host with the owner's pid exists */
  alive: boolean;
  /** the owner runs on another host: whether it lives cannot be checked from here */
  foreign: boolean;
}

/** What blocks us: undefined when the lock may be taken over (stale, and its owner known to be gone). */
function holder(lockFile: string): Holder | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockFile).mtimeMs;
  } catch {
    return { stale: false, owner: undefined, alive: false, foreign: false }; // released meanwhile: try again at once
  }
  const owner = readOwner(lockFile);
  const stale = Date.now() - mtimeMs > STALE_MS;
  const foreign = owner !== undefined && owner.host !== HOST;
  const alive = owner !== undefined && !foreign && processExists(owner.pid);
  return stale && !alive && !foreign ? undefined : { stale, owner, alive, foreign };
}

/** Moves a stale lock aside; if what was moved is no longer the lock we judged (a race), it is put back. */
function takeOver(lockFile: string): void {
  const judged = readOwner(lockFile)?.token;
  const aside = `${lockFile}.${process.pid}.${randomHex(6)}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return; // someone else moved or released it
  }
  if (readOwner(aside)?.token !== judged) {
    try {
      linkSync(aside, lockFile);
    } catch {
      /* the newer holder's fence will notice */
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Takes the lock, waiting while another process holds it; any other failure (EPERM, ENOSPC, ...) is reported at once.
 */
export async function acquire(file: string): Promise<LockHandle> {
  const lockFile = `${file}.lock`;
  const owner: Owner = { pid: process.pid, host: HOST, token: randomHex(8) };
  const started = Date.now();
  const limit = giveUpMs();
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockFile, owner)) return handle(lockFile, owner.token);
    const blocking = holder(lockFile);
    if (blocking === undefined) {
      takeOver(lockFile);
      continue;
    }
    if (Date.now() - started > limit) throw gaveUp(file, lockFile, blocking, limit);
    await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
  }
}

function gaveUp(file: string, lockFile: string, blocking: Holder, waited: number): TracklabError {
  const who = blocking.owner ? `process ${blocking.owner.pid} on ${blocking.owner.host}` : 'another process';
  const secs = `${Math.round(waited / 100) / 10} s`;
  if (blocking.foreign && blocking.stale) {
    const host = blocking.owner?.host ?? 'its host';
    return new TracklabError(
      'IO_ERROR',
      storeMessages.lockStaleForeign(file, lockFile, secs, who, STALE_MS / 1000, HOST, host),
    );
  }
  return new TracklabError('IO_ERROR', storeMessages.lockHeld(file, secs, who, blocking.alive, lockFile));
}

function handle(lockFile: string, token: string): LockHandle {
  // Keeps the lock fresh while held, so waiters do not judge it stale; unref'd so it never keeps a process alive.
  const timer = setInterval(() => {
    try {
      utimesSync(lockFile, new Date(), new Date());
    } catch {
      /* judged at commit by assertHeld */
    }
  }, REFRESH_MS);
  timer.unref();
  const held = (): boolean => readOwner(lockFile)?.token === token;
  return {
    lockFile,
    assertHeld(): void {
      if (!held()) throw new LockLostError(lockFile.slice(0, -'.lock'.length));
    },
    release(): void {
      clearInterval(timer);
      if (held()) rmSync(lockFile, { force: true });
    },
  };
}

/** Runs `fn` while holding the lock of `file` (the file itself need not exist). */
export async function withLock<T>(file: string, fn: (lock: LockHandle) => T | Promise<T>): Promise<T> {
  const lock = await acquire(file);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
