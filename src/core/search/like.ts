/**
 * SQL LIKE matching in linear-ish time, without regular expressions: a pattern such as `'%%%%%%%%b'` over a long value
 * could make a backtracking regex run for minutes. The pattern is cut at `%` into segments of literal characters and
 * `_` (any one character); the first segment must match at the start, the last at the end, and each middle one is
 * matched at its leftmost place after the previous one (leftmost is always safe when segments are separated by `%`).
 * Cost: O(value length x longest segment), whatever the pattern.
 */

/** A segment is a list of code points; undefined stands for `_`. */
type Segment = (string | undefined)[];

/**
 * Compiles a SQL LIKE pattern once: `%` is any run of characters, `_` one character, `\` makes the next
 * character literal (as in PostgreSQL); everything else, `.` and regex syntax included, is literal.
 *
 * @example
 * compileLike('ep_1%', false)('ep01-final'); // true
 */
export function compileLike(pattern: string, ignoreCase: boolean): (value: string) => boolean {
  const fold = ignoreCase ? foldCase : (c: string): string => c;
  const segments = parsePattern(pattern, fold);
  return (value) => matchSegments(segments, Array.from(value, fold));
}

function parsePattern(pattern: string, fold: (c: string) => string): Segment[] {
  const segments: Segment[] = [[]];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const current = segments[segments.length - 1] as Segment;
    if (c === '%') segments.push([]);
    else if (c === '_') current.push(undefined);
    else if (c === '\\' && i + 1 < chars.length) current.push(fold(chars[++i] as string));
    else current.push(fold(c));
  }
  return segments;
}

function matchSegments(segments: Segment[], value: string[]): boolean {
  const first = segments[0] as Segment;
  if (segments.length === 1) return value.length === first.length && matchesAt(first, value, 0);
  const last = segments[segments.length - 1] as Segment;
  if (first.length + last.length > value.length) return false;
  if (!matchesAt(first, value, 0) || !matchesAt(last, value, value.length - last.length)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let s = 1; s < segments.length - 1; s++) {
    const segment = segments[s] as Segment;
    const at = leftmost(segment, value, from, end);
    if (at === -1) return false;
    from = at + segment.length;
  }
  return true;
}

function leftmost(segment: Segment, value: string[], from: number, end: number): number {
  for (let at = from; at + segment.length <= end; at++) if (matchesAt(segment, value, at)) return at;
  return -1;
}

function matchesAt(segment: Segment, value: string[], at: number): boolean {
  for (let i = 0; i < segment.length; i++) {
    const want = segment[i];
    if (want !== undefined && want !== value[at + i]) return false;
  }
  return true;
}

/** Simple case folding of one code point, as a case-insensitive regex compares them. */
function foldCase(c: string): string {
  const lower = c.toLowerCase();
  if (Array.from(lower).length === 1) return lower;
  return c;
}
