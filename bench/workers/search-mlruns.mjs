// One cold search of an mlruns folder through tracklab's built package: prints { count, importMs, searchMs, cpuMs,
// mainMs }.
// The clock starts once the backend's modules are loaded, as the MLflow worker (mlflow_search.py) starts its clock
// after importing FileStore; the process's whole wall time, imports included, is measured by the bench.
// TRACKLAB_DIST names another built package's dist folder (a baseline checkout's), measured the same way.
const dist = process.env.TRACKLAB_DIST ?? new URL('../../dist', import.meta.url).pathname;
/**
 * On-CPU time of this thread (Linux's schedstat; NaN elsewhere): unlike the process's CPU time it leaves out the
 * compiler and GC helper threads, which run beside the search on a second core, and unlike wall time it leaves out
 * waiting for a core on a loaded machine.
 */
function mainThreadMs() {
  try {
    return (
      Number(process.getBuiltinModule('node:fs').readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) /
      1e6
    );
  } catch {
    return Number.NaN;
  }
}
const t0 = performance.now();
const { openBackend } = await import(`${dist}/store/index.js`);
await import(`${dist}/store/mlruns/mlruns-backend.js`);
const t1 = performance.now();
const main0 = mainThreadMs();
const cpu = process.cpuUsage();
const backend = await openBackend(`mlruns:${process.argv[2]}`);
const ids = (await backend.tracking.listExperiments()).map((e) => e.id);
const page = await backend.tracking.searchRuns({
  experimentIds: ids,
  filter: process.argv[3] ?? 'metrics.acc > 0.5',
  maxResults: 50000,
});
const t2 = performance.now();
const used = process.cpuUsage(cpu);
const mainMs = mainThreadMs() - main0;
console.log(
  JSON.stringify({
    count: page.runs.length,
    importMs: t1 - t0,
    searchMs: t2 - t1,
    cpuMs: (used.user + used.system) / 1000,
    mainMs,
  }),
);
