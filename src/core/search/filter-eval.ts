import type { DatasetInput, Run } from '../entities.js';
import {
  parseFilter,
  type FilterAst,
  type FilterClause,
  type ListClause,
  type NumberClause,
  type StringClause,
} from './filter-parser.js';
import { attributeGetter, datasetGetter } from './keys.js';
import { compileLike } from './like.js';

export type RunPredicate = (run: Run) => boolean;

/*
 * NaN and Infinity policy. Metric comparisons follow IEEE 754, as MLflow's FileStore and its in-memory
 * SearchUtils.filter do: NaN matches only `!=` (NaN != x is true; =, <, <=, >, >= are false), and
 * +-Infinity compare as beyond every finite number. Here tracklab departs from MLflow's SQL store on
 * purpose: that store saves NaN as 0 with an is_nan flag and +-Infinity as +-1.7976931348623157e308, so
 * there `metrics.loss = 0` or `metrics.loss < 1` also return runs whose loss is NaN, an artefact of its
 * storage that no user asks for. The SQL store's ORDERING is followed (see order-by.ts): values, then NaN,
 * then runs lacking the key, in both directions.
 *
 * A run lacking the metric, param, tag or attribute (end_time of a running run) matches no clause on it,
 * `!=` included, as in SQL.
 */

/**
 * Compiles a parsed filter into one predicate; LIKE patterns and IN sets are built here, once.
 *
 * @example
 * runs.filter(compileAst(parseFilter('metrics.acc > 0.9')));
 */
export function compileAst(ast: FilterAst): RunPredicate {
  const tests = ast.clauses.map(compileClause);
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (run) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(run)) return false;
    return true;
  };
}

/**
 * Parses and compiles a filter: `(run) => boolean`. An empty or blank filter matches every run.
 *
 * @example
 * const matches = compileFilter("metrics.`f1-score` >= 0.8 AND tags.team ILIKE 'vision%'");
 * const hits = runs.filter(matches);
 */
export function compileFilter(text: string): RunPredicate {
  return compileAst(parseFilter(text));
}

function compileClause(clause: FilterClause): RunPredicate {
  const { key } = clause;
  if (clause.type === 'number') {
    const test = numberTest(clause);
    if (clause.kind === 'metric') return (run) => isNumberAnd(run.metrics[key], test);
    const get = attributeGetter(key);
    return (run) => isNumberAnd(get(run), test);
  }
  const test = stringTest(clause);
  switch (clause.kind) {
    case 'param':
      return (run) => isStringAnd(run.params[key], test);
    case 'tag':
      return (run) => isStringAnd(run.tags[key], test);
    case 'dataset':
      return anyInput(datasetGetter(key), test);
    default: {
      const get = attributeGetter(key);
      return (run) => isStringAnd(get(run), test);
    }
  }
}

// typeof guards also keep inherited names ("constructor", "toString") from looking like logged keys.
const isNumberAnd = (v: unknown, test: (x: number) => boolean): boolean => typeof v === 'number' && test(v);
const isStringAnd = (v: unknown, test: (x: string) => boolean): boolean => typeof v === 'string' && test(v);

/** A run matches a dataset clause when any of its inputs does, as MLflow's SQL join. */
function anyInput(get: (input: DatasetInput) => string | undefined, test: (x: string) => boolean): RunPredicate {
  return (run) => {
    for (const input of run.inputs) if (isStringAnd(get(input), test)) return true;
    return false;
  };
}

function numberTest({ comparator, value: v }: NumberClause): (x: number) => boolean {
  switch (comparator) {
    case '=':
      return (x) => x === v;
    case '!=':
      return (x) => x !== v;
    case '<':
      return (x) => x < v;
    case '<=':
      return (x) => x <= v;
    case '>':
      return (x) => x > v;
    case '>=':
      return (x) => x >= v;
  }
}

function stringTest(clause: StringClause | ListClause): (x: string) => boolean {
  if (clause.type === 'list') {
    const set = new Set(clause.value);
    return clause.comparator === 'IN' ? (x) => set.has(x) : (x) => !set.has(x);
  }
  const v = clause.value;
  switch (clause.comparator) {
    case '=':
      return (x) => x === v;
    case '!=':
      return (x) => x !== v;
    case 'LIKE':
      return compileLike(v, false);
    case 'ILIKE':
      return compileLike(v, true);
  }
}
