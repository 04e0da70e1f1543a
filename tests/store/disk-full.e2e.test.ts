/**
 * A full disk (ENOSPC on a small tmpfs) at every kind of write: a write that fails leaves each file ending in a
 * complete line, nothing unwritten is lost from memory, and a retry after space is freed stores everything exactly
 * once. Mounting needs root; where mount is refused the tests are skipped with that reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { JsonRegistry } from '../../src/store/json/json-registry.js';
import { mountTmpfs } from '../helpers.js';

/**
 * Fills the disk, leaving `spare` bytes free, so the next large write stops part way. Returns a function freeing it.
 */
function fillDisk(dir: string, spare: number): () => void {
  writeFileSync(join(dir, 'spare'), Buffer.alloc(spare));
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(64 << 20));
  } catch {
    /* stops at the last free block */
  }
  rmSync(join(dir, 'spare'));
  return () => rmSync(join(dir, 'filler'), { force: true });
}

/** Every line of a JSON-lines file is complete JSON, and the file ends with a newline. */
function assertWholeLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  if (text === '') return 0;
  assert.ok(text.endsWith('\n'), `${file} ends in a partial line`);
  const lines = text.slice(0, -1).split('\n');
  for (const line of lines) JSON.parse(line);
  return lines.length;
}

const probe = mountTmpfs('64k');
const skip = probe === undefined ? 'mounting a tmpfs needs root (mount was refused here)' : false;

describe('full disk (ENOSPC)', { skip }, () => {
  it('a failed end() keeps every point and param in memory; the retried end() writes them all, once', async () => {
    const dir = mountTmpfs('2m') as string;
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const run = await tracker.startRun({ experiment: 'full' });
    await run.logParam('before', 1);
    await run.flush();
    const free = fillDisk(dir, 8192);
    for (let i = 0; i < 5000; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
    await assert.rejects(run.logParam('lr', 0.1), /disk is full/);
    await assert.rejects(
      run.end(),
      (e: Error & { code?: string }) => e.code === 'IO_ERROR' && /disk is full/.test(e.message),
    );
    const runDir = join(dir, 'store', 'runs', run.id);
    assertWholeLines(join(runDir, 'metrics.jsonl'));
    assertWholeLines(join(runDir, 'run.jsonl'));
    assert.equal((await tracker.getRun(run.id)).status, 'RUNNING');
    free();
    await run.end();
    const stored = await tracker.getRun(run.id);
    assert.equal(stored.status, 'FINISHED');
    assert.deepEqual(stored.params, { before: '1', lr: '0.1' });
    const points = await tracker.getMetricHistory(run.id, 'loss');
    assert.deepEqual(
      points.map((p) => p.step),
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.equal(stored.metricSummaries['loss']?.count, 5000);
  });

  it('flush() on a full disk fails, and the next flush appends after complete lines only', async () => {
    const dir = mountTmpfs('1m') as string;
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const run = await tracker.startRun({ experiment: 'full' });
    const free = fillDisk(dir, 4096);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2000; i++) run.logMetric('m', i, { step: round * 2000 + i });
      await assert.rejects(run.flush(), /could not append metrics to .*metrics\.jsonl: the disk is full/);
      assertWholeLines(join(dir, 'store', 'runs', run.id, 'metrics.jsonl'));
    }
    free();
    await run.flush();
    assert.equal((await tracker.getMetricHistory(run.id, 'm')).length, 6000);
    await run.end();
  });

  it('a tag from another process, a new run, a registry change and an artifact fail cleanly and leave no debris', async () => {
    const dir = mountTmpfs('1m') as string;
    const store = join(dir, 'store');
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'full' });
    await run.end();
    const registry = new JsonRegistry(store);
    await registry.createModelVersion('m', {
      source: 's',
      runId: run.id,
      path: 'p',
      description: '',
      tags: {},
      user: 'u',
    });
    const model = readFileSync(join(store, 'registry', 'models', 'm.json'), 'utf8');
    const open = await tracker.startRun({ experiment: 'full' });
    const free = fillDisk(dir, 0);
    await assert.rejects(tracker.setTag(run.id, 'big', 'x'.repeat(7000)), /IO_ERROR|disk is full/);
    await assert.rejects(tracker.startRun({ experiment: 'full' }), /disk is full/);
    await assert.rejects(
      registry.createModelVersion('m', {
        source: 's',
        runId: run.id,
        path: 'p',
        description: 'x'.repeat(9000),
        tags: {},
        user: 'u',
      }),
      /disk is full/,
    );
    await assert.rejects(open.logText('y'.repeat(100_000), 'big.txt'), /disk is full/);
    assert.deepEqual(readdirSync(join(store, 'runs', open.id, 'artifacts')), [], 'a failed artifact write left a file');
    assertWholeLines(join(store, 'runs', run.id, 'run.jsonl'));
    assert.equal(readFileSync(join(store, 'registry', 'models', 'm.json'), 'utf8'), model);
    assert.deepEqual(
      readdirSync(join(store, 'runs')).sort(),
      [run.id, open.id].sort(),
      'a failed run creation left a folder',
    );
    free();
    await tracker.setTag(run.id, 'big', 'x'.repeat(7000));
    assert.equal((await tracker.getRun(run.id)).tags['big']?.length, 7000);
  });
});
