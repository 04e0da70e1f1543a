/**
 * Appends that leave a file as it was when they fail: a full disk (ENOSPC) or a quota can stop a write() part way,
 * and a partial line left at the end would glue onto the next append and damage the file in the middle.
 */
import { ioError } from '../../core/errors.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { fstatSync, ftruncateSync, readSync, writeSync } = process.getBuiltinModule('node:fs');

/**
 * Writes all of `bytes` at the end of the file open (O_APPEND) as `fd`. On failure our partial bytes are cut off again
 * (when they are still the file's tail, i.e. no other process appended after them) and an IO_ERROR naming `file` is
 * thrown; the caller keeps the unwritten data. Costs nothing over the write itself when it succeeds.
 */
export function appendAll(fd: number, bytes: Uint8Array, file: string, what = 'append to'): void {
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    if (offset > 0) cutBack(fd, bytes.subarray(0, offset));
    throw ioError(what, file, error);
  }
}

/**
 * Removes `written`, the part of our append that reached the file, if the file still ends with exactly those bytes.
 * With O_APPEND they landed at the end as one piece, so anything appended by another process since comes after them
 * and the comparison fails: then the file keeps a torn line in the middle only if that process also glued onto it,
 * which the readers report as damage rather than guess.
 */
function cutBack(fd: number, written: Uint8Array): void {
  try {
    const size = fstatSync(fd).size;
    if (size < written.length) return;
    const tail = Buffer.alloc(written.length);
    if (readSync(fd, tail, 0, tail.length, size - written.length) !== tail.length) return;
    if (tail.equals(written)) ftruncateSync(fd, size - written.length);
  } catch {
    // the file stays with a torn last line, which readers skip and the next writer cuts off
  }
}

/** The size of the file's complete lines: everything up to and including its last newline. */
export function completeLength(text: Buffer): number {
  return text.lastIndexOf(0x0a) + 1;
}
