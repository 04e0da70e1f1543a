// A separate writer process for concurrency and crash tests. Usage:
//   node writer.mjs <store> metrics <experiment> <points> <flushEvery>   prints "flushed N" after each flush
//   node writer.mjs <store> runs <experiment> <count>                   creates and ends runs with params and metrics
//   node writer.mjs <store> experiment <name>                           get-or-create, prints the id
import { Tracker } from '../../dist/index.js';

const [store, mode, name, a, b] = process.argv.slice(2);
const tracker = await Tracker.open({ store });
if (mode === 'metrics') {
  const run = await tracker.startRun({ experiment: name, name: `writer-${process.pid}` });
  console.log(`run ${run.id}`);
  const points = Number(a);
  const every = Number(b);
  for (let i = 1; i <= points; i++) {
    run.logMetric('loss', 1 / i, { step: i });
    if (i % every === 0) {
      await run.flush();
      console.log(`flushed ${i}`);
    }
  }
  await run.end();
} else if (mode === 'runs') {
  for (let i = 0; i < Number(a); i++) {
    const run = await tracker.startRun({ experiment: name, name: `p${process.pid}-${i}` });
    await run.logParams({ i, pid: process.pid });
    run.logMetrics({ acc: i / 10, loss: 1 - i / 10 });
    await run.end();
  }
} else if (mode === 'experiment') {
  console.log((await tracker.ensureExperiment(name)).id);
}
await tracker.close();
