/**
 * ENOSPC on a real file system (a tiny tmpfs) and EPERM from an immutable folder: a clear error naming the file, and
 * what was stored is intact. Mounting needs root; where mount is refused the tests are skipped with that reason.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { mountTmpfs, tempDir } from '../helpers.js';

const probe = mountTmpfs('64k');
const skip = probe === undefined ? 'mounting a tmpfs needs root (mount was refused here)' : false;

describe('I/O errors', { skip }, () => {
  it('a full disk gives a clear error and keeps the experiment list intact', async () => {
    const dir = mountTmpfs('256k') as string;
    const store = join(dir, 'store');
    const tracker = await Tracker.open({ store });
    await tracker.createExperiment('before');
    const before = readFileSync(join(store, 'experiments.json'), 'utf8');
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      /* fills the disk up to the last block */
    }
    await assert.rejects(
      tracker.createExperiment('x'.repeat(400)),
      /could not (write|lock) .*experiments\.json(\.lock)?: the disk is full; free space and retry; what was stored before is intact/,
    );
    assert.equal(readFileSync(join(store, 'experiments.json'), 'utf8'), before);
  });

  it('a run log the process may not write (chattr +i) gives a clear error naming it, and keeps what was logged', async (t) => {
    const store = tempDir('tracklab-immutable-');
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'ro' });
    await run.logParam('a', 1);
    const runLog = join(store, 'runs', run.id, 'run.jsonl');
    try {
      execFileSync('chattr', ['+i', runLog], { stdio: 'ignore' });
    } catch {
      t.skip('chattr +i is not supported on this file system');
      return;
    }
    try {
      await assert.rejects(
        run.logParam('b', 2),
        /tracklab: could not append to .*run\.jsonl: permission denied; check the store folder permissions/,
      );
    } finally {
      execFileSync('chattr', ['-i', runLog]);
      assert.deepEqual((await tracker.getRun(run.id)).params, { a: '1' });
      rmSync(store, { recursive: true, force: true });
    }
  });
});
