import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { distCli, tempDir } from '../helpers.js';

describe('tracklab runs end', () => {
  it('ends a run its process left RUNNING, and refuses one that has ended', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'left', name: 'stuck' });
    await run.flush();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [distCli, '--store', store, 'runs', 'end', ...args], { encoding: 'utf8' });
    const ok = cli(run.id, '--status', 'FAILED');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, `ended run stuck (${run.id}) FAILED\n`);
    assert.equal((await tracker.getRun(run.id)).status, 'FAILED');
    const again = cli(run.id);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /run stuck \(\w+\) is already FAILED/);
    await tracker.close();
  });
});
