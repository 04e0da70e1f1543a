/**
 * The shortcuts a filtered search of an mlruns folder takes through its run cache: a run a clause excluded is checked
 * by one `stat` of the file that clause reads (or of its folder when the run had no such file), and a clause on a
 * metric is decided from the cached latest value without the run's record. Each test changes a file as MLflow's
 * layout does (in place, no folder change) and checks that the next search sees it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { RACY_MS } from '../../src/store/mlruns/run-signature.js';
import { tempDir } from '../helpers.js';

/** A store of four runs: acc 0.1 .. 0.4 (run `r<i>`), a `team` tag, and `lr` only on r0. */
async function makeStore(): Promise<{ dir: string; expId: string; ids: string[] }> {
  const dir = join(tempDir(), 'mlruns');
  const backend = await openMlrunsBackend(dir);
  const exp = await backend.tracking.createExperiment('exclusion');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const run = await backend.tracking.createRun({
      experimentId: exp.id,
      name: `r${i}`,
      startTime: Date.now(),
      user: 'ada',
      tags: { team: 'blue' },
    });
    const writer = await backend.tracking.openRunWriter(run.id);
    if (i === 0) await writer.logBatch({ params: { lr: '0.1' } });
    writer.appendMetric('acc', (i + 1) / 10, 0, 1_700_000_000_000);
    if (i !== 3) writer.appendMetric('nested/loss', 1, 0, 1_700_000_000_000);
    await writer.end('FINISHED', Date.now());
    ids.push(run.id);
  }
  await backend.close();
  return { dir, expId: exp.id, ids };
}

/**
 * Runs `body` with its own run-cache folder and the process clock RACY_MS + 100 ms ahead, so every run read is cached
 * (as after a wait; the cache dates files by their ctime, which utimes cannot set back).
 */
async function settledCache(body: () => Promise<void>): Promise<void> {
  process.env['TRACKLAB_CACHE_DIR'] = join(tempDir(), 'cache');
  const now = Date.now.bind(Date);
  const ahead = mock.method(Date, 'now', () => now() + RACY_MS + 100);
  try {
    await body();
  } finally {
    ahead.mock.restore();
    delete process.env['TRACKLAB_CACHE_DIR'];
  }
}

/** The names of the runs `filter` finds, each search in a backend of its own (as a new process would). */
async function names(dir: string, expId: string, filter: string): Promise<string[]> {
  const backend = await openMlrunsBackend(dir);
  const page = await backend.tracking.searchRuns({ experimentIds: [expId], filter });
  await backend.close();
  return page.runs.map((r) => r.name).sort();
}

describe('mlruns filtered search through the run cache', () => {
  it('sees a metric line appended in place to a run the filter excluded, and a metric file created', async () => {
    await settledCache(async () => {
      const { dir, expId, ids } = await makeStore();
      assert.deepEqual(await names(dir, expId, 'metrics.acc > 0.35'), ['r3']);
      assert.deepEqual(await names(dir, expId, 'metrics.acc > 0.35'), ['r3'], 'served from the cache');
      // MLflow appends `timestamp value step` to the file: neither the folder nor any other file changes
      appendFileSync(join(dir, expId, ids[1] as string, 'metrics', 'acc'), '1700000000001 0.9 1\n');
      assert.deepEqual(await names(dir, expId, 'metrics.acc > 0.35'), ['r1', 'r3']);

      assert.deepEqual(await names(dir, expId, 'metrics.`nested/loss` >= 1'), ['r0', 'r1', 'r2']);
      const metrics = join(dir, expId, ids[3] as string, 'metrics');
      mkdirSync(join(metrics, 'nested'));
      writeFileSync(join(metrics, 'nested', 'loss'), '1700000000000 2 0\n'); // a run that had no such file
      assert.deepEqual(await names(dir, expId, 'metrics.`nested/loss` >= 1'), ['r0', 'r1', 'r2', 'r3']);
    });
  });

  it('sees a tag rewritten in place with the same size and a param added to runs a filter excluded', async () => {
    await settledCache(async () => {
      const { dir, expId, ids } = await makeStore();
      assert.deepEqual(await names(dir, expId, "tags.team = 'reds'"), []);
      assert.deepEqual(await names(dir, expId, "tags.team = 'reds'"), []);
      writeFileSync(join(dir, expId, ids[2] as string, 'tags', 'team'), 'reds'); // as long as 'blue'
      assert.deepEqual(await names(dir, expId, "tags.team = 'reds'"), ['r2']);

      assert.deepEqual(await names(dir, expId, 'params.lr = "0.1"'), ['r0']);
      writeFileSync(join(dir, expId, ids[3] as string, 'params', 'lr'), '0.1');
      assert.deepEqual(await names(dir, expId, 'params.lr = "0.1"'), ['r0', 'r3']);
    });
  });

  it('checks a run excluded by a later clause of an AND by the files of that clause, in one process or several', async () => {
    await settledCache(async () => {
      const { dir, expId, ids } = await makeStore();
      // every run passes the first clause; the second, on another kind of file, excludes all but r3
      const filter = "tags.team = 'blue' AND metrics.acc > 0.35";
      assert.deepEqual(await names(dir, expId, filter), ['r3']);
      assert.deepEqual(await names(dir, expId, filter), ['r3'], 'served from the cache');
      appendFileSync(join(dir, expId, ids[0] as string, 'metrics', 'acc'), '1700000000001 0.9 1\n');
      assert.deepEqual(await names(dir, expId, filter), ['r0', 'r3'], 'the file of the clause that excluded r0');
      writeFileSync(join(dir, expId, ids[3] as string, 'tags', 'team'), 'reds'); // same size, in place
      assert.deepEqual(await names(dir, expId, filter), ['r0'], 'the first clause re-read for a run that passed');
      // one backend searching again sees the same as a new process would
      const backend = await openMlrunsBackend(dir);
      const search = async (): Promise<string[]> =>
        (await backend.tracking.searchRuns({ experimentIds: [expId], filter })).runs.map((r) => r.name).sort();
      assert.deepEqual(await search(), ['r0']);
      appendFileSync(join(dir, expId, ids[1] as string, 'metrics', 'acc'), '1700000000002 0.8 2\n');
      assert.deepEqual(await search(), ['r0', 'r1']);
      await backend.close();
    });
  });

  it('reads a run from its folder when its cached text is damaged, instead of trusting or dropping it', async () => {
    await settledCache(async () => {
      const { dir, expId } = await makeStore();
      assert.deepEqual(await names(dir, expId, "tags.team = 'blue'"), ['r0', 'r1', 'r2', 'r3']);
      const folder = join(process.env['TRACKLAB_CACHE_DIR'] as string, 'mlruns');
      const file = join(folder, readdirSync(folder).find((f) => f.endsWith('.json')) as string);
      const bytes = readFileSync(file);
      const records = bytes.indexOf(10, bytes.indexOf(10) + 1) + 1;
      bytes.write('#', records + 1); // the first record's text no longer parses; the file's shape is unchanged
      writeFileSync(file, bytes);
      assert.deepEqual(await names(dir, expId, "tags.team = 'blue'"), ['r0', 'r1', 'r2', 'r3']);
      assert.deepEqual(await names(dir, expId, "tags.team = 'green'"), []);
    });
  });

  it('gives back non-finite values and text past ASCII from the cache exactly as from the folders', async () => {
    await settledCache(async () => {
      const dir = join(tempDir(), 'mlruns');
      const backend = await openMlrunsBackend(dir);
      const exp = await backend.tracking.createExperiment('values');
      const values = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0.5];
      for (const [i, value] of values.entries()) {
        const run = await backend.tracking.createRun({
          experimentId: exp.id,
          name: `v${i}`,
          startTime: 1_700_000_000_000 + i,
          user: 'ada',
          tags: { note: `naïve ✓ ${i}` },
        });
        const writer = await backend.tracking.openRunWriter(run.id);
        writer.appendMetric('x', value, 0, 1_700_000_000_000);
        await writer.end('FINISHED', 1_700_000_000_100);
      }
      await backend.close();
      const search = async (filter: string) => {
        const b = await openMlrunsBackend(dir);
        const page = await b.tracking.searchRuns({ experimentIds: [exp.id], filter });
        await b.close();
        return page.runs;
      };
      for (const filter of ['metrics.x > 0', 'metrics.x <= 0', "tags.note LIKE 'naïve%'"]) {
        const fromFolders = await search(filter);
        const fromCache = await search(filter);
        assert.deepEqual(fromCache, fromFolders, filter);
        fromCache[0]!.tags['note'] = 'changed by the caller';
        assert.deepEqual(await search(filter), fromFolders, 'a returned run is not shared with the cache');
      }
      const xs = (await search('')).map((r) => r.metrics['x']?.value);
      // metric names that are also names on Object.prototype
      const b = await openMlrunsBackend(dir);
      const writer = await b.tracking.openRunWriter((await search("tags.note LIKE '%0'"))[0]!.id);
      writer.appendMetric('__proto__', 0.9, 0, 1_700_000_000_000);
      writer.appendMetric('constructor', 0.9, 0, 1_700_000_000_000);
      await writer.end('FINISHED', 1_700_000_000_200);
      await b.close();
      for (const filter of ['metrics.`__proto__` > 0.5', 'metrics.constructor > 0.5', 'metrics.toString > 0']) {
        const fromFolders = (await search(filter)).map((r) => r.name);
        assert.deepEqual(
          (await search(filter)).map((r) => r.name),
          fromFolders,
          filter,
        );
        assert.deepEqual(fromFolders, filter.includes('toString') ? [] : ['v0'], filter);
      }
      assert.ok(xs.some((v) => Number.isNaN(v)) && xs.includes(Number.NEGATIVE_INFINITY), 'the values went through');
    });
  });
});
