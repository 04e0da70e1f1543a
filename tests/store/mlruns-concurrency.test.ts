/** Several real processes writing one mlruns store: one experiment per name, whole metric lines, first param wins. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { acquire } from '../../src/store/json/lock.js';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { experimentsLock } from '../../src/store/mlruns/mlruns-experiments.js';
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

/**
 * Runs `body` with the OS temp folder (TMPDIR, inherited by child processes) set to a new empty folder; folders the
 * test needs are made before, since tempDir() follows TMPDIR too.
 */
async function withTmpdir(body: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempDir('tracklab-tmpdir-');
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = tmp;
  try {
    await body(tmp);
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
}

it('the experiments lock is one file in the temp folder, there only while held', async () => {
  const root = join(tempDir(), 'mlruns');
  const root2 = join(tempDir(), 'mlruns');
  await withTmpdir(async (tmp) => {
    const backend = await openMlrunsBackend(root);
    assert.deepEqual(readdirSync(tmp), [], 'opening a store makes nothing in the temp folder');
    const held = await acquire(experimentsLock(root));
    assert.deepEqual(readdirSync(tmp), [`${experimentsLock(root).split('/').pop()}.lock`]);
    let created = false;
    const creating = backend.tracking.createExperiment('waits').then(() => {
      created = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(created, false, 'creating an experiment waits for the lock another holder has');
    held.release();
    await creating;
    assert.equal(created, true);
    const run = await (
      await openMlrunsBackend(root2)
    ).tracking.createRun({
      experimentId: '0',
      name: 'r',
      startTime: 1,
      user: 'ada',
      tags: {},
    });
    await Promise.all([1, 2, 3].map((who) => worker(root2, run.id, who)));
    // tsx, which runs the workers' TypeScript, keeps its compile cache there (tsx-<uid>)
    const left = readdirSync(tmp).filter((n) => !n.startsWith('tsx-'));
    assert.deepEqual(left, [], 'released locks leave nothing behind');
    await backend.close();
  });
});
