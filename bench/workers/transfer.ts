// One import in its own process: prints { ms, maxRssMiB, runs, points } so memory is measured per direction.
import { transfer } from '../../src/transfer/index.js';

const t = performance.now();
const cpu = process.cpuUsage();
const summary = await transfer([process.argv[2] as string], process.argv[3] as string);
const ms = performance.now() - t;
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    ms,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    runs: summary.runs.copied,
    points: summary.metricPoints,
    mismatches: summary.verified.mismatches.length,
  }),
);
