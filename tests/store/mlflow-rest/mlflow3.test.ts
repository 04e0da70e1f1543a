/**
 * MLflow 3.x answers, as its protos shape them (tests/fixtures/mlflow-3; no 3.x server runs here): fields 2.x lacks are
 * read or ignored, metrics listed once per dataset or logged model give the latest value, and a version that is a
 * logged model loads from the logged model's own files (GET logged-models/<id>, then the artifact proxy); one that
 * MLflow's Python client saved in an MLflow flavor, or a store without logged models, gets one clear error.
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
      else if (typeof body === 'string') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
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

  it("loads a registered version whose source is a logged model from the logged model's files", async () => {
    const model = await tracker.getRegisteredModel('clf');
    assert.deepEqual(
      model.versions.map((v) => [v.version, v.source, v.runId]),
      [
        [1, 'models:/m-7c1e2f', RUN],
        [2, 'models:/m-9a8b7c', RUN],
        [3, 'models:/m-0ld5e4', RUN],
      ],
    );
    asked.length = 0;
    assert.deepEqual(await tracker.loadModel('models:/clf@champion'), { w: 2, b: 1 });
    assert.ok(asked.includes('GET /api/2.0/mlflow/logged-models/m-7c1e2f'), 'its location came from the server');
    assert.ok(
      asked.includes('GET /api/2.0/mlflow-artifacts/artifacts/1/models/m-7c1e2f/artifacts/model.json'),
      "read from the logged model's folder, not the run's",
    );
  });

  it('refuses, in one clear error, a logged model saved in an MLflow flavor by MLflow Python', async () => {
    await assert.rejects(tracker.loadModel('models:/clf/2'), (error: unknown) => {
      assert.ok(error instanceof TracklabError);
      assert.equal(error.code, 'RESOURCE_DOES_NOT_EXIST');
      assert.match(
        error.message,
        /^tracklab: models:\/m-9a8b7c is an MLflow logged model without tracklab-model\.json/,
      );
      assert.match(error.message, /load it with MLflow's client/);
      return true;
    });
  });

  it('says in one line that a server without logged models cannot load one', async () => {
    await assert.rejects(tracker.loadModel('models:/clf/3'), (error: unknown) => {
      assert.ok(error instanceof TracklabError);
      assert.equal(error.code, 'RESOURCE_DOES_NOT_EXIST');
      assert.match(error.message, /models:\/m-0ld5e4 is an MLflow 3 logged model, and MLflow server \S+ has no logged/);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
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
