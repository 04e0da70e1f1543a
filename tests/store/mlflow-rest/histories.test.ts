/**
 * Bulk metric histories from a real MLflow server: the same points as one history at a time, across MLflow's
 * 25,000-point answer limit, with NaN and infinities, and from a server without the bulk endpoint.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { showRun } from '../../../src/cli/commands/runs.js';
import { runSummary } from '../../../src/kernel/runtime-views.js';
import { runPage } from '../../../src/report/run-view-model.js';
import { serverSkip, startServer, type TestServer } from '../../mlflow/server.js';

describe('MLflow server: bulk metric histories', { skip: serverSkip }, () => {
  let server: TestServer;
  let tracker: Tracker;
  const ids: string[] = [];
  before(async () => {
    server = await startServer();
    tracker = await Tracker.open({ store: server.url });
    // two runs whose points together pass one answer's 25,000, so the first answer is cut inside the second run
    for (const n of [12_600, 12_700, 3]) {
      const run = await tracker.startRun({ experiment: 'bulk' });
      for (let i = 0; i < n; i += 1) run.logMetric('loss', 1 / (i + 1), { step: i, timestamp: 1000 + i });
      run.logMetric('acc', Number.NaN, { step: 0, timestamp: 5 });
      run.logMetric('acc', Number.POSITIVE_INFINITY, { step: 1, timestamp: 6 });
      await run.end();
      ids.push(run.id);
    }
  });
  after(async () => {
    await tracker?.close();
    await server?.dispose();
  });

  it('reads every point of every run, as one history at a time does', async () => {
    assert.equal(tracker.bulkHistories, true);
    const got = await tracker.getMetricHistoriesBulk(ids, ['loss', 'acc', 'absent']);
    for (const id of ids) {
      assert.deepEqual(got[id]?.['loss'], await tracker.getMetricHistory(id, 'loss'));
      // MLflow's SQL store keeps +Infinity as the largest double; both reads agree on what it keeps
      assert.deepEqual(got[id]?.['acc'], await tracker.getMetricHistory(id, 'acc'));
      assert.ok(Number.isNaN(got[id]?.['acc']?.[0]?.value));
      assert.equal(got[id]?.['absent'], undefined);
    }
    assert.equal(got[ids[0] as string]?.['loss']?.length, 12_600);
    assert.equal(got[ids[1] as string]?.['loss']?.length, 12_700);
  });

  it('shows min, max and count as unknown, since the server keeps only the latest point', async () => {
    const run = await tracker.getRun(ids[2] as string);
    const loss = run.metricSummaries['loss'];
    assert.deepEqual([loss?.value, loss?.step, loss?.count], [1 / 3, 2, 0]);
    assert.ok(Number.isNaN(loss?.min) && Number.isNaN(loss?.max));
    assert.match(await showRun(tracker, run.id, {}), /loss: 0\.333\d* \(step 2, latest value only\)/);
    assert.match(runSummary(run), /loss<\/td><td[^>]*>[^<]+<\/td><td[^>]*>2<\/td><td[^>]*>—<\/td>/);
    const page = runPage({
      run,
      experimentName: 'bulk',
      runsById: new Map([[run.id, run]]),
      children: [],
      artifacts: [],
      models: [],
      registered: [],
    });
    const row = page.metrics.find((m) => m.key === 'loss');
    assert.deepEqual([row?.min, row?.max, row?.steps, row?.lastStep], ['—', '—', '—', '2']);
  });

  it('falls back to one history at a time on a server without the bulk endpoint', async () => {
    const target = new URL(server.url);
    let bulkAsked = 0;
    const proxy = http.createServer((req, res) => {
      if (req.url?.startsWith('/ajax-api/')) {
        bulkAsked += 1;
        res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
        return;
      }
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const old = await Tracker.open({
      store: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    });
    try {
      const small = ids[2] as string;
      const got = await old.getMetricHistoriesBulk([small], ['loss', 'acc']);
      assert.deepEqual(got[small]?.['loss'], await tracker.getMetricHistory(small, 'loss'));
      assert.equal(got[small]?.['acc']?.length, 2);
      const asked = bulkAsked;
      assert.ok(asked >= 1);
      await old.getMetricHistoriesBulk([small], ['loss']);
      assert.equal(bulkAsked, asked, 'a missing endpoint is not asked for again');
    } finally {
      await old.close();
      proxy.close();
    }
  });
});
