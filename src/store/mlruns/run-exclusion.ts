/**
 * Which files keep a cached run out of a search. A filter is an AND of clauses, so a run that fails one clause on
 * metrics, params or tags stays out while the files that clause reads are unchanged: `metrics/acc` for
 * `metrics.acc > 0.5`, or `metrics` when the run had no such file (a new one changes its folder). Such a run is
 * checked with one `stat` (run-cache.ts unchangedFiles) instead of one per file of the run, and a clause on a metric
 * is decided from the metric's cached latest value without the run's record; a run that may match is checked whole.
 */
import type { Run } from '../../core/entities.js';
import { compileAst, parseFilter, type FilterClause } from '../../core/search/index.js';
import type { CachedRun } from './run-cache.js';

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
 * The part of a cached run a clause on a metric, param or tag reads (filter-eval.ts reads only that map), not a whole
 * view per run (run-view.ts); undefined when the run's cached text is damaged.
 */
function viewFor(clause: FilterClause): (run: CachedRun) => Run | undefined {
  const { key } = clause;
  if (clause.kind === 'metric') {
    // two views made once, the value set in place: a search asks once per run, and the test only reads the view
    const latest: Record<string, number> = {};
    Object.defineProperty(latest, key, { value: 0, enumerable: true, writable: true }); // also for "__proto__"
    const present = { metrics: latest, params: {}, tags: {} } as unknown as Run;
    const absent = { metrics: {}, params: {}, tags: {} } as unknown as Run;
    return (run) => {
      const value = run.metric(key);
      if (value === undefined) return absent;
      latest[key] = value;
      return present;
    };
  }
  return (run) => {
    const r = run.record();
    return r && ({ metrics: {}, params: r.params, tags: r.tags } as unknown as Run);
  };
}

/**
 * For `filter`, a function giving the files whose signature keeps a cached run excluded (the first failing clause on
 * a metric, param or tag, each folder before what it holds), or undefined when the run may match; undefined itself
 * when no clause can exclude a run. Throws the search's own error for a bad filter.
 */
export function exclusionFiles(
  filter: string | undefined,
): ((run: CachedRun) => readonly string[] | undefined) | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const tests: ((run: CachedRun) => readonly string[] | undefined)[] = [];
  for (const clause of parseFilter(filter).clauses) {
    const files = filesOf(clause);
    if (files === undefined) continue;
    const test = compileAst({ text: clause.text, clauses: [clause] });
    const view = viewFor(clause);
    tests.push((r) => {
      const part = view(r);
      return part === undefined || test(part) ? undefined : files;
    });
  }
  if (tests.length === 0) return undefined;
  return (run: CachedRun) => {
    for (const t of tests) {
      const files = t(run);
      if (files) return files;
    }
    return undefined;
  };
}
