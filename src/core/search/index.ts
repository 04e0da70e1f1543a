/** MLflow's run search as pure functions: parse a filter and order_by, evaluate them on runs, page the result. */
export { compileAst, compileFilter, type RunPredicate } from './filter-eval.js';
export {
  parseFilter,
  type FilterAst,
  type FilterClause,
  type ListClause,
  type ListComparator,
  type NumberClause,
  type NumberComparator,
  type StringClause,
  type StringComparator,
} from './filter-parser.js';
export { ATTRIBUTE_KEYS, type Comparator, type KeyKind } from './keys.js';
export { compileLike } from './like.js';
export { runComparator, parseOrderBy, sortRuns, type OrderByClause } from './order-by.js';
export {
  MAX_RESULTS_DEFAULT,
  MAX_RESULTS_LIMIT,
  decodePageToken,
  encodePageToken,
  searchIndexed,
  IndexedSearch,
  searchInMemory,
  type IndexedSearchPage,
  type SearchOptions,
  type SearchPage,
} from './search.js';
