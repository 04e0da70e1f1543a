/**
 * Logs points into a new run of a fresh store with the JSON store of the checkout given (this one or a baseline, so
 * logging is compared in the same run). Usage: node --import tsx log-points.ts <checkout> <store> <points>
 * Prints { logMs, compactMs, directMs }: appendMetric of every point + flush, then the compaction run end makes, and
 * the same bytes (metrics.jsonl as logged) built and written to a file directly, 1 MiB at a time.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [checkout, store, n] = process.argv.slice(2) as [string, string, string];
const url = pathToFileURL(join(checkout, 'src', 'store', 'json', 'json-store.ts')).href;
const { JsonStore } = (await import(url)) as typeof import('../../src/store/json/json-store.js');
const s = await JsonStore.open(store);
const run = await s.createRun({ experimentId: '0', name: 'r', startTime: 1, user: 'u', tags: {} });
const writer = await s.openRunWriter(run.id);
let t = performance.now();
for (let i = 0; i < Number(n); i++) writer.appendMetric('loss', Math.sin(i / 1000), i, 1_700_000_000_000 + (i >> 4));
await writer.flush();
const logMs = performance.now() - t;
t = performance.now();
// what run end does for a large run, timed alone (end also fsyncs the run); end then finds nothing to add
await s.compactRun(run.id);
const compactMs = performance.now() - t;
await writer.end('FINISHED', 2);
await s.close();
const logged = readFileSync(join(store, 'runs', run.id, 'metrics.jsonl'));
t = performance.now();
const fd = openSync(join(store, 'direct.jsonl'), 'w');
let chunk = '';
for (let i = 0; i < Number(n); i++) {
  chunk += `{"key":"loss","value":${Math.sin(i / 1000)},"step":${i},"timestamp":${1_700_000_000_000 + (i >> 4)}}\n`;
  if (chunk.length >= 1 << 20) {
    writeSync(fd, chunk);
    chunk = '';
  }
}
writeSync(fd, chunk);
closeSync(fd);
const directMs = performance.now() - t;
if (!readFileSync(join(store, 'direct.jsonl')).equals(logged)) throw new Error('the direct bytes differ from the log');
console.log(JSON.stringify({ logMs, compactMs, directMs }));
