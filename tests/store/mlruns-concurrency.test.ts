/** Several real processes writing one mlruns store: one experiment per name, whole metric lines, first param wins. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { repoRoot, tempDir } from '../helpers.js';

const WORKER = `
import { openMlrunsBackend } from ${JSON.stringify(join(repoRoot, 'src', 'store', 'mlruns', 'mlruns-backend.ts'))};
const [root, runId, who] = process.argv.slice(1);
const b = await openMlrunsBackend(root);
await b.tracking.ensureExperiment('shared');
const w = await b.tracking.openRunWriter(runId);
for (let i = 0; i < 2000; i++) w.appendMetric('loss', i + Number(who) / 10, i, 1700000000000 + i);
await w.flush();
let param = 'refused';
try { await w.logBatch({ params: { winner: who } }); param = 'written'; } catch (e) { if (e.code !== 'INVALID_PARAMETER_VALUE') throw e; }
console.log(param);
`;

function worker(root: string, runId: string, who: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', WORKER, root, runId, String(who)],
      { cwd: repoRoot },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
  });
}

it('4 processes: one experiment per name, every metric line whole, the first param value wins', async () => {
  const root = join(tempDir(), 'mlruns');
  const backend = await openMlrunsBackend(root);
  const run = await backend.tracking.createRun({ experimentId: '0', name: 'r', startTime: 1, user: 'ada', tags: {} });
  const results = await Promise.all([1, 2, 3, 4].map((who) => worker(root, run.id, who)));
  assert.deepEqual(results.filter((r) => r === 'written').length, 1, results.join(','));
  assert.equal((await backend.tracking.listExperiments()).filter((e) => e.name === 'shared').length, 1);
  const points = await backend.tracking.getMetricHistory(run.id, 'loss');
  assert.equal(points.length, 8000, 'no line lost or torn');
  const got = await backend.tracking.getRun(run.id);
  assert.equal(got.metrics['loss']?.count, 8000);
  await backend.close();
});
