import { invalid } from '../core/errors.js';
import { closest } from './closest.js';
import { magicsMessages as msg } from './messages.js';
import { MAGIC_BY_NAME, MAGICS, type MagicSpec } from './magic-specs.js';
import { isQuoted, splitArgs, unquote } from './split-args.js';

/** `<key>=<expr>`: the key as written (unquoted), the expression as TypeScript source. */
export interface Assign {
  key: string;
  expr: string;
}

/**
 * A parsed magic line. Text arguments are already TypeScript expressions that evaluate to strings
 * (a word becomes a string literal; "quoted" strings and `templates` are kept as written).
 */
export interface ParsedMagic {
  name: string;
  cell: boolean;
  spec: MagicSpec;
  positional: string[];
  assigns: Assign[];
  /** Flag name -> one code string per occurrence; booleans are `true`. */
  flags: Record<string, string[]>;
  /** Flag name -> key=expr pairs, for `assign` flags such as --tag. */
  flagAssigns: Record<string, Assign[]>;
  /** Literal values of int flags and of word / quoted arguments, for checks made before any code runs. */
  literals: Record<string, string>;
  /** `%name?` or `--help`: show the magic's usage instead of running it. */
  help?: boolean;
}

const KEY_RE = /^[\w./\- :]+$/;
const MAGIC_HEAD = /^(%%?)([A-Za-z_][\w-]*)(?=\s|\?|$)/;

/** Whether a line (leading whitespace allowed) is a magic line: `%name` or `%%name` at its start. */
export const isMagicLine = (line: string): boolean => MAGIC_HEAD.test(line.trimStart());

/**
 * Parses one magic line. Throws a TracklabError (INVALID_PARAMETER_VALUE) with one clear line on a misspelt magic
 * or a bad argument.
 *
 * @example
 * parseMagic('%log_metric acc=correct/total --step epoch').assigns // [{ key: 'acc', expr: 'correct/total' }]
 */
export function parseMagic(line: string): ParsedMagic {
  const trimmed = line.trim();
  const head = MAGIC_HEAD.exec(trimmed);
  if (!head) throw invalid(msg.unknownMagic(trimmed.split(/\s/)[0] ?? trimmed, undefined));
  const [, percent, name] = head as unknown as [string, string, string];
  const spec = MAGIC_BY_NAME.get(name);
  if (!spec || (spec.cell ?? false) !== (percent === '%%')) throw unknown(percent + name);
  const parsed: ParsedMagic = {
    name,
    cell: percent === '%%',
    spec,
    positional: [],
    assigns: [],
    flags: {},
    flagAssigns: {},
    literals: {},
  };
  const rest = trimmed.slice(head[0].length);
  if (/^\?\s*$/.test(rest) || /(^|\s)--help(\s|$)/.test(rest)) return { ...parsed, help: true };
  const tokens = splitArgs(rest);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.startsWith('--') && tok.length > 2) i = parseFlag(parsed, tokens, i);
    else addPositional(parsed, tok);
  }
  const n = spec.positional.kind === 'assign' ? parsed.assigns.length : parsed.positional.length;
  if (n < spec.positional.min) {
    throw invalid(spec.positional.kind === 'assign' ? msg.nothingToLog(name) : msg.tooFew(name, spec.usage));
  }
  return parsed;
}

function unknown(written: string): Error {
  const visible = MAGICS.filter((m) => !m.hidden).map((m) => (m.cell ? '%%' : '%') + m.name);
  return invalid(msg.unknownMagic(written, closest(written, visible)));
}

function addPositional(p: ParsedMagic, tok: string): void {
  const { kind, max } = p.spec.positional;
  const count = kind === 'assign' ? p.assigns.length : p.positional.length;
  if (count >= max) throw invalid(msg.tooMany(p.name, p.spec.usage));
  if (kind === 'assign') {
    const a = parseAssign(p.name, tok);
    if (p.assigns.some((x) => x.key === a.key)) throw invalid(msg.duplicateKey(p.name, a.key));
    p.assigns.push(a);
  } else if (kind === 'expr') {
    p.positional.push(tok);
  } else {
    if (!isTemplate(tok)) p.literals[String(p.positional.length)] = unquote(tok);
    p.positional.push(textCode(p.name, tok, 'this argument'));
  }
}

function parseFlag(p: ParsedMagic, tokens: string[], i: number): number {
  const raw = tokens[i]!.slice(2);
  const eq = raw.indexOf('=');
  const flag = eq >= 0 ? raw.slice(0, eq) : raw;
  const fs = p.spec.flags[flag];
  if (!fs) {
    const best = closest(flag, Object.keys(p.spec.flags));
    throw invalid(msg.unknownFlag(p.name, `--${flag}`, best && `--${best}`));
  }
  if (p.flags[flag] && !fs.repeat) throw invalid(msg.flagTwice(p.name, flag));
  const list = (p.flags[flag] ??= []);
  if (fs.kind === 'bool') {
    list.push('true');
    return i;
  }
  const value: string | undefined = eq >= 0 ? raw.slice(eq + 1) : tokens[i + 1];
  if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
    throw invalid(msg.flagNeedsValue(p.name, flag));
  const next = eq >= 0 ? i : i + 1;
  if (fs.kind === 'assign') {
    (p.flagAssigns[flag] ??= []).push(parseAssign(p.name, value));
  } else if (fs.kind === 'int') {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw invalid(msg.badInt(p.name, flag, value));
    p.literals[flag] = value;
    list.push(value);
  } else if (fs.kind === 'expr') {
    list.push(value);
  } else {
    if (!isTemplate(value)) p.literals[flag] = unquote(value);
    list.push(textCode(p.name, value, `--${flag}`));
  }
  return next;
}

function parseAssign(magic: string, tok: string): Assign {
  let key: string;
  let rest: string;
  if (isQuotedPrefix(tok)) {
    const end = closingQuote(tok);
    key = unquote(tok.slice(0, end + 1));
    rest = tok.slice(end + 1);
    if (!rest.startsWith('=')) throw invalid(msg.expectedAssign(magic, tok));
    rest = rest.slice(1);
  } else {
    const eq = tok.indexOf('=');
    if (eq <= 0 || tok[eq + 1] === '=') throw invalid(msg.expectedAssign(magic, tok));
    key = tok.slice(0, eq);
    rest = tok.slice(eq + 1);
  }
  if (!KEY_RE.test(key)) throw invalid(msg.badKey(magic, key));
  if (rest.trim() === '') throw invalid(msg.missingValue(magic, key));
  return { key, expr: rest };
}

const isQuotedPrefix = (t: string): boolean => t[0] === '"' || t[0] === "'";
const isTemplate = (t: string): boolean => t.length >= 2 && t[0] === '`' && t[t.length - 1] === '`';

function closingQuote(t: string): number {
  for (let i = 1; i < t.length; i++) {
    if (t[i] === '\\') i++;
    else if (t[i] === t[0]) return i;
  }
  return t.length - 1;
}

/** A text argument as code: a word becomes a string literal; quoted strings and templates stay as written. */
function textCode(magic: string, tok: string, what: string): string {
  if (isQuoted(tok)) return JSON.stringify(unquote(tok));
  if (isTemplate(tok)) return tok;
  if (/^["'`]/.test(tok)) throw invalid(msg.notExpr(magic, what));
  return JSON.stringify(tok);
}
