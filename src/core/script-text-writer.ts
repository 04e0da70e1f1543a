/**
 * Bytes as script text, fast, into a buffer the caller owns: the scheme of script-text.ts (whose scriptTextToBytes
 * reads it back), seven bytes at a time. A module of its own so the page script, which only reads, bundles none of
 * it; tests check it writes exactly what script-text.ts bytesToScriptText writes.
 */

import { escaped as put, FORBIDDEN, writeGroups } from './script-text.js';

/** The most bytes of text that `bytes` bytes can take: 8/7 of them, and a last escaped group's second byte. */
export function scriptTextBound(bytes: number): number {
  return Math.ceil((bytes * 8) / 7) + 2;
}

/** 1 + the escape index of a group that cannot stand as itself, else 0. */
const ESCAPE = new Uint8Array(128);
FORBIDDEN.forEach((code, i) => (ESCAPE[code] = i + 1));

/**
 * Writes the literal's text for `bytes` into `out` from `at` (room: scriptTextBound) and returns where it ends. Seven
 * bytes are eight groups: those blocks go in one step, with a fast path for a block with nothing to escape (about
 * three blocks in four of random bytes).
 */
export function writeScriptText(bytes: Uint8Array, out: Uint8Array, at: number): number {
  const whole = bytes.length - (bytes.length % 7);
  let o = at;
  let pending = -1; // an escaped group waiting for the group after it
  for (let i = 0; i < whole; i += 7) {
    const hi = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    const lo = (bytes[i + 4]! << 16) | (bytes[i + 5]! << 8) | bytes[i + 6]!;
    const g0 = hi >>> 25;
    const g1 = (hi >>> 18) & 127;
    const g2 = (hi >>> 11) & 127;
    const g3 = (hi >>> 4) & 127;
    const g4 = ((hi & 15) << 3) | (lo >>> 21);
    const g5 = (lo >>> 14) & 127;
    const g6 = (lo >>> 7) & 127;
    const g7 = lo & 127;
    const E = ESCAPE;
    if (pending < 0 && (E[g0]! | E[g1]! | E[g2]! | E[g3]! | E[g4]! | E[g5]! | E[g6]! | E[g7]!) === 0) {
      out[o] = g0;
      out[o + 1] = g1;
      out[o + 2] = g2;
      out[o + 3] = g3;
      out[o + 4] = g4;
      out[o + 5] = g5;
      out[o + 6] = g6;
      out[o + 7] = g7;
      o += 8;
      continue;
    }
    for (let g = 0; g < 8; g++) {
      const group = g < 4 ? (hi >>> (25 - 7 * g)) & 127 : g === 4 ? g4 : (lo >>> (49 - 7 * g)) & 127;
      if (pending >= 0) {
        o = put(out, o, pending, group);
        pending = -1;
      } else if (E[group]! > 0) pending = E[group]! - 1;
      else out[o++] = group;
    }
  }
  return writeGroups(bytes, whole, out, o, pending);
}
