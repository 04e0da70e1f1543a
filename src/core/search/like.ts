const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/**
 * Compiles a SQL LIKE pattern once: `%` is any run of characters, `_` one character, `\` makes the next
 * character literal (as in PostgreSQL); everything else, `.` and regex syntax included, is literal.
 *
 * @example
 * compileLike('ep_1%', false)('ep01-final'); // true
 */
export function compileLike(pattern: string, ignoreCase: boolean): (value: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%') source += '[^]*';
    else if (c === '_') source += '[^]';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeChar(pattern[++i]!);
    else source += escapeChar(c);
  }
  const re = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
  return (value) => re.test(value);
}

const escapeChar = (c: string): string => (REGEX_SYNTAX.test(c) ? `\\${c}` : c);
