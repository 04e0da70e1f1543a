/**
 * What a run costs a real MLflow server in requests, counted by a proxy in front of it: a run with params, tags,
 * metrics and an end is three requests (create with its tags, one log-batch, update), like MLflow's Python client,
 * and still records everything, its reproducibility tags included. Params and tags queued for the next request reach
 * the server on their own soon after, and a refusal of them neither hides nor loses the points sent with them.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { openRestBackend } from '../../../src/store/mlflow-rest/rest-backend.js';
import { serverSkip, type TestServer } from '../../mlflow/server.js';
import { serverWithSpool } from './server-with-spool.js';

/** Forwards every request to `upstream`, keeping the API path of each (without its query). */
async function countingProxy(upstream: string): Promise<{ url: string; paths: string[]; close: () => void }> {
  const paths: string[] = [];
  const proxy = http.createServer((req, res) => {
    paths.push((req.url ?? '').replace(/^\/api\/2\.0\/mlflow\//, '').replace(/\?.*$/, ''));
    const forward = http.request(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const { port } = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, paths, close: () => proxy.close() };
}

describe('MLflow server: requests per run', { skip: serverSkip }, () => {
  let server: TestServer;
  serverWithSpool(1, (s) => {
    server = s;
  });

  it('creates, logs and ends a run in three requests and records all of it', async () => {
    const proxy = await countingProxy(server.url);
    const tracker = await Tracker.open({ store: proxy.url });
    try {
      await (await tracker.startRun({ experiment: 'three' })).end(); // looks the experiment up once
      proxy.paths.length = 0;
      const run = await tracker.startRun({ experiment: 'three', tags: { team: 'a' } });
      await run.logParams({ a: 1, b: 'two' });
      await run.setTags({ stage: 'tuning' });
      run.logMetrics({ m1: 1, m2: 2 });
      await run.end();
      assert.deepEqual(proxy.paths, ['runs/create', 'runs/log-batch', 'runs/update']);
      const got = await tracker.getRun(run.id);
      assert.deepEqual(got.params, { a: '1', b: 'two' });
      assert.deepEqual([got.tags['team'], got.tags['stage'], got.status], ['a', 'tuning', 'FINISHED']);
      assert.ok(got.tags['mlflow.source.name'] !== undefined, 'the reproducibility tags are recorded');
      assert.deepEqual({ ...got.metrics }, { m1: 1, m2: 2 });
    } finally {
      await tracker.close();
      proxy.close();
    }
  });

  it('sends queued params on their own soon after, while the run goes on', async () => {
    const tracker = await Tracker.open({ store: server.url });
    const reader = await Tracker.open({ store: server.url });
    try {
      const run = await tracker.startRun({ experiment: 'soon' });
      await run.logParams({ lr: 0.1 });
      let seen: Record<string, string> = {};
      for (let i = 0; i < 100 && seen['lr'] === undefined; i += 1) {
        await new Promise((done) => setTimeout(done, 100));
        seen = (await reader.getRun(run.id)).params;
      }
      assert.equal(seen['lr'], '0.1', 'another client sees the param before the run flushes or ends');
      await run.end();
    } finally {
      await tracker.close();
      await reader.close();
    }
  });

  it('reports a param the server refuses at end, and keeps the points sent with it', async () => {
    const tracker = await Tracker.open({ store: server.url });
    const other = await openRestBackend(server.url, { spoolDir: false });
    try {
      const run = await tracker.startRun({ experiment: 'refused' });
      await other.tracking.logBatch(run.id, { params: { depth: '3' } });
      await run.logParams({ depth: 4 });
      for (let i = 0; i < 10; i += 1) run.logMetric('loss', i, { step: i });
      await assert.rejects(run.end(), { code: 'INVALID_PARAMETER_VALUE' });
      assert.equal((await other.tracking.getMetricHistory(run.id, 'loss')).length, 10);
      assert.equal((await other.tracking.getRun(run.id)).params['depth'], '3');
    } finally {
      await tracker.close();
      await other.close();
    }
  });
});
