/** tracklab reads what MLflow 2.12.2 wrote (tests/fixtures/mlflow-2.12.2/mlruns, made by MLflow itself). */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { openBackend } from '../../src/store/resolve-store.js';
import { repoRoot, tempDir } from '../helpers.js';

const FIXTURE = join(repoRoot, 'tests', 'fixtures', 'mlflow-2.12.2', 'mlruns');

/** A private copy: tests never change the fixture. */
export function fixtureCopy(): string {
  const dir = join(tempDir(), 'mlruns');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('an MLflow 2.12.2 mlruns folder', () => {
  it('opens with the MLflow backend from a plain path, and tracklab adds nothing of its own', async () => {
    const dir = fixtureCopy();
    const before = readdirSync(dir).sort();
    const tracker = await Tracker.open({ store: dir });
    assert.equal(tracker.backend.kind, 'mlruns');
    const experiments = await tracker.listExperiments();
    assert.deepEqual(experiments.map((e) => e.name).sort(), [
      'Default',
      'churn-prediction',
      'lr-sweep',
      'mnist-classifier',
    ]);
    await tracker.close();
    assert.deepEqual(readdirSync(dir).sort(), before, 'reading an MLflow folder writes nothing into it');
  });

  it('reads runs, nested runs, deleted runs and searches them as MLflow does', async () => {
    const tracker = await Tracker.open({ store: `file:${fixtureCopy()}` });
    const all = await tracker.searchRuns({ viewType: 'ALL' });
    assert.equal(all.runs.length, 30);
    assert.equal(all.runs.filter((r) => r.lifecycleStage === 'deleted').length, 1);
    assert.equal(all.runs.filter((r) => r.parentRunId !== null).length, 5);
    assert.equal(all.runs.filter((r) => r.status === 'FAILED').length, 2);
    const good = await tracker.searchRuns({ filter: 'metrics.accuracy > 0.9' });
    assert.equal(good.runs.length, 20);
    const sweep = all.runs.find((r) => r.name === 'sweep-parent');
    assert.ok(sweep);
    const cnn = all.runs.find((r) => r.name === 'cnn-00' && r.experimentName === 'mnist-classifier');
    assert.ok(cnn);
    assert.equal((await tracker.getMetricHistory(cnn.id, 'loss')).length, 50);
    assert.equal(cnn.metricSummaries['loss']?.count, 50);
    assert.deepEqual(
      cnn.inputs.map((d) => [d.name, d.digest, d.context]),
      [['digits-small', '251a14c6', 'training']],
    );
    assert.match(
      cnn.artifactUri ?? '',
      /^file:\/\/\/srv\/mlflow-real\//,
      'the recorded URI is kept as MLflow wrote it',
    );
    await tracker.close();
  });

  it("resolves artifacts recorded as another machine's absolute paths inside the store", async () => {
    const tracker = await Tracker.open({ store: fixtureCopy() });
    const { runs } = await tracker.searchRuns({ filter: "attributes.run_name = 'cnn-00'" });
    const run = runs[0];
    assert.ok(run);
    const files = (await tracker.listArtifacts(run.id, '', { recursive: true }))
      .filter((e) => !e.isDir)
      .map((e) => e.path);
    assert.ok(files.includes('reports/summary.csv') && files.includes('notes/notes.txt'), files.join(', '));
    assert.ok((await tracker.readArtifact(run.id, 'notes/notes.txt')).length > 0);
    await tracker.close();
  });

  it('reads the registry: versions, stages, aliases, tags and descriptions', async () => {
    const tracker = await Tracker.open({ store: `mlruns:${fixtureCopy()}` });
    const models = await tracker.listRegisteredModels();
    assert.deepEqual(
      models.map((m) => m.name),
      ['churn-model', 'mnist-classifier'],
    );
    const mnist = await tracker.getRegisteredModel('mnist-classifier');
    assert.equal(mnist.description, 'Digit classifier');
    assert.deepEqual(
      mnist.versions.map((v) => [v.version, v.stage]),
      [
        [1, 'Archived'],
        [2, 'Production'],
        [3, 'Staging'],
      ],
    );
    assert.deepEqual(mnist.aliases, { champion: 2, challenger: 3 });
    const resolved = await tracker.resolveModelUri('models:/mnist-classifier@champion');
    assert.equal(resolved.version, 2);
    assert.equal(resolved.path, 'model');
    assert.equal((await tracker.getModelVersion('churn-model', 2)).tags['approval'], 'pending');
    await tracker.close();
  });

  it('sees changes MLflow makes in place (a tag rewritten, points appended) after a cached search', async () => {
    const dir = fixtureCopy();
    const tracker = await Tracker.open({ store: dir });
    const first = (await tracker.searchRuns({ filter: "attributes.run_name = 'cnn-00'" })).runs[0];
    assert.ok(first);
    const runDir = join(dir, first.experimentId, first.id);
    writeFileSync(join(runDir, 'tags', 'mlflow.user'), 'someone-else'); // in place, as MLflow's write_to
    appendFileSync(join(runDir, 'metrics', 'loss'), '1795813800000 0.001 99\n');
    const again = (await tracker.searchRuns({ filter: "attributes.run_name = 'cnn-00'" })).runs[0];
    assert.deepEqual(
      [again?.tags['mlflow.user'], again?.metrics['loss'], again?.metricSummaries['loss']?.count],
      ['someone-else', 0.001, 51],
    );
    await tracker.close();
  });

  it('reports malformed YAML as CORRUPT_STORE naming the file', async () => {
    const dir = fixtureCopy();
    const tracker = await Tracker.open({ store: dir });
    const { runs } = await tracker.searchRuns({ maxResults: 1 });
    const run = runs[0];
    assert.ok(run);
    const meta = join(dir, run.experimentId, run.id, 'meta.yaml');
    writeFileSync(meta, 'run_id: [unclosed\n');
    await assert.rejects(tracker.getRun(run.id), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CORRUPT_STORE');
      assert.ok(error.message.includes(meta), error.message);
      return true;
    });
    writeFileSync(meta, 'x: !!python/object:os.system ls\n');
    await assert.rejects(tracker.getRun(run.id), { code: 'CORRUPT_STORE' });
    await tracker.close();
  });

  it('tolerates what MLflow 3 adds: logged models in experiments, extra metric columns, a torn last line', async () => {
    const dir = fixtureCopy();
    const backend = await openBackend(dir);
    const { runs } = await backend.tracking.searchRuns({
      experimentIds: (await backend.tracking.listExperiments()).map((e) => e.id),
      maxResults: 1,
    });
    const run = runs[0];
    assert.ok(run);
    const expDir = join(dir, run.experimentId);
    cpSync(join(expDir, run.id, 'params'), join(expDir, 'models', 'm-0123abcd', 'params'), { recursive: true });
    writeFileSync(join(expDir, 'models', 'm-0123abcd', 'meta.yaml'), 'model_id: m-0123abcd\nname: model\n');
    writeFileSync(
      join(expDir, run.id, 'metrics', 'mlflow3'),
      '1700000000000 0.5 0 m-0123abcd ds 1234abcd\n1700000000001 0.7 1\n17000000',
    );
    const got = await backend.tracking.getRun(run.id);
    assert.deepEqual([got.metrics['mlflow3']?.value, got.metrics['mlflow3']?.count], [0.7, 2]);
    const again = await backend.tracking.searchRuns({ experimentIds: [run.experimentId], view: 'ALL' });
    assert.ok(
      again.runs.every((r) => r.id !== 'm-0123abcd'),
      'a logged model is not a run',
    );
    await backend.close();
  });
});
