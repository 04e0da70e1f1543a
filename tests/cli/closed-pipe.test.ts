/** `tracklab runs list | head`: a reader that closes the pipe early ends the command quietly, with status 0. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { distCli, tempDir } from '../helpers.js';

describe('a closed output pipe', () => {
  it('ends `runs list` with status 0 and nothing on stderr when the reader stops after the first chunk', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    for (let i = 0; i < 1000; i++) {
      const run = await tracker.startRun({ experiment: 'pipe', name: `run-${i}-${'x'.repeat(80)}` });
      await run.end();
    }
    await tracker.close();
    // bash's pipefail gives tracklab's own status; `head` closes the pipe after one line
    const command = `set -o pipefail; "${process.execPath}" "${distCli}" --store "${store}" runs list --max-results 1000 | head -1`;
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    assert.match(r.stdout, /^RUN ID/);
    assert.equal(r.stderr, '', 'a closed pipe printed an error');
    assert.equal(r.status, 0);
  });
});
