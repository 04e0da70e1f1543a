/** The folded-run cache of the JSON store across real processes: grown run by run, correct while others write. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { runCacheFiles } from '../../src/store/json/run-cache.js';
import { repoRoot, tempDir } from '../helpers.js';

const WORKER = join(repoRoot, 'tests', 'workers', 'cache-churn.mjs');

function worker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

/** A search in a fresh process: { runId: latest n }. */
async function coldSearch(store: string, filter?: string): Promise<Record<string, number>> {
  return JSON.parse((await worker([store, 'read', '1', ...(filter ? [filter] : [])])).trim()) as Record<string, number>;
}

async function addRuns(store: string, count: number, n: number): Promise<string[]> {
  const tracker = await Tracker.open({ store });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = await tracker.startRun({ experiment: 'churn' });
    run.logMetric('n', n);
    await run.end();
    ids.push(run.id);
  }
  await tracker.close();
  return ids;
}

describe('run cache of the JSON store', () => {
  it('grows by appending the runs a search had to read, and rewrites its base only when the additions are large', async () => {
    const store = tempDir();
    await addRuns(store, 250, 1);
    const base = runCacheFiles(store).base;
    const delta = runCacheFiles(store).delta;
    assert.equal(Object.keys(await coldSearch(store)).length, 250);
    assert.ok(existsSync(base), 'the first search of many runs writes the base');
    const written = statSync(base);
    const [added] = await addRuns(store, 1, 7);
    const found = await coldSearch(store);
    assert.equal(found[added!], 7, 'the new run is found');
    assert.equal(Object.keys(found).length, 251);
    assert.equal(statSync(base).mtimeMs, written.mtimeMs, 'one new run does not rewrite the base');
    assert.equal(statSync(base).ino, written.ino);
    assert.equal(readFileSync(delta, 'utf8').trim().split('\n').length, 1, 'it is appended to the delta');
    assert.equal(Object.keys(await coldSearch(store)).length, 251);
    assert.equal(readFileSync(delta, 'utf8').trim().split('\n').length, 1, 'a search that read no log saves nothing');

    const tracker = await Tracker.open({ store });
    await tracker.setTag(added!, 'late', 'yes'); // the log grows: the cached entry no longer matches it
    await tracker.close();
    assert.equal((await coldSearch(store))[added!], 7);
    assert.equal(readFileSync(delta, 'utf8').trim().split('\n').length, 2, 'the changed run is appended again');

    await addRuns(store, 400, 3);
    assert.equal(Object.keys(await coldSearch(store)).length, 651);
    assert.notEqual(statSync(base).ino, written.ino, 'many additions are folded into a new base');
    assert.equal(existsSync(delta), false, 'and the delta starts over');
    assert.equal(Object.keys(await coldSearch(store)).length, 651);
  });

  it('damaged or foreign delta lines are skipped: those runs are read from their logs', async () => {
    const store = tempDir();
    await addRuns(store, 220, 1);
    await coldSearch(store);
    const [added] = await addRuns(store, 1, 9);
    await coldSearch(store);
    const delta = runCacheFiles(store).delta;
    const line = readFileSync(delta, 'utf8');
    // a changed value with the old checksum, a torn line, a line of another base
    writeFileSync(delta, `${line.replace('"value":9', '"value":8')}${line.slice(0, 40)}\nffffffffffff 0 ["x",{}]\n`);
    const found = await coldSearch(store);
    assert.equal(found[added!], 9);
    assert.equal(Object.keys(found).length, 221);
  });

  it('a column of the base that fails its checksum drops the base: every run is read from its log', async () => {
    const store = tempDir();
    await addRuns(store, 220, 1);
    await coldSearch(store);
    const base = runCacheFiles(store).base;
    const text = readFileSync(base, 'latin1');
    // the latest values of "n": a changed value with the old checksum
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { sections: Record<string, [number, number]> };
    const [offset] = header.sections['m:n']!;
    const at = text.indexOf('\n', text.indexOf('\n') + 1) + 1 + offset + 1;
    assert.equal(text.slice(at - 1, at + 2), '[1,');
    writeFileSync(base, `${text.slice(0, at)}7${text.slice(at + 1)}`, 'latin1');
    const found = await coldSearch(store);
    assert.equal(Object.keys(found).length, 220);
    assert.ok(
      Object.values(found).every((n) => n === 1),
      'no value comes from the damaged column',
    );
    const tagged = await coldSearch(store, "tags.mlflow.runName != ''");
    assert.equal(Object.keys(tagged).length, 220, 'and the base written again is whole');
  });

  it('searches from fresh processes stay correct while other processes write', async () => {
    const store = tempDir();
    await addRuns(store, 300, 0); // enough for a base, so readers use and extend the cache from the start
    await coldSearch(store);
    const writers = Array.from({ length: 3 }, () => worker([store, 'write', '20', '15']));
    const readers = Array.from({ length: 2 }, () => worker([store, 'read', '12']));
    const outputs = await Promise.all(readers);
    await Promise.all(writers);
    for (const out of outputs) {
      // a stale cached entry would show a run going back to an older n
      const latest = new Map<string, number>();
      for (const line of out.trim().split('\n')) {
        for (const [id, n] of Object.entries(JSON.parse(line) as Record<string, number>)) {
          assert.ok(n >= (latest.get(id) ?? 0), `run ${id} went back from n = ${latest.get(id)} to ${n}`);
          latest.set(id, n);
        }
      }
    }
    const tracker = await Tracker.open({ store });
    const truth = new Map<string, number>();
    for (const id of Object.keys(await coldSearch(store))) {
      truth.set(id, (await tracker.getRun(id)).metrics['n'] ?? 0); // getRun folds the log itself
    }
    await tracker.close();
    const final = await coldSearch(store);
    assert.equal(Object.keys(final).length, 360);
    for (const [id, n] of truth) assert.equal(final[id], n, `run ${id}`);
    assert.ok(Object.values(final).filter((n) => n === 15).length === 60, 'every writer run has its last point');
  });

  it('sees every change made after the cache was written: by other processes, by a writer open since before it, and by a plain append as an older version or a hand edit makes', async () => {
    const store = tempDir();
    const [finished] = await addRuns(store, 220, 1);
    const tracker = await Tracker.open({ store });
    const open = await tracker.startRun({ experiment: 'churn', name: 'open' });
    open.logMetric('n', 1);
    await open.flush();
    assert.equal(Object.keys(await coldSearch(store)).length, 221, 'the search writes the base');
    const base = statSync(runCacheFiles(store).base).ino;

    open.logMetric('n', 2);
    await open.flush();
    assert.equal((await coldSearch(store))[open.id], 2, 'a run written since the base is read again');
    // a change by another process to a finished, cached run
    await tracker.setTag(finished!, 'late', 'yes');
    assert.deepEqual(Object.keys(await coldSearch(store, "tags.late = 'yes'")), [finished]);
    await open.end();
    assert.equal((await coldSearch(store))[open.id], 2);

    // a line appended by something that is not this store's code: only the log itself says it changed
    const [plain] = Object.keys(await coldSearch(store, 'metrics.n = 1'));
    const line = { op: 'metrics', metrics: { n: { value: 5, step: 1, timestamp: 1, min: 1, max: 5, count: 2 } } };
    appendFileSync(join(store, 'runs', plain!, 'run.jsonl'), `${JSON.stringify(line)}\n`);
    assert.equal((await coldSearch(store))[plain!], 5, 'a plain append is seen by the next search');
    assert.deepEqual(Object.keys(await coldSearch(store, 'metrics.n = 5')), [plain], 'and by a filter on it');
    await addRuns(store, 300, 3); // enough to rewrite the base
    assert.equal((await coldSearch(store))[plain!], 5);
    assert.notEqual(statSync(runCacheFiles(store).base).ino, base);
    appendFileSync(
      join(store, 'runs', plain!, 'run.jsonl'),
      `${JSON.stringify({ ...line, metrics: { n: { ...line.metrics.n, value: 6, count: 3 } } })}\n`,
    );
    assert.equal((await coldSearch(store))[plain!], 6, 'also after the base was rewritten');
    await tracker.close();
  });

  it('one process searching again sees what others wrote in between, and never an older value', async () => {
    const store = tempDir();
    const ids = await addRuns(store, 210, 1);
    const reader = await Tracker.open({ store });
    const latest = async (): Promise<Map<string, number>> =>
      new Map(
        (await reader.searchRuns({ experiments: ['churn'], maxResults: 50000 })).runs.map((r) => [
          r.id,
          r.metrics['n']!,
        ]),
      );
    assert.equal((await latest()).size, 210);
    const writer = worker([store, 'write', '5', '30']);
    let seen = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const now = await latest();
      for (const [id, n] of seen) assert.ok(now.get(id)! >= n, `run ${id} went back from ${n} to ${now.get(id)}`);
      seen = now;
    }
    await writer;
    const final = await latest();
    assert.equal([...final.values()].filter((n) => n === 30).length, 5, 'the writer runs end at their last point');
    assert.equal(final.get(ids[0]!), 1);
    await reader.close();
  });
});
