import type { DatasetInput, Run } from '../entities.js';
import { msg } from './messages.js';
import { isWordChar, type Scanner } from './scanner.js';

/** What a search key refers to: `metrics.acc` is ('metric', 'acc'). */
export type KeyKind = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** A key as written: kind, key name (quotes removed, aliases resolved), its source text and 0-based column. */
export interface KeyRef {
  kind: KeyKind;
  key: string;
  source: string;
  column: number;
}

// A Map, not an object literal, so "constructor.x" is not taken for a prefix.
const PREFIXES = new Map<string, KeyKind>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

type AttributeValue = string | number | null | undefined;

/** Searchable run attributes (MLflow names) and where a tracklab `Run` keeps them. */
const ATTRIBUTES = new Map<string, (run: Run) => AttributeValue>([
  ['run_id', (r) => r.id],
  ['run_name', (r) => r.name],
  ['user_id', (r) => r.user],
  ['status', (r) => r.status],
  ['experiment_id', (r) => r.experimentId],
  ['artifact_uri', (r) => r.artifactUri],
  ['start_time', (r) => r.startTime],
  ['end_time', (r) => r.endTime],
]);
export const ATTRIBUTE_KEYS: readonly string[] = [...ATTRIBUTES.keys()];
const ATTRIBUTE_ALIASES = new Map([
  ['created', 'start_time'],
  ['run name', 'run_name'],
]);
export const NUMERIC_ATTRIBUTES: ReadonlySet<string> = new Set(['start_time', 'end_time']);

const DATASET_FIELDS = new Map<string, (input: DatasetInput) => string | undefined>([
  ['name', (d) => d.name],
  ['digest', (d) => d.digest],
  ['context', (d) => d.context],
]);

/** Reads the value of a run attribute; null and undefined mean the run lacks it. */
export function attributeGetter(key: string): (run: Run) => AttributeValue {
  const get = ATTRIBUTES.get(key);
  if (get === undefined) throw new Error(`unknown attribute ${key}`); // parsers reject these first
  return get;
}

export function datasetGetter(key: string): (input: DatasetInput) => string | undefined {
  const get = DATASET_FIELDS.get(key);
  if (get === undefined) throw new Error(`unknown dataset key ${key}`);
  return get;
}

export const isNumericKey = (ref: { kind: KeyKind; key: string }): boolean =>
  ref.kind === 'metric' || (ref.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(ref.key));

const NUMERIC_OPS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_OPS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const LIST_OPS: readonly Comparator[] = [...STRING_OPS, 'IN', 'NOT IN'];

/** Comparators a key accepts, and the rule to show when another one is used. */
export function comparatorsFor(ref: KeyRef): { ops: readonly Comparator[]; rule: string } {
  const allow = (who: string, ops: readonly Comparator[], tail = ''): { ops: readonly Comparator[]; rule: string } => ({
    ops,
    rule: `${who} allow ${ops.join(' ')}${tail}`,
  });
  switch (ref.kind) {
    case 'metric':
      return allow('metrics', NUMERIC_OPS);
    case 'param':
      return allow('params', STRING_OPS);
    case 'tag':
      return allow('tags', STRING_OPS);
    case 'dataset':
      return allow('datasets', LIST_OPS);
    case 'attribute':
      if (NUMERIC_ATTRIBUTES.has(ref.key)) return allow('start_time and end_time', NUMERIC_OPS);
      if (ref.key === 'run_id') return allow('run_id and datasets', LIST_OPS);
      return allow('string attributes', STRING_OPS, '; IN and NOT IN only work for run_id and datasets');
  }
}

interface Segment {
  text: string;
  column: number;
}

/** Reads `prefix.key`, where parts may be bare words or in backticks or double quotes. */
export function readKey(s: Scanner): KeyRef {
  const column = s.pos;
  const segments = [readSegment(s)];
  while (s.peek() === '.') {
    s.pos++;
    segments.push(readSegment(s));
  }
  return resolveKey(s, segments, s.text.slice(column, s.pos), column);
}

function readSegment(s: Scanner): Segment {
  const column = s.pos;
  const c = s.peek();
  if (c === '`' || c === '"') return { text: s.quoted(), column };
  if (isWordChar(c)) return { text: s.word(), column };
  throw s.unexpected(column, 'a key such as metrics.acc, params.lr, tags.`mlflow.runName` or status');
}

function resolveKey(s: Scanner, segments: Segment[], source: string, column: number): KeyRef {
  const [first, ...rest] = segments as [Segment, ...Segment[]];
  if (rest.length === 0) return { kind: 'attribute', key: attributeKey(s, first), source, column };
  const kind = PREFIXES.get(first.text.toLowerCase());
  if (kind === undefined) throw s.error(msg.unknownPrefix(first.text, first.column));
  const keySegment = { text: rest.map((seg) => seg.text).join('.'), column: rest[0]!.column };
  if (kind === 'attribute') return { kind, key: attributeKey(s, keySegment), source, column };
  if (kind === 'dataset') {
    const key = keySegment.text.toLowerCase();
    if (!DATASET_FIELDS.has(key)) throw s.error(msg.unknownDatasetKey(keySegment.text, keySegment.column));
    return { kind, key, source, column };
  }
  return { kind, key: keySegment.text, source, column };
}

function attributeKey(s: Scanner, seg: Segment): string {
  const lower = seg.text.toLowerCase();
  const key = ATTRIBUTE_ALIASES.get(lower) ?? lower;
  if (!ATTRIBUTES.has(key)) throw s.error(msg.unknownAttribute(seg.text, seg.column, ATTRIBUTE_KEYS));
  return key;
}
