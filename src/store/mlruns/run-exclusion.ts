/**
 * Which files keep a cached run out of a search. A filter is an AND of clauses, so a run that fails one clause on
 * metrics, params or tags stays out while the files that clause reads are unchanged: `metrics/acc` and the folders
 * above it for `metrics.acc > 0.5` (a new metric file changes its folder). Such a run is checked with those few
 * `stat`s instead of one per file of the run; a run that may match is checked whole.
 */
import type { Run, RunRecord } from '../../core/entities.js';
import { compileAst, parseFilter, type FilterClause } from '../../core/search/index.js';

const FOLDERS = { metric: 'metrics', param: 'params', tag: 'tags' } as const;

/** The run-relative files and folders a clause on a metric, param or tag reads; undefined for other clauses. */
function filesOf(clause: FilterClause): string[] | undefined {
  if (clause.kind !== 'metric' && clause.kind !== 'param' && clause.kind !== 'tag') return undefined;
  const top = FOLDERS[clause.kind];
  const parts = clause.key.split('/');
  const files: string[] = [top];
  for (let i = 1; i < parts.length; i++) files.push(`${top}/${parts.slice(0, i).join('/')}`);
  // param files are written once: a new or removed one changes its folder, which is in the list already
  if (clause.kind !== 'param') files.push(`${top}/${clause.key}`);
  return files;
}

/**
 * For `filter`, a function giving the files whose signature keeps a cached run excluded (the first failing clause on
 * a metric, param or tag), or undefined when the run may match; undefined itself when no clause can exclude a run.
 * Throws the search's own error for a bad filter.
 */
export function exclusionFiles(
  filter: string | undefined,
): ((run: RunRecord) => readonly string[] | undefined) | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const tests: ((run: RunRecord) => readonly string[] | undefined)[] = [];
  for (const clause of parseFilter(filter).clauses) {
    const files = filesOf(clause);
    if (files === undefined) continue;
    const test = compileAst({ text: clause.text, clauses: [clause] });
    const { key } = clause;
    // a clause on a metric, param or tag reads only that map of the run (filter-eval.ts), so the view it gets holds
    // just that key, not a whole view per run (run-view.ts)
    const view = (r: RunRecord): Run => {
      const part: Pick<Run, 'metrics' | 'params' | 'tags'> = { metrics: {}, params: r.params, tags: r.tags };
      const m = clause.kind === 'metric' ? r.metrics[key] : undefined;
      if (m !== undefined) part.metrics = { [key]: m.value };
      return part as Run;
    };
    tests.push((r) => (test(view(r)) ? undefined : files));
  }
  if (tests.length === 0) return undefined;
  return (run) => {
    for (const t of tests) {
      const files = t(run);
      if (files) return files;
    }
    return undefined;
  };
}
