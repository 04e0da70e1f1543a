/**
 * A lock held by a process on another host (a store on NFS) cannot be checked for life, so it is never broken
 * automatically: writers give up with an error naming the holder and how to clear it, and `tracklab doctor` reports it
 * without removing it. Once a person removes it, writing works again.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDoctor } from '../../src/cli/doctor-command.js';
import { TracklabError, Tracker } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const old = new Date(Date.now() - 3_600_000);

/** A stale lock file of `owner`, as a crashed (or paused) holder leaves it. */
function plantLock(file: string, owner: { pid: number; host: string }): string {
  const text = JSON.stringify({ ...owner, token: 'feedc0de' });
  writeFileSync(`${file}.lock`, text);
  utimesSync(`${file}.lock`, old, old);
  return text;
}

async function withWait<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const before = process.env['TRACKLAB_LOCK_WAIT_MS'];
  process.env['TRACKLAB_LOCK_WAIT_MS'] = String(ms);
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['TRACKLAB_LOCK_WAIT_MS'];
    else process.env['TRACKLAB_LOCK_WAIT_MS'] = before;
  }
}

describe('locks held on another host', () => {
  it('are never broken: the writer gives up naming the holder and how to clear it, and nothing is written', async () => {
    const dir = tempDir();
    const tracker = await Tracker.open({ store: dir });
    const doc = join(dir, 'experiments.json');
    const before = readFileSync(doc, 'utf8');
    const lock = plantLock(doc, { pid: 4242, host: 'gpu-node-7.example' });
    const error = await withWait(600, () => tracker.createExperiment('blocked')).then(
      () => assert.fail('created an experiment while another host holds the lock'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TracklabError);
    assert.equal(error.code, 'IO_ERROR');
    assert.match(error.message, /process 4242 on gpu-node-7\.example holds it/);
    assert.match(error.message, /cannot tell .* whether that process still runs/);
    assert.ok(error.message.includes(`remove ${doc}.lock`), error.message);
    assert.equal(readFileSync(`${doc}.lock`, 'utf8'), lock, 'the foreign lock was broken');
    assert.equal(readFileSync(doc, 'utf8'), before);

    rmSync(`${doc}.lock`);
    assert.equal((await tracker.createExperiment('after')).name, 'after');
  });

  it('are reported by doctor for a person, even with --repair, while dead local holders are cleared', async () => {
    const dir = tempDir();
    await (await Tracker.open({ store: dir })).close();
    const doc = join(dir, 'experiments.json');
    const foreign = plantLock(doc, { pid: 4242, host: 'gpu-node-7.example' });
    plantLock(join(dir, 'tracklab-store.json'), { pid: 999_999, host: hostname() });
    const report = runDoctor(dir, { repair: true });
    const byFile = new Map(report.findings.map((f) => [f.file, f]));
    const held = byFile.get(`${doc}.lock`);
    assert.ok(held, JSON.stringify(report.findings));
    assert.equal(held.repair, undefined);
    assert.match(held.problem, /held by process 4242 on host gpu-node-7\.example/);
    assert.match(held.problem, /run `tracklab doctor --repair` on gpu-node-7\.example/);
    assert.equal(readFileSync(`${doc}.lock`, 'utf8'), foreign);
    assert.deepEqual(
      report.repaired.map((f) => f.file),
      [join(dir, 'tracklab-store.json.lock')],
    );
  });
});
