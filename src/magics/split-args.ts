import { invalid } from '../core/errors.js';
import { magicsMessages as msg } from './messages.js';

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Splits a magic's argument text at whitespace outside quotes ('", `), brackets and `${...}`.
 * A trailing `// comment` and trailing semicolons are dropped. Throws on an unbalanced quote or bracket.
 *
 * @example
 * splitArgs('acc=(a / b) note="x y" --step i') // ['acc=(a / b)', 'note="x y"', '--step', 'i']
 */
export function splitArgs(text: string): string[] {
  const tokens: string[] = [];
  const stack: string[] = []; // expected closers; a quote char means "inside that string"
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (top === '"' || top === "'" || top === '`') {
      if (c === '\\') i++;
      else if (c === top) stack.pop();
      else if (top === '`' && c === '$' && text[i + 1] === '{') {
        stack.push('}');
        i++;
      }
      continue;
    }
    if (stack.length === 0 && /\s/.test(c)) {
      if (start >= 0) {
        tokens.push(text.slice(start, i));
        start = -1;
      }
      continue;
    }
    if (stack.length === 0 && start < 0 && c === '/' && text[i + 1] === '/') break;
    if (start < 0) start = i;
    if (c === '"' || c === "'" || c === '`') stack.push(c);
    else if (c in CLOSER) stack.push(CLOSER[c]!);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) throw invalid(msg.unbalanced(text.trim()));
    }
  }
  if (stack.length > 0) throw invalid(msg.unbalanced(text.trim()));
  if (start >= 0) tokens.push(text.slice(start));
  return stripSemicolons(tokens);
}

function stripSemicolons(tokens: string[]): string[] {
  while (tokens.length > 0) {
    const last = tokens[tokens.length - 1]!.replace(/;+$/, '');
    if (last === '') tokens.pop();
    else {
      tokens[tokens.length - 1] = last;
      break;
    }
  }
  return tokens;
}

/** Whether a token is a quoted string literal ('...' or "..."). */
export const isQuoted = (t: string): boolean =>
  t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0];

/** The string a quoted token stands for (JS escapes are honoured); other tokens are returned as they are. */
export function unquote(t: string): string {
  if (!isQuoted(t)) return t;
  const json = t[0] === '"' ? t : `"${t.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`;
  try {
    return JSON.parse(json) as string;
  } catch {
    throw invalid(msg.badString(t));
  }
}
