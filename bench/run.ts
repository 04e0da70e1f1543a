/**
 * Runs every benchmark script one after another (each in its own process, so one's memory does not skew the next) and
 * prints their markdown tables.
 * Usage: npm run bench [-- <name>], the name one of tracking, registry, report, magics, cli, projects, reliability,
 * backends, sqlite, mlflow-server, mlflow-points-ceiling, histories, report-histories
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const suites = [
  'tracking',
  'registry',
  'report',
  'magics',
  'cli',
  'projects',
  'reliability',
  'backends',
  'sqlite',
  'mlflow-server',
  'mlflow-points-ceiling',
  'histories',
  'report-histories',
];
const only = process.argv[2];
let failed = false;
for (const suite of suites) {
  if (only && only !== suite) continue;
  const script = join(import.meta.dirname, `${suite}.ts`);
  if (!existsSync(script)) continue;
  console.log(`\n## ${suite}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
