// One of N concurrent writer processes for bench/tracking.ts: creates runs, logs params and metrics, ends them.
import { Tracker } from '../../dist/index.js';

const [store, runs, points] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)));
const tracker = await Tracker.open({ store });
const t = performance.now();
for (let r = 0; r < runs; r++) {
  const run = await tracker.startRun({ experiment: 'concurrent', name: `p${process.pid}-${r}` });
  await run.logParams({ a: 1, b: 2, c: 3, d: 4, e: r });
  for (let i = 0; i < points; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
  await run.end();
}
console.log(JSON.stringify({ ms: performance.now() - t }));
await tracker.close();
