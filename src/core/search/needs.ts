import { parseFilter } from './filter-parser.js';
import { parseOrderBy } from './order-by.js';

/** The metric, param and tag keys a search reads, and whether it reads datasets; attributes are always read. */
export interface SearchNeeds {
  metrics: string[];
  params: string[];
  tags: string[];
  datasets: boolean;
}

/**
 * What a filter and order_by read of each run, so a store can hand a search only those fields of most runs. Parses
 * both, so a bad query fails here as it would in `searchInMemory`.
 *
 * @example
 * searchNeeds('metrics.acc > 0.5', ['params.lr']); // { metrics: ['acc'], params: ['lr'], tags: [], datasets: false }
 */
export function searchNeeds(filter: string, orderBy: readonly string[]): SearchNeeds {
  const keys = [...parseFilter(filter).clauses, ...parseOrderBy(orderBy)];
  const of = (kind: string): string[] => [...new Set(keys.filter((k) => k.kind === kind).map((k) => k.key))];
  return {
    metrics: of('metric'),
    params: of('param'),
    tags: of('tag'),
    datasets: keys.some((k) => k.kind === 'dataset'),
  };
}
