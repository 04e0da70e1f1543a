import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleHistory } from '../../src/core/history-sample.js';
import { checkStore } from '../../src/store/json/doctor.js';
import { applyRepair } from '../../src/store/json/doctor-repairs.js';
import { JsonStore } from '../../src/store/json/json-store.js';
import { repoRoot, seededRandom, tempDir } from '../helpers.js';

const COMPACTOR = join(repoRoot, 'tests', 'workers', 'compactor.mjs');

/** Starts the compactor on `dir` and kills it with SIGKILL `afterMs` after it said it is ready. */
function compactAndKill(dir: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPACTOR, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.once('error', reject);
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`exit ${_code}`))));
  });
}

test('kill -9 at random points of a compaction loses nothing', async (t) => {
  const random = seededRandom(t);
  const root = join(tempDir(), 'store');
  const store = await JsonStore.open(root);
  const run = await store.createRun({ experimentId: '0', name: 'r', startTime: 1, user: 'u', tags: {} });
  const dir = join(root, 'runs', run.id);
  const logged = Array.from({ length: 60_000 }, (_, i) => ({
    step: i % 7 === 0 ? i - 3 : i,
    value: i % 101 === 0 ? Number.NaN : i % 103 === 0 ? -0 : Math.cos(i) * 1e3,
    timestamp: 1_700_000_000_000 + i,
  }));
  const writer = await store.openRunWriter(run.id);
  for (const p of logged) writer.appendMetric('loss', p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2);
  const expected = logged.map((p) => ({ key: 'loss', ...p }));
  for (let round = 0; round < 8; round++) {
    await compactAndKill(dir, Math.floor(random() * 400));
    const read = await store.getMetricHistory(run.id, 'loss');
    assert.equal(read.length, expected.length, `round ${round}`);
    assert.ok(read.every((p, i) => Object.is(p.value, expected[i]!.value) && p.step === expected[i]!.step));
    assert.deepEqual(await store.getSampledHistory(run.id, 'loss', 1000), sampleHistory(logged, 1000));
    const findings = checkStore(root);
    assert.ok(
      findings.every((f) => f.problem.includes('temp file') && f.repair !== undefined),
      findings.map((f) => `${f.file}: ${f.problem}`).join('\n'),
    );
    for (const f of findings) applyRepair(root, join(root, '.backup'), f.repair!);
  }
  await store.close();
});
