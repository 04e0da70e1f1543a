// The floor under a cold search of a tracklab JSON store: the import of the built package, the listing of the runs
// and, per run, what no search can skip. `stat`: one statSync of each run.jsonl (what a search with the cache must
// do to see changes by any writer). `read`: each run.jsonl opened, fstat'ed, read and closed, and its lines parsed as
// JSON. `read-nostat`: the same without the fstat, read into one reused buffer, as the search without the cache reads
// (log-reader.ts). Prints { count, inProcessMs, answerCpuMs } like search-json.mjs.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';

const t0 = performance.now();
await import(process.argv[4] ?? '../../dist/index.js');
const [root, mode] = process.argv.slice(2);
const ids = readdirSync(`${root}/runs`);
let count = 0;
let buffer = Buffer.allocUnsafeSlow(64 << 10);
for (const id of ids) {
  const file = `${root}/runs/${id}/run.jsonl`;
  if (mode === 'stat') {
    count += statSync(file, { throwIfNoEntry: false }) === undefined ? 0 : 1;
    continue;
  }
  const fd = openSync(file, 'r');
  let text;
  if (mode === 'read-nostat') {
    let n = 0;
    for (;;) {
      if (n === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafeSlow(n)]);
      const got = readSync(fd, buffer, n, buffer.length - n, n);
      const full = got === buffer.length - n;
      n += got;
      if (got === 0 || (!full && n % 4096 !== 0)) break;
    }
    text = buffer.toString('utf8', 0, n);
  } else {
    const bytes = Buffer.allocUnsafe(fstatSync(fd).size);
    readSync(fd, bytes, 0, bytes.length, 0);
    text = bytes.toString('utf8');
  }
  closeSync(fd);
  for (const line of text.split('\n')) if (line !== '') JSON.parse(line);
  count++;
}
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({ count, inProcessMs: performance.now() - t0, answerCpuMs: (cpu.user + cpu.system) / 1000 }),
);
