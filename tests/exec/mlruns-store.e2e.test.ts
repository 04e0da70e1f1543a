/**
 * The kernel on MLflow's own folder: `tracklab exec` runs a notebook (real Jupyter, the tracklab kernel from dist/)
 * with `--store file:./mlruns`, and the run is read back by MLflow 2.12.2 itself when it is beside the repository,
 * and always by tracklab.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';
import { MLFLOW_SKIP, runMlflowPython } from '../mlflow-python.js';

const run = promisify(execFile);
const PARAMS_NB = 'tests/fixtures/kernel-params.ipynb';

const READ_BACK = `
import json, sys
from mlflow import MlflowClient
from mlflow.entities import ViewType
c = MlflowClient(tracking_uri="file://" + sys.argv[1])
e = c.get_experiment_by_name("exec-params")
runs = c.search_runs([e.experiment_id], "params.lr = '0.5'", run_view_type=ViewType.ALL)
r = runs[0]
print(json.dumps({"n": len(runs), "name": r.info.run_name, "status": r.info.status, "params": r.data.params,
  "loss": [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, "loss")],
  "source": r.data.tags.get("mlflow.source.type"),
  "artifacts": sorted(a.path for a in c.list_artifacts(r.info.run_id))}))
`;

describe('tracklab exec into an mlruns folder', () => {
  const dir = tempDir();
  const mlruns = join(dir, 'mlruns');

  it('runs the notebook through the kernel and writes MLflow layout only', async () => {
    const args = ['dist/cli/main.js', '--store', `file:${mlruns}`, 'exec', PARAMS_NB, '--out', join(dir, 'out.ipynb')];
    for (const p of ['lr=0.5', 'epochs=3', 'label=ml']) args.push('-p', p);
    await run(process.execPath, args, { env: { ...process.env, TRACKLAB_CACHE_DIR: join(dir, 'cache') } });
    const top = readdirSync(mlruns).sort();
    for (const name of top) assert.ok(/^(\.trash|models|\d+)$/.test(name), `unexpected ${name} in the mlruns folder`);
    assert.equal(existsSync(join(mlruns, 'tracklab-store.json')), false);
  });

  it('tracklab reads the run back from the folder', async () => {
    const tracker = await Tracker.open({ store: mlruns });
    const { runs } = await tracker.searchRuns({ experiments: ['exec-params'], filter: "params.lr = '0.5'" });
    assert.equal(runs.length, 1);
    const r = runs[0]!;
    assert.equal(r.name, 'ml-run');
    assert.equal(r.status, 'FINISHED');
    assert.deepEqual(r.params, { lr: '0.5', epochs: '3', layers: '[4]' });
    assert.deepEqual(
      (await tracker.getMetricHistory(r.id, 'loss')).map((p) => [p.step, p.value]),
      [
        [0, 0.5],
        [1, 0.25],
        [2, 0.5 / 3],
      ],
    );
    assert.equal(r.tags['mlflow.source.type'], 'NOTEBOOK');
    await tracker.close();
  });

  it('MLflow 2.12.2 reads and searches the run', { skip: MLFLOW_SKIP }, () => {
    const got = JSON.parse(runMlflowPython(READ_BACK, mlruns)) as Record<string, unknown>;
    assert.equal(got['n'], 1);
    assert.equal(got['name'], 'ml-run');
    assert.equal(got['status'], 'FINISHED');
    assert.deepEqual(got['params'], { lr: '0.5', epochs: '3', layers: '[4]' });
    assert.deepEqual(got['loss'], [
      [0, 0.5],
      [1, 0.25],
      [2, 0.5 / 3],
    ]);
    assert.equal(got['source'], 'NOTEBOOK');
    assert.ok(
      (got['artifacts'] as string[]).some((a) => a.endsWith('.ipynb')),
      String(got['artifacts']),
    );
  });
});
