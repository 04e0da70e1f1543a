/** One report build in its own process, so the bench can read its peak RSS. Prints JSON on stdout. */
import { buildReport } from '../src/report/index.js';

const [store, out, incremental] = process.argv.slice(2);
const s = await buildReport({ store: store as string, out: out as string, incremental: incremental === 'incremental' });
console.log(
  JSON.stringify({
    ms: s.ms,
    pages: s.pages,
    runs: s.runs,
    bytes: s.bytes,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
