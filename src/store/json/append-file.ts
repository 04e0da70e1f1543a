/**
 * Appends that leave a file as it was when they fail: a full disk (ENOSPC) or a quota can stop a write() part way,
 * and a partial line left at the end would glue onto the next append and damage the file in the middle.
 */
import { fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { ioError } from '../../core/errors.js';

/**
 * Writes all of `bytes` at the end of the file open (O_APPEND) as `fd`. On failure the file is cut back to its size
 * before the call (when no other process appended meanwhile) and an IO_ERROR naming `file` is thrown; the caller keeps
 * the unwritten data.
 */
export function appendAll(fd: number, bytes: Uint8Array, file: string, what = 'append to'): void {
  let before: number;
  try {
    before = fstatSync(fd).size;
  } catch (error) {
    throw ioError(what, file, error);
  }
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    if (offset > 0) cutBack(fd, before, offset);
    throw ioError(what, file, error);
  }
}

/** Removes our partial bytes if they are still the file's tail (another appender may have written after them). */
function cutBack(fd: number, before: number, written: number): void {
  try {
    if (fstatSync(fd).size === before + written) ftruncateSync(fd, before);
  } catch {
    // the file stays with a torn last line, which readers skip and the next writer cuts off
  }
}

/** The size of the file's complete lines: everything up to and including its last newline. */
export function completeLength(text: Buffer): number {
  return text.lastIndexOf(0x0a) + 1;
}
