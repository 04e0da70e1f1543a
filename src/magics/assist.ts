/**
 * Help while typing a magic: Tab completes magic names, options, and experiment and run names; Shift-Tab and
 * `%name?` show a magic's usage. Pure: the kernel passes the names it knows.
 */
import { MAGIC_BY_NAME, MAGICS, type MagicSpec } from './magic-specs.js';

export interface Completion {
  start: number;
  end: number;
  matches: string[];
}

/** Names the kernel can offer after options that take them. */
export interface KnownNames {
  experiments: readonly string[];
  runs: readonly string[];
}

const RUN_FLAGS = new Set(['run']);
const EXPERIMENT_FLAGS = new Set(['experiment']);

/** The line of `code` holding `pos`, and where it starts. */
export function lineAt(code: string, pos: number): { text: string; start: number } {
  const start = code.lastIndexOf('\n', pos - 1) + 1;
  const end = code.indexOf('\n', pos);
  return { text: code.slice(start, end < 0 ? code.length : end), start };
}

/**
 * Completions for a magic line at `pos` (an offset into `code`), or undefined when the cursor is not in one.
 *
 * @example
 * completeMagic('%log_', 5, none).matches // ['%log_artifact', '%log_metric', '%log_metrics', ...]
 */
export function completeMagic(code: string, pos: number, names: KnownNames): Completion | undefined {
  const { text, start } = lineAt(code, pos);
  const before = text.slice(0, pos - start);
  const head = /^(\s*)(%%?)([\w-]*)$/.exec(before);
  if (head) {
    const typed = head[2]! + head[3]!;
    const matches = MAGICS.filter((m) => !m.hidden)
      .map(written)
      .filter((w) => w.startsWith(typed))
      .sort();
    return { start: start + head[1]!.length, end: pos, matches };
  }
  const magic = /^\s*%%?([\w-]+)\s/.exec(before);
  const spec = magic ? MAGIC_BY_NAME.get(magic[1]!) : undefined;
  if (!spec) return undefined;
  const word = /(\S*)$/.exec(before)![1]!;
  const tokens = before.slice(magic![0].length).trim().split(/\s+/).filter(Boolean);
  const prev = word === '' ? tokens.at(-1) : tokens.at(-2);
  return {
    start: pos - word.length,
    end: pos,
    matches: candidates(spec, word, prev, names).filter((c) => c.startsWith(word)),
  };
}

function candidates(spec: MagicSpec, word: string, prev: string | undefined, names: KnownNames): string[] {
  if (word.startsWith('-')) return [...Object.keys(spec.flags).map((f) => `--${f}`), '--help'].sort();
  const flag = prev?.startsWith('--') ? prev.slice(2) : undefined;
  if (flag !== undefined && EXPERIMENT_FLAGS.has(flag)) return quoteAll(names.experiments);
  if (flag !== undefined && RUN_FLAGS.has(flag)) return quoteAll(names.runs);
  if (flag === undefined && spec.name === 'experiment') return quoteAll(names.experiments);
  if (flag === undefined && spec.name === 'compare') return quoteAll(names.runs);
  return [];
}

/** Names with spaces or quotes come back as "quoted strings", as the magic syntax wants them. */
const quoteAll = (list: readonly string[]): string[] =>
  [...new Set(list)].map((n) => (/^[\w.\-/:]+$/.test(n) ? n : JSON.stringify(n))).sort();

const written = (m: MagicSpec): string => (m.cell ? '%%' : '%') + m.name;

/** The usage and help of the magic on the line at `pos`, or undefined when it is not a magic line. */
export function inspectMagic(code: string, pos: number): string | undefined {
  const { text } = lineAt(code, pos);
  const m = /^\s*%%?([\w-]+)/.exec(text);
  const spec = m ? MAGIC_BY_NAME.get(m[1]!) : undefined;
  return spec && !spec.hidden ? magicHelp(spec) : undefined;
}

/** A magic's help: usage, what it does, its options. */
export function magicHelp(spec: MagicSpec): string {
  const flags = Object.keys(spec.flags).map((f) => `--${f}`);
  return [spec.usage, `    ${spec.help}`, ...(flags.length ? [`    options: ${flags.join(', ')}, --help`] : [])].join(
    '\n',
  );
}

/** `%log_metric?` or `%%track?` alone on a line: the magic whose help is asked for. */
export function helpRequest(line: string): MagicSpec | undefined {
  const m = /^\s*%%?([\w-]+)\?\s*$/.exec(line);
  return m ? MAGIC_BY_NAME.get(m[1]!) : undefined;
}
