/** Reads one metric history in a fresh process, first read then warm: prints {count, firstMs, warmMs, sampledMs}. */
import { Tracker } from '../../src/index.js';

const [store, runId, key] = process.argv.slice(2) as [string, string, string];
const tracker = await Tracker.open({ store });
let t = performance.now();
const points = await tracker.getMetricHistory(runId, key);
const firstMs = performance.now() - t;
const warm: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  await tracker.getMetricHistory(runId, key);
  warm.push(performance.now() - t);
}
const sampled: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  await tracker.getMetricHistory(runId, key, { maxPoints: 1000 });
  sampled.push(performance.now() - t);
}
const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(JSON.stringify({ count: points.length, firstMs, warmMs: mid(warm), sampledMs: mid(sampled) }));
await tracker.close();
