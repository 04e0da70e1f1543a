/** The REST client, batching and the queue file without an MLflow server: a local HTTP server plays the faults. */
import assert from 'node:assert/strict';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import { TracklabError } from '../../../src/core/errors.js';
import { splitLogBatches } from '../../../src/store/mlflow-rest/log-batches.js';
import { RestClient, ServerUnavailableError } from '../../../src/store/mlflow-rest/rest-client.js';
import type { RestTracking } from '../../../src/store/mlflow-rest/rest-tracking.js';
import { serverMessages } from '../../../src/store/mlflow-rest/server-messages.js';
import { Spool } from '../../../src/store/mlflow-rest/spool.js';
import { syncSpool } from '../../../src/store/mlflow-rest/sync.js';
import { openBackend } from '../../../src/store/resolve-store.js';
import { tempDir } from '../../helpers.js';

type Handler = (req: http.IncomingMessage, body: string) => [number, string];

async function fakeServer(handler: Handler): Promise<{ url: string; seen: { auth?: string; path?: string }[] }> {
  const seen: { auth?: string; path?: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        ...(req.url ? { path: req.url } : {}),
      });
      const [status, text] = handler(req, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

describe('MLflow REST client', () => {
  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    let n = 0;
    const { url } = await fakeServer(() => (n++ < 3 ? [n === 2 ? 429 : 503, '{}'] : [200, '{"ok": true}']));
    const client = new RestClient(url, { retries: 4, backoffMs: 5 });
    assert.deepEqual(await client.call('GET', 'x'), { ok: true });
    assert.equal(n, 4);
    client.close();
  });

  it('gives up after the bounded retries with one clear error, and never retries a creation after a 500', async () => {
    let n = 0;
    const { url } = await fakeServer(() => {
      n += 1;
      return [500, 'boom'];
    });
    const client = new RestClient(url, { retries: 2, backoffMs: 5 });
    await assert.rejects(
      client.call('GET', 'x'),
      (e: Error) => e instanceof ServerUnavailableError && /HTTP 500/.test(e.message),
    );
    assert.equal(n, 3);
    await assert.rejects(client.call('POST', 'runs/create', {}, false), ServerUnavailableError);
    assert.equal(n, 4, 'a creation that may have been applied is not sent twice');
    client.close();
  });

  it('times out a silent server', async () => {
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const client = new RestClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`, {
      retries: 0,
      timeoutMs: 100,
    });
    await assert.rejects(client.call('GET', 'x'), /no answer within 100 ms/);
    client.close();
    server.closeAllConnections();
    server.close();
  });

  it("maps MLflow's 4xx error codes and says when an endpoint is missing", async () => {
    const { url } = await fakeServer((req) =>
      req.url?.includes('aliases')
        ? [404, '<html>not found</html>']
        : [400, '{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Experiment \'a\' already exists."}'],
    );
    const client = new RestClient(url, { retries: 0 });
    await assert.rejects(
      client.call('POST', 'experiments/create', {}),
      (e: TracklabError) =>
        e.code === 'RESOURCE_ALREADY_EXISTS' &&
        e.message === "tracklab: MLflow server: Experiment 'a' already exists. (RESOURCE_ALREADY_EXISTS)",
    );
    await assert.rejects(client.call('GET', 'aliases'), (e: TracklabError) =>
      /does not offer \/api\/2.0\/mlflow\/aliases/.test(e.message),
    );
    client.close();
  });

  it('sends a bearer token or basic auth and never shows credentials', async () => {
    const { url, seen } = await fakeServer(() => [503, '{}']);
    const token = new RestClient(url, { retries: 0 }, { MLFLOW_TRACKING_TOKEN: 'tok-123' });
    await assert.rejects(token.call('GET', 'x'), (e: Error) => !e.message.includes('tok-123'));
    const withUser = new URL(url);
    withUser.username = 'ada';
    withUser.password = 'pw-456';
    const basic = new RestClient(withUser.href, { retries: 0 }, {});
    await assert.rejects(basic.call('GET', 'x'), (e: Error) => !e.message.includes('pw-456'));
    assert.ok(!basic.shown.includes('pw-456'));
    assert.deepEqual(
      seen.map((s) => s.auth),
      ['Bearer tok-123', `Basic ${Buffer.from('ada:pw-456').toString('base64')}`],
    );
    token.close();
    basic.close();
  });

  it('opens http(s): stores, and MLFLOW_TRACKING_URI when nothing else names a store', async () => {
    const saved = { ...process.env };
    try {
      delete process.env['TRACKLAB_STORE'];
      process.env['MLFLOW_TRACKING_URI'] = 'http://127.0.0.1:9';
      const backend = await openBackend();
      assert.deepEqual([backend.kind, backend.uri], ['mlflow-rest', 'http://127.0.0.1:9']);
      await backend.close();
    } finally {
      process.env = saved;
    }
  });
});

describe('log-batch splitting', () => {
  it("stays within MLflow's limits of 1,000 metrics, 100 params, 100 tags and 1,000 items", () => {
    const points = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, step: i, timestamp: 1 }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    const batches = splitLogBatches(points, params, [{ key: 't', value: 'x' }]);
    for (const b of batches) {
      assert.ok(b.metrics.length <= 1000 && b.params.length <= 100 && b.tags.length <= 100);
      assert.ok(b.metrics.length + b.params.length + b.tags.length <= 1000);
    }
    assert.equal(
      batches.reduce((n, b) => n + b.metrics.length, 0),
      2500,
    );
    assert.equal(
      batches.reduce((n, b) => n + b.params.length, 0),
      150,
    );
  });

  it('keeps each request under 1 MB and sends non-finite values as MLflow reads them', () => {
    const big = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(5000) }));
    for (const b of splitLogBatches([], [], big)) assert.ok(JSON.stringify(b).length < 1_000_000);
    const [only] = splitLogBatches([
      { key: 'a', value: Number.NaN, step: 0, timestamp: 1 },
      { key: 'a', value: Number.NEGATIVE_INFINITY, step: 1, timestamp: 1 },
    ]);
    assert.deepEqual(
      only?.metrics.map((m) => m.value),
      ['NaN', '-Infinity'],
    );
  });
});

describe('offline queue file', () => {
  it('reads every complete operation and leaves out a line torn by a kill', () => {
    const file = new Spool(tempDir()).file('0001-abc');
    file.append({ op: 'attach', runId: 'abc' }, { op: 'batch', params: { a: '1' } });
    appendFileSync(file.path, '{"op":"batch","par');
    assert.deepEqual(
      file.read().map((o) => o.op),
      ['attach', 'batch'],
    );
    assert.deepEqual(file.ack(), { runId: null, done: 0 });
    file.setAck({ runId: 'abc', done: 2 });
    assert.deepEqual(file.ack(), { runId: 'abc', done: 2 });
  });

  it('refuses a second sync of the same queue and a queue without its run, saying what to do', async () => {
    const spool = new Spool(tempDir());
    const file = spool.file('0001-abc');
    file.append({ op: 'batch', params: { a: '1' } });
    // neither case reaches the server: the lock and the queue's first line are checked first
    const tracking = {} as RestTracking;
    writeFileSync(join(spool.dir, 'sync.lock'), String(process.pid));
    await assert.rejects(syncSpool(tracking, spool), {
      code: 'INVALID_STATE',
      message: `tracklab: ${serverMessages.syncRunning(process.pid, spool.dir)}`,
    });
    rmSync(join(spool.dir, 'sync.lock'));
    await assert.rejects(syncSpool(tracking, spool), {
      code: 'INVALID_STATE',
      message: `tracklab: ${serverMessages.queueWithoutRun(file.path)}`,
    });
    assert.equal(file.ack().done, 0, 'nothing was marked done');
  });
});
