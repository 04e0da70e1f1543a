import type { Run } from '../entities.js';
import { invalid } from '../errors.js';
import { attributeGetter, readKey, type KeyKind } from './keys.js';
import { msg } from './messages.js';
import { Scanner } from './scanner.js';

/** One parsed `order_by` entry: `metrics.rmse DESC` is { kind: 'metric', key: 'rmse', ascending: false }. */
export interface OrderByClause {
  kind: Exclude<KeyKind, 'dataset'>;
  key: string;
  ascending: boolean;
  /** the entry as written */
  text: string;
}

/**
 * Parses MLflow order_by entries: a key (as in filters), then optional ASC (default) or DESC, any case.
 *
 * @example
 * parseOrderBy(['metrics.rmse DESC', 'params.lr']); // [{ kind: 'metric', key: 'rmse', ascending: false, ... }, ...]
 */
export function parseOrderBy(entries: readonly string[]): OrderByClause[] {
  const clauses = entries.map(parseOrderByEntry);
  const seen = new Set<string>();
  for (const c of clauses) {
    const id = `${c.kind}.${c.key}`;
    if (seen.has(id)) throw invalid(msg.duplicateOrderBy(`${c.kind}s.${c.key}`, entries));
    seen.add(id);
  }
  return clauses;
}

function parseOrderByEntry(text: string): OrderByClause {
  const s = new Scanner(text, 'order_by');
  s.skipSpace();
  const ref = readKey(s);
  if (ref.kind === 'dataset') throw s.error(msg.datasetOrderBy(ref.source));
  const spaced = s.skipSpace();
  const at = s.pos;
  const direction = spaced ? s.word().toUpperCase() : '';
  s.skipSpace();
  if ((direction !== '' && direction !== 'ASC' && direction !== 'DESC') || !s.atEnd()) {
    const hint = spaced ? '' : msg.specialCharsHint;
    throw s.unexpected(
      direction === 'ASC' || direction === 'DESC' ? s.pos : at,
      `ASC, DESC or ${msg.endOf('order_by')}${hint}`,
    );
  }
  return { kind: ref.kind, key: ref.key, ascending: direction !== 'DESC', text };
}

type SortValue = number | string | undefined;
interface SortSpec {
  extract: (run: Run) => SortValue;
  ascending: boolean;
}

function extractor(c: OrderByClause): (run: Run) => SortValue {
  const { key } = c;
  const ifType = (v: unknown, type: 'number' | 'string'): SortValue =>
    typeof v === type ? (v as number | string) : undefined;
  switch (c.kind) {
    case 'metric':
      return (r) => ifType(r.metrics[key], 'number');
    case 'param':
      return (r) => ifType(r.params[key], 'string');
    case 'tag':
      return (r) => ifType(r.tags[key], 'string');
    case 'attribute': {
      const get = attributeGetter(key);
      return (r) => get(r) ?? undefined;
    }
  }
}

/** The clauses, then MLflow's tie-breakers: start_time DESC (unless already ordered by it), then run id. */
function sortSpecs(orderBy: readonly OrderByClause[]): SortSpec[] {
  const specs = orderBy.map((c) => ({ extract: extractor(c), ascending: c.ascending }));
  if (!orderBy.some((c) => c.kind === 'attribute' && c.key === 'start_time')) {
    specs.push({ extract: (r) => r.startTime, ascending: false });
  }
  specs.push({ extract: (r) => r.id, ascending: true });
  return specs;
}

// 0: a value, 1: NaN, 2: missing. Ranks sort ascending in both directions, so NaN and missing go last.
const rank = (v: SortValue): number => (v === undefined ? 2 : v !== v ? 1 : 0);

function compareValues(a: SortValue, b: SortValue, ascending: boolean): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra !== 0 || a === b) return 0;
  const c = (a as number) < (b as number) ? -1 : 1;
  return ascending ? c : -c;
}

/**
 * A comparator for `Array.prototype.sort` implementing MLflow's run order, tie-breakers included.
 *
 * @example
 * runs.sort(runComparator(parseOrderBy(['metrics.acc DESC'])));
 */
export function runComparator(orderBy: readonly OrderByClause[]): (a: Run, b: Run) => number {
  const specs = sortSpecs(orderBy);
  return (a, b) => {
    for (const { extract, ascending } of specs) {
      const c = compareValues(extract(a), extract(b), ascending);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/**
 * Returns the runs sorted as `runComparator` would, reading each run's sort keys once rather than per comparison.
 *
 * @example
 * sortRuns(runs, parseOrderBy(['params.lr', 'metrics.loss']));
 */
export function sortRuns(runs: readonly Run[], orderBy: readonly OrderByClause[]): Run[] {
  const keys = new SortKeys(orderBy);
  runs.forEach((run, i) => keys.add(i, run));
  return keys.sorted().map((i) => runs[i]!);
}

/**
 * The sort keys of runs added one by one, each read once when added (the run may be an object refilled for the
 * next one afterwards); `sorted` gives their ids in the order `runComparator` would put the runs in.
 */
export class SortKeys {
  private readonly specs: SortSpec[];
  private readonly columns: SortValue[][];
  private readonly ids: number[] = [];

  constructor(orderBy: readonly OrderByClause[]) {
    this.specs = sortSpecs(orderBy);
    this.columns = this.specs.map(() => []);
  }

  add(id: number, run: Run): void {
    this.ids.push(id);
    for (let k = 0; k < this.specs.length; k++) this.columns[k]!.push(this.specs[k]!.extract(run));
  }

  sorted(): number[] {
    const { columns, ids } = this;
    const directions = this.specs.map((spec) => spec.ascending);
    const order = ids.map((_, i) => i);
    order.sort((i, j) => {
      for (let k = 0; k < columns.length; k++) {
        const column = columns[k]!;
        const c = compareValues(column[i], column[j], directions[k]!);
        if (c !== 0) return c;
      }
      return 0;
    });
    return order.map((i) => ids[i]!);
  }
}
