/** Interop both ways with MLflow 2.12.2 itself: it reads and searches what tracklab wrote, and the reverse. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { MLFLOW_SKIP, runMlflowPython, type MlflowReadBack } from '../mlflow-python.js';
import { tempDir } from '../helpers.js';
import { assertIrisReadBack, readBackScript, writeIrisProject } from '../mlflow-read-back.js';

describe('MLflow 2.12.2 and tracklab share mlruns folders', { skip: MLFLOW_SKIP }, () => {
  it('MLflow reads, searches and loads what tracklab wrote', async () => {
    const root = join(tempDir(), 'mlruns');
    const ids = await writeIrisProject(`mlruns:${root}`);
    const got = JSON.parse(runMlflowPython(readBackScript('"file://" + sys.argv[1]'), root)) as MlflowReadBack;
    assertIrisReadBack(got, ids, { infinity: 'inf', aliasVersion: '2' });
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
