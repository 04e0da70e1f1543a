/** The JSON store's cached runs read back from the cache's base: the same runs a search of the logs returns. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker, type Run } from '../../src/index.js';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { runCacheFiles } from '../../src/store/json/run-cache.js';
import { tempDir } from '../helpers.js';

/** A search in a new Tracker (a new store handle, so a fresh run cache), runs by id. */
async function searchFresh(store: string, filter?: string): Promise<Map<string, Run>> {
  const tracker = await Tracker.open({ store });
  const query = { experiments: ['base'], maxResults: 50000, ...(filter ? { filter } : {}) };
  const { runs } = await tracker.searchRuns(query);
  await new Promise((resolve) => setImmediate(resolve)); // the cache is saved after the answer
  await tracker.close();
  return new Map(runs.map((r) => [r.id, r]));
}

describe('run cache base of the JSON store', () => {
  it('gives back runs with text past ASCII, hostile keys and non-finite numbers exactly as their logs do', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    // JSON.parse makes "__proto__" an own key, as user data read from a file would be
    const hostile = JSON.parse('{"__proto__": "proto", "constructor": "c"}') as Record<string, string>;
    for (let i = 0; i < 210; i++) {
      const run = await tracker.startRun({ experiment: 'base', name: i % 3 ? `r${i}` : `été ✓ 😀 \u2028 ${i}` });
      await run.logParams({ lr: i % 7, note: i % 2 ? 'naïve' : 'plain', ...hostile });
      await tracker.setTag(run.id, 'emoji', '🚀'.repeat(i % 4));
      run.logMetric('acc', i % 5 === 0 ? Number.NaN : i / 210);
      run.logMetric('edge', [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5][i % 4]!);
      await run.end();
    }
    await tracker.close();
    const fromLogs = await searchFresh(store);
    assert.ok(existsSync(runCacheFiles(store).base), 'the first search wrote the base');
    const fromBase = await searchFresh(store);
    assert.equal(fromBase.size, 210);
    for (const [id, run] of fromLogs) assert.deepStrictEqual(fromBase.get(id), run, `run ${id}`);
    // the runs a search builds are the ones getRun gives, printed alike (the same fields in the same order)
    const reader = await Tracker.open({ store });
    for (const found of [fromLogs, fromBase]) {
      for (const [id, run] of found) {
        const got = await reader.getRun(id);
        assert.deepStrictEqual(run, got, `run ${id}`);
        assert.equal(JSON.stringify(run), JSON.stringify(got), `run ${id}`);
      }
    }
    await reader.close();
    const odd = [...fromBase.values()].find((r) => r.name === 'été ✓ 😀 \u2028 0')!; // run 0: acc is NaN
    assert.equal(Object.getPrototypeOf(odd.params), Object.prototype);
    assert.equal(odd.params['__proto__'], 'proto');
    assert.ok(Number.isNaN(odd.metrics['acc']));
    assert.ok(Object.is(odd.metrics['edge'], Number.POSITIVE_INFINITY));
    // filters read the base's columns: the same matches as the logs give
    for (const filter of ["params.note = 'naïve'", "tags.emoji LIKE '%🚀%'", 'metrics.acc > 0.5', 'metrics.edge < 0']) {
      const expected = [...fromLogs.values()].filter((r) => matchesByHand(r, filter)).map((r) => r.id);
      assert.deepEqual([...(await searchFresh(store, filter)).keys()].sort(), expected.sort(), filter);
    }
  });
});

/** A new store with 205 finished runs `r0`..`r204` in experiment `base`, each with one `acc` point. */
async function storeOf205Runs(): Promise<string> {
  const store = tempDir();
  const tracker = await Tracker.open({ store });
  for (let i = 0; i < 205; i++) {
    const run = await tracker.startRun({ experiment: 'base', name: `r${i}` });
    run.logMetric('acc', i / 205);
    await run.end();
  }
  await tracker.close();
  return store;
}

function matchesByHand(r: Run, filter: string): boolean {
  if (filter.startsWith('params.note')) return r.params['note'] === 'naïve';
  if (filter.startsWith('tags.emoji')) return (r.tags['emoji'] ?? '').includes('🚀');
  if (filter.startsWith('metrics.acc')) return r.metrics['acc']! > 0.5;
  return r.metrics['edge']! < 0;
}

describe('records a JSON store search returns', () => {
  it('are the caller’s: changing them changes nothing the next search returns, from the base or from the logs', async () => {
    const store = await storeOf205Runs();
    for (const from of ['the logs', 'the base']) {
      if (from === 'the logs') rmSync(join(store, '.cache'), { recursive: true, force: true });
      else await searchFresh(store); // writes the base
      const backend = await openJsonBackend(store);
      const experiments = await backend.tracking.listExperiments('ALL');
      const query = { experimentIds: experiments.map((e) => e.id), maxResults: 50000 };
      const first = await backend.tracking.searchRuns(query);
      assert.equal(first.runs.length, 205);
      for (const r of first.runs) Object.assign(r, { name: 'changed', artifactUri: 'elsewhere', status: 'FAILED' });
      for (const r of (await backend.tracking.searchRuns(query)).runs) {
        assert.match(r.name, /^r\d+$/, from);
        assert.equal(r.status, 'FINISHED', from);
        assert.match(r.artifactUri!, /\/artifacts$/, from);
      }
      await backend.close();
    }
  });
});

describe('run cache files of other tracklab versions', () => {
  it('are left as they are: each format version keeps its own files, so two versions sharing a store do not thrash', async () => {
    const store = await storeOf205Runs();
    // what an older version keeps: unversioned names, another format
    const older = { base: join(store, '.cache', 'runs.json'), delta: join(store, '.cache', 'runs.delta') };
    mkdirSync(join(store, '.cache'), { recursive: true });
    writeFileSync(older.base, '{"version":5,"gen":"old"}\n[]\n');
    writeFileSync(older.delta, 'old 0 ["x",{}]\n');
    const { base } = runCacheFiles(store);
    assert.match(base, /runs-v\d+\.json$/);
    assert.equal((await searchFresh(store)).size, 205);
    assert.ok(existsSync(base), 'this version writes its own base');
    const written = statSync(base);
    assert.equal((await searchFresh(store)).size, 205);
    assert.equal(statSync(base).ino, written.ino, 'and reads it back without rewriting it');
    assert.equal(readFileSync(older.base, 'utf8'), '{"version":5,"gen":"old"}\n[]\n', 'the older base is untouched');
    assert.equal(readFileSync(older.delta, 'utf8'), 'old 0 ["x",{}]\n', 'the older delta is untouched');
  });
});
