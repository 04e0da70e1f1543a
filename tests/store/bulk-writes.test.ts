/**
 * Bulk writes (an import): writers ended with `{ durable: false }` leave complete, readable runs, and one
 * Backend.sync() makes the whole store durable. Also the metric-line reader's fast path against its general path.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { summarize } from '../../src/store/mlruns/layout.js';
import { parseMetricFile, parseMetricLine, summarizeMetricText } from '../../src/store/mlruns/metric-file.js';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { tempDir } from '../helpers.js';

const backends: [string, (dir: string) => Promise<Backend>][] = [
  ['json', openJsonBackend],
  ['mlruns', openMlrunsBackend],
];

describe('bulk writes without an fsync per run', () => {
  for (const [name, open] of backends) {
    it(`${name}: a run ended with durable: false is complete, and sync() succeeds`, async () => {
      const dir = join(tempDir(), 'store');
      const backend = await open(dir);
      const exp = await backend.tracking.createExperiment('bulk');
      const run = await backend.tracking.createRun({
        experimentId: exp.id,
        name: 'r',
        startTime: 1000,
        user: 'ada',
        tags: { team: 'a' },
      });
      const writer = await backend.tracking.openRunWriter(run.id);
      for (let s = 0; s < 100; s++) writer.appendMetric('loss', 1 / (s + 1), s, 2000 + s);
      await writer.logBatch({ params: { lr: '0.1' } });
      await writer.end('FINISHED', 3000, { durable: false });
      const sync = backend.sync?.bind(backend);
      assert.ok(sync, `${name} offers sync()`);
      await sync();
      await backend.close();
      const again = await open(dir);
      const read = await again.tracking.getRun(run.id);
      assert.equal(read.status, 'FINISHED');
      assert.equal(read.endTime, 3000);
      assert.equal(read.params['lr'], '0.1');
      assert.equal(read.tags['team'], 'a');
      assert.equal(read.metrics['loss']?.count, 100);
      assert.equal((await again.tracking.getMetricHistory(run.id, 'loss')).length, 100);
      await again.close();
    });
  }
});

describe('mlruns metric lines', () => {
  it('reads the common line and every unusual one as the general rules say', () => {
    const cases: [string, [number, number, number] | undefined][] = [
      ['1700000000000 0.5 3', [1700000000000, 0.5, 3]],
      ['1 1e-05 0', [1, 1e-5, 0]],
      ['1 -0.25 -2', [1, -0.25, -2]],
      ['1 nan 0', [1, Number.NaN, 0]],
      ['1 -inf 4', [1, -Infinity, 4]],
      ['1 Infinity 4', [1, Infinity, 4]],
      ['1 2', [1, 2, 0]],
      ['1 2 3 run-id extra', [1, 2, 3]],
      ['  1 2 3  ', [1, 2, 3]],
      ['1 2 3\r', [1, 2, 3]],
      ['1 abc 3', undefined],
      ['1', undefined],
      ['x 2 3', undefined],
      ['1 2 x', undefined],
      ['1.5 2 3', [1.5, 2, 3]],
      ['12345678901234567 2 3', [12345678901234568, 2, 3]],
      ['1 2 -0', [1, 2, -0]],
      ['1 2 ', [1, 2, 0]],
      [' 1 2 3', [1, 2, 3]],
      ['1 0x10 3', [1, 16, 3]],
    ];
    for (const [line, want] of cases) {
      const p = parseMetricLine('m', line);
      if (want === undefined) assert.equal(p, undefined, line);
      else assert.deepEqual([p?.timestamp, p?.value, p?.step], want, line);
    }
  });

  it('summarises a file without building points exactly as from its points', () => {
    const values = ['0.5', 'nan', '-inf', 'inf', '1e-05', '-0', '3', '2.5'];
    for (let seed = 1; seed <= 200; seed++) {
      let x = seed;
      const next = (n: number): number => (x = (x * 48271) % 2147483647) % n;
      const lines = Array.from({ length: 1 + next(12) }, () => `${next(5)} ${values[next(values.length)]} ${next(4)}`);
      const text = lines.join('\n') + (next(2) ? '\n' : next(2) ? '\n1700' : '');
      assert.deepEqual(summarizeMetricText('m', text, 'f'), summarize(parseMetricFile('m', text, 'f')), text);
    }
    assert.equal(summarizeMetricText('m', '', 'f'), undefined);
    assert.throws(() => summarizeMetricText('m', '1 2 3\nbad\n4 5 6\n', 'f'), { code: 'CORRUPT_STORE' });
  });

  it('skips a torn last line and refuses a bad line in the middle', () => {
    const points = parseMetricFile('m', '1 0.1 0\n2 0.2 1\n3 nan 2\n1700', 'f');
    assert.deepEqual(
      points.map((p) => p.step),
      [0, 1, 2],
    );
    assert.throws(() => parseMetricFile('m', '1 0.1 0\n1700\n2 0.2 1\n', 'f'), { code: 'CORRUPT_STORE' });
  });
});
