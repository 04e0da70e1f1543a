/** The report's windows of runs for stores that read histories in bulk: loads, hand-outs and what is kept. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../src/core/entities.js';
import { HistoryWindows } from '../../src/report/history-windows.js';

const run = (id: string, keys: string[]): Run =>
  ({ id, metricSummaries: Object.fromEntries(keys.map((k) => [k, {}])) }) as unknown as Run;

test('loads a window of runs in one bulk read, the next one ahead, and hands each run out once', async () => {
  const reads: [string[], string[]][] = [];
  const windows = new HistoryWindows(async (ids, keys) => {
    reads.push([[...ids], [...keys]]);
    return Object.fromEntries(ids.map((id) => [id, { [keys[0] as string]: [{ step: 0, value: 1, timestamp: 0 }] }]));
  }, 2);
  windows.add([run('a', ['loss']), run('b', ['acc', 'loss']), run('c', ['f1']), run('d', []), run('e', ['x'])]);
  assert.deepEqual(await windows.get('b'), { acc: [{ step: 0, value: 1, timestamp: 0 }] });
  assert.deepEqual(reads, [
    [
      ['a', 'b'],
      ['acc', 'loss'],
    ],
    [['c', 'd'], ['f1']],
  ]);
  assert.deepEqual(await windows.get('a'), { acc: [{ step: 0, value: 1, timestamp: 0 }] });
  assert.equal(await windows.get('a'), undefined, 'handed out once, then read alone by the caller');
  assert.equal(await windows.get('zzz'), undefined, 'a run no listing named');
  await windows.get('c');
  assert.equal(reads.length, 3, 'the window after c/d is loaded ahead');
});
