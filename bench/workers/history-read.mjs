// Reads one metric history in a fresh process through tracklab's built package (what users run).
// Usage: node history-read.mjs <store> <run id> <key> <columns|objects|floor|sampled> [once]
// Prints { count, importMs, firstMs, warmMs?, sampledMs? }: firstMs is the first read after Tracker.open, warmMs the
// median of WARM_READS more (default 5); with `once` the process reads once and exits (the parent times the whole
// process).
const [store, runId, key, mode, once] = process.argv.slice(2);
const t0 = performance.now();
const { Tracker } = await import('../../dist/index.js');
const importMs = performance.now() - t0;
const tracker = await Tracker.open({ store });
// `floor`: no store at all, only the objects made from three in-memory columns of the same length: what any object
// read of this history costs at least in this process (allocation and garbage collection)
const floorColumns = async () => {
  const cols = await tracker.getMetricColumns(runId, key);
  return [cols.steps.slice(), cols.values.slice(), cols.timestamps.slice()];
};
const floor = mode === 'floor' ? await floorColumns() : undefined;
const objectsOf = ([steps, values, timestamps]) => {
  const out = new Array(steps.length);
  for (let i = 0; i < out.length; i++) {
    const s = steps[i];
    out[i] = { step: (s | 0) === s && !Object.is(s, -0) ? s | 0 : s, value: values[i], timestamp: timestamps[i] };
  }
  return out.length;
};
const read = () =>
  mode === 'floor'
    ? Promise.resolve(objectsOf(floor))
    : mode === 'columns'
      ? tracker.getMetricColumns(runId, key).then((c) => c.steps.length)
      : mode === 'objects'
        ? tracker.getMetricHistory(runId, key).then((p) => p.length)
        : tracker.getMetricHistory(runId, key, { maxPoints: 1000 }).then((s) => s.total);
const mid = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let t = performance.now();
const count = await read();
const out = { count, importMs, firstMs: performance.now() - t };
if (once !== 'once') {
  const warm = [];
  for (let i = 0; i < Number(process.env.WARM_READS ?? 5); i++) {
    t = performance.now();
    await read();
    warm.push(performance.now() - t);
  }
  out.warmMs = mid(warm);
}
console.log(JSON.stringify(out));
await tracker.close();
