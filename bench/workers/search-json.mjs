// One cold search of a tracklab JSON store through the built package (this checkout's, or the dist/index.js given):
// prints { count, inProcessMs, answerCpuMs }: the time from before the import to the result (import + open + search),
// and the CPU time the process has used by then (all its threads: start-up, the search and its garbage collection).
// Every match is returned (maxResults 50,000), or with a fourth argument `page` the default first page (1,000).
const t0 = performance.now();
const { Tracker } = await import(process.argv[3] || '../../dist/index.js');
const tracker = await Tracker.open({ store: process.argv[2] });
const { runs } = await tracker.searchRuns({
  experiments: ['search'],
  filter: 'metrics.acc > 0.5',
  orderBy: ['metrics.acc DESC'],
  ...(process.argv[4] === 'page' ? {} : { maxResults: 50000 }),
});
const inProcessMs = performance.now() - t0;
const cpu = process.cpuUsage();
console.log(JSON.stringify({ count: runs.length, inProcessMs, answerCpuMs: (cpu.user + cpu.system) / 1000 }));
