/**
 * Bytes as the text of a JavaScript string literal, for data a page must load as a classic script (fetch() cannot
 * read file://, and a page of the report must work from disk). Base64 carries 6 bits in a byte of the file; this
 * carries 7: the bytes are cut into 7-bit groups, each written as the ASCII character of that code, except the five
 * that cannot stand in a "..." literal or that tools mishandle (NUL, LF, CR, `"`, `\`). Such a group and the one after
 * it become one 2-byte UTF-8 character, U+0080 + 128 x (which of the five) + next group, so the output is 8/7 of the
 * input, whatever the bytes (base122's scheme, with a character range of its own).
 */

/** The five 7-bit groups that never stand as themselves, in escape order. */
export const FORBIDDEN = [0, 10, 13, 34, 92];
const INDEX = new Int8Array(128).fill(-1);
FORBIDDEN.forEach((code, i) => (INDEX[code] = i));
const FIRST_ESCAPE = 0x80;

/**
 * The UTF-8 bytes of the literal's text (without quotes) for `bytes`; `scriptTextToBytes` reads it back.
 *
 * @example new TextDecoder().decode(bytesToScriptText(Uint8Array.of(65))) // " @": two 7-bit groups
 */
export function bytesToScriptText(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((bytes.length * 8) / 7) + 2);
  return out.subarray(0, writeGroups(bytes, 0, out, 0, -1));
}

/**
 * Writes the text of `bytes` from index `from` into `out` from `at`, one 7-bit group at a time, and returns where it
 * ends. `waiting` is an escaped group (its escape index) still waiting for the group after it, or -1; a last escaped
 * group gets its 2-byte character with a zero group.
 */
export function writeGroups(bytes: Uint8Array, from: number, out: Uint8Array, at: number, waiting: number): number {
  const groups = Math.ceil(((bytes.length - from) * 8) / 7);
  let o = at;
  let pending = waiting;
  let acc = 0;
  let bits = 0;
  let i = from;
  for (let g = 0; g < groups; g++) {
    if (bits < 7) {
      acc = ((acc << 8) | (i < bytes.length ? bytes[i++]! : 0)) & 0x7fff;
      bits += 8;
    }
    bits -= 7;
    const group = (acc >> bits) & 127;
    if (pending >= 0) {
      o = escaped(out, o, pending, group);
      pending = -1;
    } else if (INDEX[group]! >= 0) {
      pending = INDEX[group]!;
    } else {
      out[o++] = group;
    }
  }
  return pending >= 0 ? escaped(out, o, pending, 0) : o;
}

/** The 2-byte character of an escaped group (its escape index) and the group after it; returns where it ends. */
export function escaped(out: Uint8Array, o: number, pending: number, group: number): number {
  const code = FIRST_ESCAPE + pending * 128 + group;
  out[o] = 0xc0 | (code >> 6);
  out[o + 1] = 0x80 | (code & 63);
  return o + 2;
}

/** The `length` bytes whose literal text is `text`; a RangeError when `text` was not written by bytesToScriptText. */
export function scriptTextToBytes(text: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  let acc = 0;
  let bits = 0;
  // The group is added in the loop itself, twice, not by a helper closure: the closure kept acc, bits and o in a heap
  // context, and this loop decodes every history a page draws.
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128) {
      const escaped = FORBIDDEN[(c - FIRST_ESCAPE) >> 7];
      if (escaped === undefined) throw new RangeError(`script text: unexpected character U+${c.toString(16)}`);
      acc = ((acc << 7) | escaped) & 0x7fff;
      bits += 7;
      if (bits >= 8) {
        bits -= 8;
        if (o < length) out[o++] = (acc >> bits) & 255;
      }
      c = (c - FIRST_ESCAPE) & 127;
    }
    acc = ((acc << 7) | c) & 0x7fff;
    bits += 7;
    if (bits >= 8) {
      bits -= 8;
      if (o < length) out[o++] = (acc >> bits) & 255;
    }
  }
  if (o !== length) throw new RangeError(`script text: ${o} bytes, expected ${length}`);
  return out;
}
