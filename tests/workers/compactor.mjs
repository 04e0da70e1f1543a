// Compacts one run's histories over and over (removing the segment each time) until killed. Usage:
//   node compactor.mjs <run folder>     prints "ready" before the first compaction
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compactSeries } from '../../dist/store/json/series-compaction.js';

const [dir] = process.argv.slice(2);
console.log('ready');
for (;;) {
  rmSync(join(dir, 'metrics.seg'), { force: true });
  compactSeries(dir);
}
