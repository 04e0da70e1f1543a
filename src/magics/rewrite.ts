import { TracklabError } from '../core/errors.js';
import { magicToCode } from './codegen.js';
import { createLineScanner } from './line-scanner.js';
import { isMagicLine, parseMagic } from './magic-parser.js';
import { magicsMessages as msg } from './messages.js';

export interface RewriteResult {
  /** The cell as TypeScript, with exactly as many lines as the source. */
  code: string;
  /** Number of magic lines rewritten. */
  magics: number;
  /** The cell starts with %%track: the kernel ends the run after the cell. */
  track: boolean;
}

/** A magic line that could not be parsed: one clear line for the cell's output. */
export class MagicSyntaxError extends TracklabError {
  readonly line: number;

  constructor(line: number, cause: unknown) {
    const text = cause instanceof Error ? cause.message : String(cause);
    super('INVALID_PARAMETER_VALUE', msg.atLine(line, text), { cause });
    this.name = 'MagicSyntaxError';
    this.line = line;
  }
}

/**
 * Rewrites the magic lines of a cell into TypeScript statements, one line for one line, so the line numbers of
 * type errors and stack traces stay the user's. Lines inside block comments and template literals are left alone.
 * Throws MagicSyntaxError on a misspelt magic or a bad argument.
 *
 * @example
 * rewriteCell('for (const x of xs) {\n  %log_metric v=x\n}').code.split('\n').length // 3
 */
export function rewriteCell(source: string): RewriteResult {
  if (!source.includes('%')) return { code: source, magics: 0, track: false };
  const lines = source.split('\n');
  const scanner = createLineScanner();
  let magics = 0;
  let track = false;
  let firstCodeLine = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (scanner.atCode && isMagicLine(line)) {
      lines[i] = rewriteLine(line, i + 1, firstCodeLine);
      track ||= /^\s*%%track\b(?!\?)/.test(line) && !/\s--help(\s|$)/.test(line);
      magics++;
    } else {
      scanner.feed(line);
    }
    if (line.trim() !== '') firstCodeLine = false;
  }
  return { code: magics === 0 ? source : lines.join('\n'), magics, track };
}

function rewriteLine(line: string, lineNo: number, first: boolean): string {
  try {
    const parsed = parseMagic(line);
    if (parsed.cell && !first && !parsed.help) throw new Error(msg.cellMagicNotFirst(`%%${parsed.name}`));
    const indent = /^\s*/.exec(line)![0];
    // Keep a trailing \r so the line count and endings stay the user's.
    return indent + magicToCode(parsed, lineNo) + (line.endsWith('\r') ? '\r' : '');
  } catch (e) {
    throw new MagicSyntaxError(lineNo, e);
  }
}

/**
 * The cell with its magic lines blanked to spaces (same length, same offsets), for tslab's completion, inspection and
 * is-complete checks, which must not see magic syntax.
 */
export function blankMagicLines(source: string): string {
  if (!source.includes('%')) return source;
  const scanner = createLineScanner();
  return source
    .split('\n')
    .map((line) => {
      if (scanner.atCode && isMagicLine(line)) return ' '.repeat(line.length);
      scanner.feed(line);
      return line;
    })
    .join('\n');
}
