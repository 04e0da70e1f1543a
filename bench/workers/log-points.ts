/**
 * Logs points into a new run of a fresh store with the JSON store of the checkout given (this one or a baseline, so
 * logging is compared in the same run). Usage: node --import tsx log-points.ts <checkout> <store> <points>
 * Prints { logMs, endMs }: appendMetric of every point + flush, then end (which compacts a large run).
 */
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
await writer.end('FINISHED', 2);
console.log(JSON.stringify({ logMs, endMs: performance.now() - t }));
await s.close();
