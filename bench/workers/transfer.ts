// One import in its own process: prints { ms, maxRssMiB, runs, points } so memory is measured per direction.
import { transfer } from '../../src/transfer/index.js';

const t = performance.now();
const summary = await transfer([process.argv[2] as string], process.argv[3] as string);
const ms = performance.now() - t;
console.log(JSON.stringify({
  ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, runs: summary.runs.copied, points: summary.metricPoints,
  mismatches: summary.verified.mismatches.length,
}));
