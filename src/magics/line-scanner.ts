/**
 * A small TypeScript lexer that only tracks whether a line starts in plain code, or inside a block comment or a
 * template literal: a `%` line inside `/* ... *\/` or a multi-line template string is text, not a magic.
 * Strings, regular expressions and `${...}` nesting are followed so their contents do not confuse it.
 */
export interface LineScanner {
  /** True when the next line starts in plain code. */
  readonly atCode: boolean;
  /** Advances over one line of TypeScript. */
  feed(line: string): void;
}

type Mode = 'code' | 'template' | 'comment';

const REGEX_AFTER = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
]);

/** Where the scan stands between characters. */
interface ScanState {
  /** each entry is the mode to return to when a `}` closes a `${` */
  stack: Mode[];
  /** open `{` per nesting level of `${` */
  braces: number[];
  mode: Mode;
  /** the last significant character in code ('w' for a word character), which tells a regex from a division */
  prev: string;
}

export function createLineScanner(): LineScanner {
  const state: ScanState = { stack: [], braces: [0], mode: 'code', prev: '' };
  return {
    get atCode() {
      return state.mode === 'code';
    },
    feed(line: string): void {
      for (let i = 0; i < line.length; i++) {
        const step = state.mode === 'comment' ? inComment : state.mode === 'template' ? inTemplate : inCode;
        i = step(state, line, i);
      }
      if (state.braces.length === 0) state.braces = [0];
    },
  };
}

/** Each step reads the character at `i` (and maybe the next) and returns the index of the last one it used. */
function inComment(s: ScanState, line: string, i: number): number {
  if (line[i] !== '*' || line[i + 1] !== '/') return i;
  s.mode = 'code';
  return i + 1;
}

function inTemplate(s: ScanState, line: string, i: number): number {
  const c = line[i];
  if (c === '\\') return i + 1;
  if (c === '`') {
    s.mode = 'code';
    s.prev = '`';
  } else if (c === '$' && line[i + 1] === '{') {
    s.stack.push('template');
    s.braces.push(0);
    s.mode = 'code';
    s.prev = '{';
    return i + 1;
  }
  return i;
}

function inCode(s: ScanState, line: string, i: number): number {
  const c = line[i]!;
  const n = line[i + 1];
  if (c === '/' && n === '/') return line.length; // the rest of the line is a comment
  if (c === '/' && n === '*') {
    s.mode = 'comment';
    return i + 1;
  }
  if (c === '`') {
    s.mode = 'template';
    return i;
  }
  if (c === '"' || c === "'") {
    s.prev = c;
    return skipString(line, i);
  }
  if (c === '/' && REGEX_AFTER.has(s.prev)) {
    s.prev = '/';
    return skipRegex(line, i);
  }
  if (c === '{') s.braces[s.braces.length - 1]!++;
  if (c === '}') {
    if (s.braces[s.braces.length - 1] === 0 && s.stack.length > 0) {
      s.braces.pop();
      s.mode = s.stack.pop()!;
      return i;
    }
    s.braces[s.braces.length - 1] = Math.max(0, s.braces[s.braces.length - 1]! - 1);
  }
  if (!/\s/.test(c)) s.prev = /[\w$]/.test(c) ? 'w' : c;
  return i;
}

function skipString(line: string, i: number): number {
  const q = line[i];
  for (let j = i + 1; j < line.length; j++) {
    if (line[j] === '\\') j++;
    else if (line[j] === q) return j;
  }
  return line.length;
}

function skipRegex(line: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return j;
  }
  return line.length;
}
