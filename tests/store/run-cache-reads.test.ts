/**
 * A cold search of the JSON store reads each log without a stat and the run cache keys those runs only when it saves,
 * after the answer: whatever other processes do to a log in between, no stale run may be cached.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../src/core/entities.js';
import { Tracker } from '../../src/index.js';
import { JsonStore } from '../../src/store/json/json-store.js';
import { LogReader } from '../../src/store/json/log-reader.js';
import { runCacheFiles } from '../../src/store/json/run-cache.js';
import { keyReads, unchangedSinceRead, type Unstatted } from '../../src/store/json/run-cache-reads.js';
import { tempDir } from '../helpers.js';

/** Longer than the margin run-cache-reads.ts allows the file clock. */
const SETTLED = 120;

/** Appends to, or rewrites, run logs from another process (what another writer or a repair does). */
const CHANGER = `
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const [appendTo, rewrite] = process.argv.slice(1);
appendFileSync(appendTo, JSON.stringify({ op: 'tags', tags: { late: 'appended' } }) + '\\n');
// the same size, other bytes: the run's end time moved by one millisecond, written in place
const text = readFileSync(rewrite, 'utf8');
const end = /"endTime":(\\d+)/.exec(text.slice(text.lastIndexOf('{"op":"status"')));
const moved = String(Number(end[1]) + (end[1].endsWith('9') ? -1 : 1));
writeFileSync(rewrite, text.slice(0, text.lastIndexOf(end[1])) + moved + text.slice(text.lastIndexOf(end[1]) + end[1].length));
`;

async function makeRuns(store: string, n: number): Promise<void> {
  const tracker = await Tracker.open({ store });
  for (let i = 0; i < n; i++) {
    const run = await tracker.startRun({ experiment: 'reads', name: `r${i}` });
    run.logMetric('acc', i % 2);
    await run.end();
  }
  await tracker.close();
}

const byId = (runs: RunRecord[]): Map<string, RunRecord> => new Map(runs.map((r) => [r.id, r]));

describe('runs a search read without a stat', () => {
  it('are never cached stale when another process changes their logs between the read and the save', async () => {
    const root = tempDir();
    await makeRuns(root, 240);
    await sleep(SETTLED); // so the unchanged runs are keyed from the folds the search held
    const store = await JsonStore.open(root);
    const experimentIds = [(await store.getExperimentByName('reads'))!.id];
    const query = { experimentIds, filter: 'metrics.acc = 1', maxResults: 1000 };
    const before = byId((await store.searchRuns(query)).runs);
    // the search has answered; its save runs after this task. Another process changes two matching runs' logs and
    // one other run's log now: an append (a new size) and a rewrite in place to the same size
    const [appended, rewritten] = [...before.keys()];
    const other = readdirSync(join(root, 'runs')).find((id) => !before.has(id))!;
    const log = (id: string): string => join(root, 'runs', id, 'run.jsonl');
    const sizes = [statSync(log(rewritten!)).size, readFileSync(log(rewritten!), 'utf8')];
    const child = spawnSync(process.execPath, ['-e', CHANGER, log(appended!), log(rewritten!)], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    appendFileSync(log(other), JSON.stringify({ op: 'tags', tags: { late: 'other' } }) + '\n');
    assert.equal(statSync(log(rewritten!)).size, sizes[0], 'the rewrite keeps the size');
    assert.notEqual(readFileSync(log(rewritten!), 'utf8'), sizes[1]);
    await store.close(); // runs the save now
    assert.ok(statSync(runCacheFiles(root).base).size > 0, 'the search wrote the base');

    // a fresh handle searches through the base: it must see every change
    const fresh = await JsonStore.open(root);
    const after = byId((await fresh.searchRuns({ ...query, filter: '' })).runs);
    assert.equal(after.size, 240);
    assert.equal(after.get(appended!)!.tags['late'], 'appended');
    assert.equal(after.get(other)!.tags['late'], 'other');
    assert.notEqual(after.get(rewritten!)!.endTime, before.get(rewritten!)!.endTime);
    for (const [id, run] of after) assert.deepEqual(run, await fresh.getRun(id), `run ${id} as its log has it`);
    await fresh.close();
  });
});

describe('a store too small for a cache base', () => {
  it('keeps none however often one process searches it, and each search still sees every change', async () => {
    const root = tempDir();
    await makeRuns(root, 150);
    const store = await JsonStore.open(root);
    const experimentIds = [(await store.getExperimentByName('reads'))!.id];
    for (let i = 0; i < 3; i++) {
      const { runs } = await store.searchRuns({ experimentIds, filter: '', maxResults: 1000 });
      assert.equal(runs.length, 150 - i);
      await store.setRunLifecycle(runs[i]!.id, 'deleted'); // another change each time, seen by the next search
      await new Promise(setImmediate); // the save after the answer
    }
    assert.equal((await store.searchRuns({ experimentIds, filter: '', maxResults: 1000 })).runs.length, 147);
    await store.close();
    assert.equal(existsSync(runCacheFiles(root).base), false);
  });
});

describe('keying a run read without a stat', () => {
  const setUp = async (): Promise<{ file: string; read: Unstatted; rereads: string[]; key: () => unknown }> => {
    const file = join(tempDir(), 'run.jsonl');
    writeFileSync(file, '{"op":"x"}\n');
    await sleep(SETTLED);
    const record = { id: 'a' } as RunRecord;
    const read: Unstatted = { size: statSync(file).size, readAt: Date.now(), record };
    const rereads: string[] = [];
    const reread = (id: string): undefined => void rereads.push(id);
    return { file, read, rereads, key: () => keyReads(new Map([['a', read]]), () => file, reread).get('a') };
  };

  it('takes the held fold, keyed by a stat now, when the log has not changed since before the read', async () => {
    const { file, read, rereads, key } = await setUp();
    assert.deepEqual(key(), { size: read.size, mtimeMs: statSync(file).mtimeMs, record: read.record });
    assert.deepEqual(rereads, []);
  });

  it('reads the log again when it grew, was rewritten to the same size, or changed just before the read', async () => {
    const grew = await setUp();
    appendFileSync(grew.file, '{"op":"y"}\n');
    assert.equal(grew.key(), undefined);
    assert.deepEqual(grew.rereads, ['a']);

    const same = await setUp();
    writeFileSync(same.file, '{"op":"z"}\n');
    assert.equal(statSync(same.file).size, same.read.size);
    assert.equal(same.key(), undefined);
    assert.deepEqual(same.rereads, ['a']);

    const late = await setUp();
    late.read.readAt = statSync(late.file).ctimeMs + 10; // a change within the clock's margin of the read
    assert.equal(unchangedSinceRead(statSync(late.file), late.read), false);
    assert.equal(late.key(), undefined);
    assert.deepEqual(late.rereads, ['a']);
  });

  it('reads again a run whose fold was not held, and leaves out one whose log is gone', async () => {
    const { read, rereads, key } = await setUp();
    delete read.record;
    assert.equal(key(), undefined);
    assert.deepEqual(rereads, ['a']);
    const gone = keyReads(
      new Map([['b', { size: 1, readAt: Date.now(), record: {} as RunRecord }]]),
      () => '/nonexistent/x',
      () => undefined,
    );
    assert.equal(gone.size, 0);
  });
});

describe('LogReader', () => {
  it('reads whole files of any size through its one buffer, as readFileSync does', () => {
    const dir = tempDir();
    const reader = new LogReader();
    for (const size of [0, 1, 4095, 4096, 4097, 65_535, 65_536, 65_537, 300_000]) {
      const file = join(dir, `f${size}`);
      const text = Array.from({ length: size }, (_, i) => 'aé\n'[i % 3])
        .join('')
        .slice(0, size);
      writeFileSync(file, text);
      const read = reader.read(file);
      assert.equal(read.text, readFileSync(file, 'utf8'), `a file of ${size} characters`);
      assert.equal(read.size, statSync(file).size);
      assert.ok(read.readAt <= Date.now());
    }
    assert.throws(() => reader.read(join(dir, 'missing')), { code: 'ENOENT' });
  });
});
