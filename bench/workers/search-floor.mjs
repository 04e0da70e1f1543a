// The floor under a cold search of a tracklab JSON store: the import of the built package, the listing of the runs
// and, per run, what no search can skip. `stat`: one statSync of each run.jsonl (what a search with the cache must
// do to see changes by any writer). `read`: each run.jsonl opened, fstat'ed, read and closed, and its lines parsed as
// JSON (what a search without the cache must do). Prints { count, inProcessMs, answerCpuMs } like search-json.mjs.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';

const t0 = performance.now();
await import(process.argv[4] ?? '../../dist/index.js');
const [root, mode] = process.argv.slice(2);
const ids = readdirSync(`${root}/runs`);
let count = 0;
for (const id of ids) {
  const file = `${root}/runs/${id}/run.jsonl`;
  if (mode === 'stat') {
    count += statSync(file, { throwIfNoEntry: false }) === undefined ? 0 : 1;
    continue;
  }
  const fd = openSync(file, 'r');
  const bytes = Buffer.allocUnsafe(fstatSync(fd).size);
  readSync(fd, bytes, 0, bytes.length, 0);
  closeSync(fd);
  for (const line of bytes.toString('utf8').split('\n')) if (line !== '') JSON.parse(line);
  count++;
}
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({ count, inProcessMs: performance.now() - t0, answerCpuMs: (cpu.user + cpu.system) / 1000 }),
);
