import { invalid, type TracklabError } from '../errors.js';
import { msg, type SearchInput } from './messages.js';

// Sticky, so it matches only at the cursor; compiled once when the module loads.
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

export const isWordChar = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_');

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * A cursor over one filter or order_by string, shared by both parsers. The parser asks for what it
 * expects next (a key, a comparator, a number...), so errors can say what was expected where.
 */
export class Scanner {
  pos = 0;

  constructor(
    readonly text: string,
    readonly what: SearchInput,
  ) {}

  error(detail: string): TracklabError {
    return invalid(msg.badInput(this.what, this.text, detail));
  }

  unexpected(at: number, expected: string): TracklabError {
    return this.error(msg.unexpected(this.describe(at), at, expected));
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Skips white space; says whether there was any. */
  skipSpace(): boolean {
    const start = this.pos;
    while (isSpace(this.text[this.pos])) this.pos++;
    return this.pos > start;
  }

  /** Reads a run of [A-Za-z0-9_]; '' when the cursor is not on one. */
  word(): string {
    const start = this.pos;
    while (isWordChar(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Consumes `literal` if the text continues with it. */
  eat(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** Reads a number such as 1, -0.5, 1e-3, .5; undefined (cursor unmoved) when there is none. */
  number(): number | undefined {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null || isWordChar(this.text[this.pos + m[0].length])) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** Reads a quoted run starting at the cursor's quote char; `\` escapes the quote char and `\` itself. */
  quoted(): string {
    const start = this.pos;
    const q = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      const next = this.text[this.pos];
      if (c === '\\' && (next === q || next === '\\')) {
        out += next;
        this.pos++;
      } else if (c === q) {
        return out;
      } else {
        out += c;
      }
    }
    throw this.error(msg.unterminated(start, q ?? ''));
  }

  /** The token at `at`, quoted, as error messages show it. */
  describe(at: number): string {
    const c = this.text[at];
    if (c === undefined) return msg.endOf(this.what);
    let end = at + 1;
    const inToken = (ch: string | undefined): boolean => isWordChar(ch) || ch === '.';
    if (inToken(c) || (c === '-' && inToken(this.text[end]))) {
      while (inToken(this.text[end])) end++;
    } else if (c === "'" || c === '"' || c === '`') {
      const close = this.text.indexOf(c, at + 1);
      end = close < 0 ? this.text.length : close + 1;
    }
    return JSON.stringify(this.text.slice(at, end));
  }
}
