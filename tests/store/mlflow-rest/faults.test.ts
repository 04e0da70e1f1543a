/**
 * Faults with real processes against a real MLflow server: the server stops in the middle of logging and comes back,
 * runs start while it is down, it answers 500/429 for a while, and a sync is killed with SIGKILL half-way. Every case
 * ends with exactly the points logged on the server: nothing lost, nothing doubled.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { syncOfflineQueue } from '../../../src/cli/commands/sync.js';
import { Spool } from '../../../src/store/mlflow-rest/spool.js';
import { SPOOL_ID_TAG } from '../../../src/store/mlflow-rest/sync.js';
import { repoRoot } from '../../helpers.js';
import { serverSkip, type TestServer } from '../../mlflow/server.js';
import { serverWithSpool } from './server-with-spool.js';

describe('MLflow server faults', { skip: serverSkip }, () => {
  let server: TestServer;
  let spoolRoot: string;
  serverWithSpool(2, (s, dir) => {
    server = s;
    spoolRoot = dir;
  });
  const distinctSteps = async (t: Tracker, runId: string, key: string): Promise<[number, number]> => {
    const points = await t.getMetricHistory(runId, key);
    return [points.length, new Set(points.map((p) => p.step)).size];
  };

  it('keeps logging into the queue when the server stops mid-run; sync replays it once', async () => {
    const tracker = await Tracker.open({ store: server.url });
    const run = await tracker.startRun({ experiment: 'outage' });
    for (let i = 0; i < 1500; i += 1) run.logMetric('loss', i, { step: i });
    await run.flush();
    await server.stop();
    for (let i = 1500; i < 3000; i += 1) run.logMetric('loss', i, { step: i });
    await run.logParams({ after: 'outage' });
    await run.end();
    await tracker.close();
    await server.start();
    const result = await syncOfflineQueue({ store: server.url });
    assert.deepEqual([result.runs, result.open], [1, 0]);
    const check = await Tracker.open({ store: server.url });
    assert.deepEqual(await distinctSteps(check, run.id, 'loss'), [3000, 3000]);
    const got = await check.getRun(run.id);
    assert.deepEqual([got.status, got.params['after']], ['FINISHED', 'outage']);
    assert.equal((await syncOfflineQueue({ store: server.url })).operations, 0, 'a second sync has nothing left');
    await check.close();
  });

  it('starts runs in the queue while the server is down; the next open replays them (TRACKLAB_AUTO_SYNC)', async () => {
    await server.stop();
    const tracker = await Tracker.open({ store: server.url });
    const run = await tracker.startRun({ experiment: 'born-offline', name: 'offline-run' });
    for (let i = 0; i < 500; i += 1) run.logMetric('acc', i / 500, { step: i });
    await run.logParams({ lr: 0.1 });
    await run.end();
    await tracker.close();
    await server.start();
    process.env['TRACKLAB_AUTO_SYNC'] = '1';
    const check = await Tracker.open({ store: server.url });
    delete process.env['TRACKLAB_AUTO_SYNC'];
    assert.equal((await syncOfflineQueue({ store: server.url })).operations, 0, 'opening replayed the queue');
    const serverId = (await check.searchRuns({ experiments: ['born-offline'] })).runs[0]?.id ?? '';
    assert.notEqual(serverId, run.id, 'the server gave the run its own id');
    const runs = (await check.searchRuns({ experiments: ['born-offline'] })).runs;
    assert.deepEqual(
      runs.map((r) => [r.id, r.name, r.params['lr'], r.tags[SPOOL_ID_TAG], r.status]),
      [[serverId, 'offline-run', '0.1', run.id, 'FINISHED']],
    );
    assert.deepEqual(await distinctSteps(check, serverId, 'acc'), [500, 500]);
    await check.close();
  });

  it('retries 500 and 429 answers with backoff and logs every point once', async () => {
    let failures = 0;
    const proxy = http.createServer((req, res) => {
      if (req.url?.includes('log-batch') && failures < 4) {
        failures += 1;
        req.resume();
        res.writeHead(failures % 2 === 1 ? 500 : 429).end('{"error_code":"TEMPORARILY_UNAVAILABLE"}');
        return;
      }
      const upstream = http.request(
        `${server.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const port = (proxy.address() as { port: number }).port;
    process.env['TRACKLAB_HTTP_RETRIES'] = '5';
    try {
      const tracker = await Tracker.open({ store: `http://127.0.0.1:${port}` });
      const run = await tracker.startRun({ experiment: 'flaky' });
      for (let i = 0; i < 2500; i += 1) run.logMetric('m', i, { step: i });
      await run.end();
      assert.equal(failures, 4);
      assert.deepEqual(await distinctSteps(tracker, run.id, 'm'), [2500, 2500]);
      assert.equal(
        readdirSync(spoolRoot)
          .flatMap((d) => readdirSync(join(spoolRoot, d)))
          .filter((f) => f.includes(run.id)).length,
        0,
        'nothing went to the queue',
      );
      await tracker.close();
    } finally {
      process.env['TRACKLAB_HTTP_RETRIES'] = '2';
      proxy.close();
    }
  });

  it('survives kill -9 in the middle of a sync: resumes without duplicates', async () => {
    const url = new URL(server.url);
    const spool = new Spool(join(spoolRoot, `${url.hostname}_${url.port}`));
    const queue = spool.file('000000001-aaaabbbbccccddddeeeeffff00001111');
    queue.append({
      op: 'create',
      experimentName: 'killed-sync',
      run: {
        experimentId: 'offline:killed-sync',
        name: 'k',
        startTime: 1,
        user: 'ada',
        tags: { 'mlflow.runName': 'k' },
      },
    });
    for (let b = 0; b < 200; b += 1) {
      queue.append({
        op: 'batch',
        metrics: Array.from(
          { length: 100 },
          (_, i) => ['x', b * 100 + i, b * 100 + i, 5] as [string, number, number, number],
        ),
      });
    }
    queue.append({ op: 'end', status: 'FINISHED', endTime: 9 });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(repoRoot, 'src/cli/commands/sync.ts'))}); await m.syncOfflineQueue({ store: ${JSON.stringify(server.url)} });`,
      ],
      { cwd: repoRoot, env: process.env, stdio: 'inherit' },
    );
    const ackPath = queue.path.replace(/\.jsonl$/, '.ack.json');
    const acknowledged = (): number => (JSON.parse(readFileSync(ackPath, 'utf8')) as { done: number }).done;
    for (let i = 0; i < 600 && !(existsSync(ackPath) && acknowledged() >= 40); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    const killedAt = acknowledged();
    assert.ok(killedAt > 1 && killedAt < 202, `killed half-way (acknowledged ${killedAt} of 202)`);
    const result = await syncOfflineQueue({ store: server.url });
    assert.equal(result.runs, 1);
    const check = await Tracker.open({ store: server.url });
    const runs = (await check.searchRuns({ experiments: ['killed-sync'], viewType: 'ALL' })).runs;
    assert.equal(runs.length, 1, 'the run was created once');
    assert.deepEqual(await distinctSteps(check, runs[0]?.id ?? '', 'x'), [20000, 20000]);
    await check.close();
  });

  it('does not double an operation sent again after a kill between the send and its acknowledgement', async () => {
    const tracker = await Tracker.open({ store: server.url });
    const run = await tracker.startRun({ experiment: 'replayed' });
    await run.end();
    const url = new URL(server.url);
    const queue = new Spool(join(spoolRoot, `${url.hostname}_${url.port}`)).file(`000000002-${run.id}`);
    queue.append(
      { op: 'attach', runId: run.id },
      {
        op: 'batch',
        params: { p: '1' },
        tags: { t: 'x' },
        metrics: Array.from({ length: 1500 }, (_, i) => ['r', i, i, 7] as [string, number, number, number]),
      },
    );
    await syncOfflineQueue({ store: server.url });
    queue.setAck({ runId: run.id, done: 1 }); // as if killed before the batch's acknowledgement was written
    await syncOfflineQueue({ store: server.url });
    assert.deepEqual(await distinctSteps(tracker, run.id, 'r'), [1500, 1500]);
    assert.deepEqual((await tracker.getRun(run.id)).params, { p: '1' });
    await tracker.close();
  });
});
