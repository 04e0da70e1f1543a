/** Durable file replacement: unique temp file + fsync + rename + fsync of the folder. */
import { basename, dirname, join } from 'node:path';
import { ioError } from '../../core/errors.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { closeSync, fsync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } =
  process.getBuiltinModule('node:fs');

/** Temp files are named `.<target>.<pid>.<random>.tmp` so a dead writer's leftovers can be recognised and removed. */
export const TEMP_FILE_RE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Temp files of writers that died mid-write (their pid is gone) are removed; a live writer's are left alone. */
export function removeDeadTempFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = TEMP_FILE_RE.exec(name)?.[1];
    if (pid === undefined) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(dir, name), { force: true });
    }
  }
}

/**
 * `bytes` random bytes as hex. node:crypto (with the streams it loads, ~47 internal modules) is loaded on the first
 * write, not by every process that imports the stores to read them.
 */
export const randomHex = (bytes: number): string =>
  process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex');

/** The target's name is cut short in the temp name, so a target name of 255 bytes still has a legal temp name. */
export function tempPathFor(file: string): string {
  const stem = Buffer.from(basename(file), 'utf8').subarray(0, 64).toString('utf8');
  return join(dirname(file), `.${stem}.${process.pid}.${randomHex(6)}.tmp`);
}

/**
 * Replaces `file` with `data` atomically: readers see the old or the new content, never a mix.
 * With `durable`, the data and the rename survive power loss (fsync of file and folder).
 * On any failure the temp file is removed and the old content is intact. `beforeRename` is the last check before the
 * commit (a fence); what it throws is passed on as is.
 */
export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  durable: boolean,
  beforeRename?: () => void,
): void {
  const temp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeAll(fd, data);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw ioError('write', file, error);
  }
  try {
    beforeRename?.();
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw ioError('write', file, error);
  }
  if (durable) fsyncDir(dirname(file));
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    throw ioError('sync folder', dir, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** fsync on libuv's thread pool, so several can run at once (one journal commit may serve them all). */
export const fsyncAsync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => {
    fsync(fd, (error) => (error ? reject(error) : resolve()));
  });
