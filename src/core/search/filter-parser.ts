import { comparatorsFor, isNumericKey, readKey, type Comparator, type KeyKind, type KeyRef } from './keys.js';
import { msg } from './messages.js';
import { Scanner } from './scanner.js';

export type NumberComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type ListComparator = 'IN' | 'NOT IN';

interface ClauseBase {
  kind: KeyKind;
  /** key without prefix and quotes, aliases resolved: `created` -> `start_time` */
  key: string;
  /** the clause as written */
  text: string;
  /** 0-based offset of the clause in the filter */
  column: number;
}
/** `metrics.acc > 0.9`, `attributes.start_time >= 1700000000000` */
export interface NumberClause extends ClauseBase {
  type: 'number';
  comparator: NumberComparator;
  value: number;
}
/** `params.model = 'cnn'`, `tags.team ILIKE 'ml%'` */
export interface StringClause extends ClauseBase {
  type: 'string';
  comparator: StringComparator;
  value: string;
}
/** `run_id IN ('a1', 'b2')`, `datasets.name NOT IN ('x')` */
export interface ListClause extends ClauseBase {
  type: 'list';
  comparator: ListComparator;
  value: readonly string[];
}
export type FilterClause = NumberClause | StringClause | ListClause;

/** A parsed filter: clauses that must all hold (AND). No clauses matches every run. */
export interface FilterAst {
  text: string;
  clauses: readonly FilterClause[];
}

const COMPARATOR_LIST = '= != < <= > >= LIKE ILIKE IN NOT IN';
// Longest first, so "<=" is not read as "<".
const SYMBOL_OPS: readonly Comparator[] = ['!=', '<=', '>=', '=', '<', '>'];

/**
 * Parses an MLflow search filter into clauses, throwing `invalid(...)` with the bad token and its column.
 *
 * @example
 * parseFilter("metrics.acc > 0.9 and params.model = 'cnn'").clauses.map((c) => c.key); // ['acc', 'model']
 */
export function parseFilter(text: string): FilterAst {
  const s = new Scanner(text, 'filter');
  const clauses: FilterClause[] = [];
  s.skipSpace();
  while (!s.atEnd()) {
    if (clauses.length > 0) {
      expectAnd(s);
      s.skipSpace();
    }
    clauses.push(parseClause(s));
    s.skipSpace();
  }
  return { text, clauses };
}

function expectAnd(s: Scanner): void {
  const at = s.pos;
  const word = s.word().toUpperCase();
  if (word === 'AND') return;
  if (word === 'OR') throw s.error(msg.orNotSupported(at));
  throw s.unexpected(at, `AND or ${msg.endOf('filter')}`);
}

function parseClause(s: Scanner): FilterClause {
  const column = s.pos;
  const ref = readKey(s);
  const glued = !s.skipSpace();
  const opColumn = s.pos;
  const op = readComparator(s, glued);
  const { ops, rule } = comparatorsFor(ref);
  if (!ops.includes(op)) throw s.error(msg.badComparator(op, ref.source, opColumn, rule));
  s.skipSpace();
  const base = { kind: ref.kind, key: ref.key, column };
  const text = (): string => s.text.slice(column, s.pos);
  if (op === 'IN' || op === 'NOT IN') {
    const value = readList(s, ref);
    return { ...base, type: 'list', comparator: op, value, text: text() };
  }
  if (isNumericKey(ref)) {
    const value = readNumber(s, ref);
    return { ...base, type: 'number', comparator: op as NumberComparator, value, text: text() };
  }
  const value = readString(s, ref);
  return { ...base, type: 'string', comparator: op as StringComparator, value, text: text() };
}

function readComparator(s: Scanner, glued: boolean): Comparator {
  for (const op of SYMBOL_OPS) if (s.eat(op)) return op;
  const at = s.pos;
  const word = s.word().toUpperCase();
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
  if (word === 'NOT') {
    s.skipSpace();
    const inAt = s.pos;
    if (s.word().toUpperCase() === 'IN') return 'NOT IN';
    throw s.unexpected(inAt, 'IN after NOT');
  }
  const hint = glued && word === '' ? msg.specialCharsHint : '';
  throw s.unexpected(at, `a comparator (${COMPARATOR_LIST})${hint}`);
}

function readNumber(s: Scanner, ref: KeyRef): number {
  const value = s.number();
  if (value === undefined) throw s.unexpected(s.pos, `a value (a number for ${ref.source})`);
  return value;
}

function readString(s: Scanner, ref: KeyRef): string {
  const c = s.peek();
  if (c === "'" || c === '"') return s.quoted();
  throw s.unexpected(s.pos, `a value (a quoted string for ${ref.source}, e.g. 'abc')`);
}

function readList(s: Scanner, ref: KeyRef): string[] {
  const expected = `a parenthesised list of quoted strings for ${ref.source}, e.g. ('a', 'b')`;
  if (!s.eat('(')) throw s.unexpected(s.pos, expected);
  const values: string[] = [];
  for (;;) {
    s.skipSpace();
    const c = s.peek();
    if (c !== "'" && c !== '"') throw s.unexpected(s.pos, `a quoted string in ${expected}`);
    values.push(s.quoted());
    s.skipSpace();
    if (s.eat(')')) return values;
    if (!s.eat(',')) throw s.unexpected(s.pos, `"," or ")" in ${expected}`);
  }
}
