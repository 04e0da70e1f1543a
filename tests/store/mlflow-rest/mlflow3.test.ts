/**
 * MLflow 3.x answers, as its protos shape them (tests/fixtures/mlflow-3; no 3.x server runs here): fields 2.x lacks are
 * read or ignored, metrics listed once per dataset or logged model give the latest value, and a version that is a
 * logged model gets one clear error on load instead of a failed artifact read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TracklabError } from '../../../src/core/errors.js';
import { Tracker } from '../../../src/index.js';
import { repoRoot } from '../../helpers.js';

const answers = JSON.parse(
  readFileSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-3', 'responses.json'), 'utf8'),
) as Record<string, unknown>;
const RUN = '3a1f0c2d9b8e4f7a8c6d5e4f3a2b1c0d';

describe('an MLflow 3.x server', () => {
  let server: http.Server;
  let tracker: Tracker;
  const asked: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
      asked.push(key);
      const body = answers[key];
      if (body === undefined) res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    process.env['TRACKLAB_HTTP_RETRIES'] = '0';
    tracker = await Tracker.open({ store: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
  });
  after(async () => {
    delete process.env['TRACKLAB_HTTP_RETRIES'];
    await tracker?.close();
    server?.close();
  });

  it('reads a run whose metrics are listed per dataset and logged model', async () => {
    const run = await tracker.getRun(RUN);
    assert.equal(run.name, 'mlflow3-run');
    assert.equal(run.metrics['acc'], 0.87, 'the latest of the per-dataset values');
    assert.ok(Number.isNaN(run.metrics['loss']));
    assert.deepEqual(run.params, { lr: '0.1' });
    assert.deepEqual(run.inputs, []);
  });

  it('reads a registered model whose version is a logged model, and refuses to load it with one clear error', async () => {
    const model = await tracker.getRegisteredModel('clf');
    assert.deepEqual(
      model.versions.map((v) => [v.version, v.source, v.runId]),
      [[1, 'models:/m-7c1e2f', RUN]],
    );
    await assert.rejects(tracker.loadModel('models:/clf@champion'), (error: unknown) => {
      assert.ok(error instanceof TracklabError);
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE');
      assert.match(error.message, /MLflow 3 logged model \(models:\/m-7c1e2f\).*runs:\/<run id>\/<path>/);
      return true;
    });
    assert.ok(!asked.some((a) => a.includes('artifacts')), 'no artifact read was attempted');
  });

  it('says in one line that an endpoint the server lacks is unavailable', async () => {
    await assert.rejects(tracker.searchRuns({ experiments: ['1'] }), (error: unknown) => {
      assert.ok(error instanceof TracklabError);
      assert.match(error.message, /^tracklab: MLflow server http:\/\/127\.0\.0\.1:\d+ does not offer \S+ \(HTTP 404\)/);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
  });
});
