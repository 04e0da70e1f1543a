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

export function createLineScanner(): LineScanner {
  // Each entry of `stack` is the mode to return to when a `}` closes a `${`.
  const stack: Mode[] = [];
  let braces: number[] = [0];
  let mode: Mode = 'code';
  let prev = '';

  function feed(line: string): void {
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      const n = line[i + 1];
      if (mode === 'comment') {
        if (c === '*' && n === '/') {
          mode = 'code';
          i++;
        }
        continue;
      }
      if (mode === 'template') {
        if (c === '\\') i++;
        else if (c === '`') {
          mode = 'code';
          prev = '`';
        } else if (c === '$' && n === '{') {
          stack.push('template');
          braces.push(0);
          mode = 'code';
          i++;
          prev = '{';
        }
        continue;
      }
      if (c === '/' && n === '/') return;
      if (c === '/' && n === '*') {
        mode = 'comment';
        i++;
        continue;
      }
      if (c === '`') {
        mode = 'template';
        continue;
      }
      if (c === '"' || c === "'") {
        i = skipString(line, i);
        prev = c;
        continue;
      }
      if (c === '/' && REGEX_AFTER.has(prev)) {
        i = skipRegex(line, i);
        prev = '/';
        continue;
      }
      if (c === '{') braces[braces.length - 1]!++;
      if (c === '}') {
        if (braces[braces.length - 1] === 0 && stack.length > 0) {
          braces.pop();
          mode = stack.pop()!;
          continue;
        }
        braces[braces.length - 1] = Math.max(0, braces[braces.length - 1]! - 1);
      }
      if (!/\s/.test(c)) prev = /[\w$]/.test(c) ? 'w' : c;
    }
    if (braces.length === 0) braces = [0];
  }

  return {
    get atCode() {
      return mode === 'code';
    },
    feed,
  };
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
