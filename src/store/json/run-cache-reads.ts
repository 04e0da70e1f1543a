/**
 * Runs a search read from their logs without a stat (log-reader.ts), which the run cache keys only when it saves,
 * after the answer. A key (size and mtime) must describe the bytes it is stored with: a stat taken before the read
 * always does (a later change sets a newer mtime or size, so the next search reads the log again), but one taken
 * after the read could hide a change made in between. So a run whose fold is still held is keyed by a stat taken now
 * only if that stat proves the log unchanged since before the read; any other run is read again, stat first.
 */
import type { Stats } from 'node:fs';
import type { RunRecord } from '../../core/entities.js';
import type { Entry } from './run-cache-encode.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { statSync } = process.getBuiltinModule('node:fs');

/**
 * How long before a read a log must have last changed for a later stat to vouch for it: more than the kernel's file
 * clock can lag Date.now() (it is a coarse clock, up to a tick behind).
 */
const SETTLE_MS = 50;

/** A run read without a stat: the bytes read, when the read began (Date.now()) and, if still held, the fold. */
export interface Unstatted {
  size: number;
  readAt: number;
  record?: RunRecord;
}

/**
 * Whether the log whose stat is `st`, taken after the read `u`, still holds exactly the bytes read. Logs only grow,
 * except by a repair that cuts or replaces one; any write, cut, rename or link sets the inode's ctime to the time of
 * the change (no tool can set a ctime back), so a log of the size read whose ctime and mtime predate the read by
 * more than the clock's lag has not changed since.
 */
export function unchangedSinceRead(st: Stats, u: Unstatted): boolean {
  const before = u.readAt - SETTLE_MS;
  return st.size === u.size && st.ctimeMs < before && st.mtimeMs < before;
}

/**
 * The cache entries of the runs in `reads`: a held fold keyed by a stat that proves it current, any other run read
 * again by `reread` (stat first); runs that are gone or cannot be read are left out (read again by the next search).
 */
export function keyReads(
  reads: ReadonlyMap<string, Unstatted>,
  logOf: (id: string) => string,
  reread: (id: string) => Entry | undefined,
): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [id, u] of reads) {
    try {
      const entry = u.record === undefined ? undefined : checked(logOf(id), u, u.record);
      const found = entry ?? reread(id);
      if (found !== undefined) out.set(id, found);
    } catch {
      // derived data only: the next search reads that log again
    }
  }
  return out;
}

function checked(file: string, u: Unstatted, record: RunRecord): Entry | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  return st !== undefined && unchangedSinceRead(st, u) ? { mtimeMs: st.mtimeMs, size: u.size, record } : undefined;
}
