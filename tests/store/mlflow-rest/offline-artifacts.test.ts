/**
 * Artifacts and the offline queue with a real MLflow server that stops and comes back: files logged while it is down
 * are copied into the queue and uploaded once by `tracklab sync`, after the run's earlier operations.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { syncOfflineQueue } from '../../../src/cli/commands/sync.js';
import { tempDir } from '../../helpers.js';
import { serverSkip, type TestServer } from '../../mlflow/server.js';
import { serverWithSpool } from './server-with-spool.js';

describe('MLflow server: artifacts in the offline queue', { skip: serverSkip }, () => {
  let server: TestServer;
  let spoolRoot: string;
  serverWithSpool(1, (s, dir) => {
    server = s;
    spoolRoot = dir;
  });
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

  it('queues files logged while the server is down and uploads them once on sync', async () => {
    const local = tempDir();
    writeFileSync(join(local, 'model.bin'), Buffer.alloc(300_000, 7));
    mkdirSync(join(local, 'plots'));
    writeFileSync(join(local, 'plots', 'a.txt'), 'plot a');
    const tracker = await Tracker.open({ store: server.url });
    const run = await tracker.startRun({ experiment: 'outage-files' });
    await run.logText('before the outage', 'notes/before.txt');
    await server.stop();
    await run.logText('during the outage', 'notes/during.txt');
    await run.logArtifact(join(local, 'model.bin'), 'model');
    await run.logArtifacts(local, 'all');
    writeFileSync(join(local, 'model.bin'), 'changed after logging'); // the queue holds a copy
    const queuedOnly = await tracker.listArtifacts(run.id, '', { recursive: true });
    assert.deepEqual(
      queuedOnly.map((e) => [e.path, e.isDir, e.size]),
      [
        ['all', true, 0],
        ['all/model.bin', false, 300_000],
        ['all/plots', true, 0],
        ['all/plots/a.txt', false, 6],
        ['model', true, 0],
        ['model/model.bin', false, 300_000],
        ['notes', true, 0],
        ['notes/during.txt', false, 17],
      ],
      'with the server down, the queued files are listed',
    );
    assert.equal((await tracker.readArtifact(run.id, 'notes/during.txt')).toString(), 'during the outage');
    await run.end();
    await tracker.close();
    assert.ok(
      files(spoolRoot).some((f) => f.endsWith('.files')),
      'the files were copied into the queue',
    );
    await server.start();
    const before = await Tracker.open({ store: server.url });
    assert.deepEqual(
      (await before.listArtifacts(run.id, 'notes')).map((e) => e.path),
      ['notes/before.txt', 'notes/during.txt'],
      "before the sync, the server's files and the queued ones are listed together",
    );
    assert.deepEqual(
      (await before.listArtifacts(run.id)).map((e) => [e.path, e.isDir]),
      [
        ['all', true],
        ['model', true],
        ['notes', true],
      ],
    );
    await before.close();
    const result = await syncOfflineQueue({ store: server.url });
    assert.deepEqual([result.runs, result.open], [1, 0]);
    const check = await Tracker.open({ store: server.url });
    const listed = (await check.listArtifacts(run.id, '', { recursive: true })).filter((e) => !e.isDir);
    assert.deepEqual(listed.map((e) => e.path).sort(), [
      'all/model.bin',
      'all/plots/a.txt',
      'model/model.bin',
      'notes/before.txt',
      'notes/during.txt',
    ]);
    assert.equal((await check.readArtifact(run.id, 'notes/during.txt')).toString(), 'during the outage');
    assert.deepEqual(await check.readArtifact(run.id, 'model/model.bin'), Buffer.alloc(300_000, 7));
    assert.equal((await check.readArtifact(run.id, 'all/plots/a.txt')).toString(), 'plot a');
    assert.equal((await check.getRun(run.id)).status, 'FINISHED');
    assert.equal((await syncOfflineQueue({ store: server.url })).operations, 0, 'a second sync has nothing left');
    assert.deepEqual(
      files(spoolRoot)
        .filter((f) => !f.endsWith('sync.lock'))
        .filter((f) => /\.(jsonl|files)$/.test(f)),
      [],
      'the replayed queue and its files are removed',
    );
    await check.close();
  });

  it('uploads the files of a run started while the server was down', async () => {
    await server.stop();
    const tracker = await Tracker.open({ store: server.url });
    const run = await tracker.startRun({ experiment: 'born-offline-files' });
    await run.logText('{"a": 1}', 'config.json');
    await run.end();
    await tracker.close();
    const elsewhere = await Tracker.open({ store: server.url }); // as another process would, from the queue on disk
    assert.deepEqual(
      (await elsewhere.listArtifacts(run.id)).map((e) => [e.path, e.size]),
      [['config.json', 8]],
    );
    assert.equal((await elsewhere.readArtifact(run.id, 'config.json')).toString(), '{"a": 1}');
    await elsewhere.close();
    await server.start();
    const result = await syncOfflineQueue({ store: server.url });
    assert.equal(result.runs, 1);
    const check = await Tracker.open({ store: server.url });
    const serverId = result.created[run.id] ?? '';
    assert.ok(serverId);
    assert.equal((await check.readArtifact(serverId, 'config.json')).toString(), '{"a": 1}');
    await check.close();
  });
});
