/**
 * The run cache of an mlruns folder: kept outside the folder, used across processes, and never stale when MLflow
 * rewrites files in place, including a rewrite of the same size right after the run was read.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tracker } from '../../src/tracker.js';
import { RACY_MS } from '../../src/store/mlruns/run-cache.js';
import { repoRoot, tempDir } from '../helpers.js';

type Entries = Record<string, { record: { tags: Record<string, string> } }>;
const cacheEntries = (cacheDir: string): Entries => {
  const dir = join(cacheDir, 'mlruns');
  const files = readdirSync(dir);
  assert.equal(files.length, 1, 'one cache file per store');
  return (JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as { entries: Entries }).entries;
};

describe('mlruns run cache', () => {
  it('lives outside the folder, skips runs changed just now, and sees same-size in-place rewrites', async () => {
    const cacheDir = join(tempDir(), 'cache');
    process.env['TRACKLAB_CACHE_DIR'] = cacheDir;
    try {
      const dir = join(tempDir(), 'mlruns');
      cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-2.12.2', 'mlruns'), dir, { recursive: true });
      const before = readdirSync(dir).sort();
      const search = async () => {
        const tracker = await Tracker.open({ store: dir });
        const run = (await tracker.searchRuns({ filter: "attributes.run_name = 'cnn-00'" })).runs[0];
        await tracker.close();
        assert.ok(run);
        return run;
      };
      const first = await search();
      await sleep(RACY_MS + 100);
      await search();
      const runDir = join(dir, first.experimentId, first.id);
      const tag = join(runDir, 'tags', 'mlflow.user');
      const old = readFileSync(tag, 'utf8');
      assert.equal(cacheEntries(cacheDir)[runDir]?.record.tags['mlflow.user'], old, 'cached once older than RACY_MS');
      assert.deepEqual(readdirSync(dir).sort(), before, 'nothing is written into the MLflow folder');

      const changed = 'x'.repeat(old.length);
      writeFileSync(tag, changed); // in place and the same size, as MLflow's write_to may do
      assert.equal((await search()).tags['mlflow.user'], changed);
      // read again, but not cached: a second change within the same tick of the file clock would go unseen
      assert.equal(cacheEntries(cacheDir)[runDir]?.record.tags['mlflow.user'], old);
      await sleep(RACY_MS + 100);
      assert.equal((await search()).tags['mlflow.user'], changed);
      assert.equal(cacheEntries(cacheDir)[runDir]?.record.tags['mlflow.user'], changed);
    } finally {
      delete process.env['TRACKLAB_CACHE_DIR'];
    }
  });
});
