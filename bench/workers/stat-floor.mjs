// The floor of a correct cold search of the bench's mlruns folder: one `statSync` per file or folder whose change
// MLflow could make without changing anything else (meta.yaml, tag and metric files, the params/tags/metrics/inputs
// folders), as the run cache checks a run that may match, and nothing else. The paths are listed first, untimed.
// Prints { count, searchMs, cpuMs, mainMs } for the stats alone (mainMs: this thread's on-CPU time).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

const root = process.argv[2];
const paths = [];
for (const exp of readdirSync(root)) {
  if (!/^\d+$/.test(exp)) continue;
  for (const run of readdirSync(`${root}/${exp}`)) {
    if (run === 'meta.yaml' || run === 'tags') continue;
    const dir = `${root}/${exp}/${run}`;
    for (const f of ['meta.yaml', 'params', 'tags', 'metrics', 'inputs']) paths.push(`${dir}/${f}`);
    for (const sub of ['tags', 'metrics'])
      for (const f of readdirSync(`${dir}/${sub}`)) paths.push(`${dir}/${sub}/${f}`);
  }
}
const mainThreadMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
const main0 = existsSync('/proc/thread-self/schedstat') ? mainThreadMs() : Number.NaN;
const t = performance.now();
const cpu = process.cpuUsage();
let seen = 0;
for (const p of paths) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (st && st.ino + st.ctimeMs + st.size > 0) seen += 1;
}
const used = process.cpuUsage(cpu);
const mainMs = Number.isNaN(main0) ? main0 : mainThreadMs() - main0;
const searchMs = performance.now() - t;
console.log(
  JSON.stringify({
    count: paths.length,
    found: seen,
    importMs: 0,
    searchMs,
    cpuMs: (used.user + used.system) / 1000,
    mainMs,
  }),
);
