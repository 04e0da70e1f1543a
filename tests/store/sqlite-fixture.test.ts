/**
 * An mlflow.db made by real MLflow 2.12.2 (tests/fixtures/mlflow-db/make-fixture.py through its tracking server, with
 * proxied artifacts) read through the sqlite: backend: everything MLflow logged comes back, nothing is lost. Also the
 * schema-revision rules and the journal mode, which tracklab never changes.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import { openBackend } from '../../src/store/resolve-store.js';
import { repoRoot, tempDir } from '../helpers.js';
import { SQLITE_SKIP, sqliteBinding } from '../sqlite-binding.js';

const PARENT = 'da15620b15ac477b91e04afdff9c63cd';
const CHILD = '8608249bfe664334925c70752f0c934b';
const DELETED = '6ff28e88aa5343449424c3ab2ac90245';

/** A copy of the fixture (database and artifacts) in a temp folder, so tests never touch the committed files. */
function fixtureCopy(): string {
  const dir = tempDir();
  cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-db'), dir, { recursive: true });
  return dir;
}

const opened: Backend[] = [];
after(async () => {
  for (const b of opened) await b.close();
});
async function open(uri: string, cwd?: string): Promise<Backend> {
  const b = await openBackend(uri, cwd);
  opened.push(b);
  return b;
}

describe('sqlite backend on an mlflow.db made by MLflow 2.12.2', { skip: SQLITE_SKIP }, () => {
  it('opens sqlite:///relative and sqlite:////absolute URIs', async () => {
    const dir = fixtureCopy();
    const rel = await open('sqlite:///mlflow.db', dir);
    const abs = await open(`sqlite:///${join(dir, 'mlflow.db')}`);
    assert.equal(rel.kind, 'sqlite');
    assert.equal(rel.uri, abs.uri);
    await assert.rejects(openBackend('sqlite://mlflow.db', dir), { code: 'INVALID_PARAMETER_VALUE' });
  });

  it('reads experiments, runs, params, tags, metrics, inputs and nested runs', async () => {
    const { tracking } = await open(`sqlite:///${join(fixtureCopy(), 'mlflow.db')}`);
    const exps = await tracking.listExperiments();
    assert.deepEqual(
      exps.map((e) => [e.id, e.name]),
      [
        ['0', 'Default'],
        ['1', 'iris'],
      ],
    );
    assert.equal(exps[1]?.tags['team'], 'vision');
    const { runs } = await tracking.searchRuns({ experimentIds: ['1'], orderBy: ['attributes.run_name'] });
    assert.deepEqual(
      runs.map((r) => [r.name, r.status]),
      [
        ['child', 'FINISHED'],
        ['failed', 'FAILED'],
        ['parent', 'FINISHED'],
      ],
    );
    const parent = await tracking.getRun(PARENT);
    assert.deepEqual(parent.params, { lr: '0.1', model: 'rf' });
    assert.deepEqual([parent.tags['stage'], parent.tags['note']], ['dev', 'héllo']);
    assert.deepEqual(parent.metrics['loss'], {
      value: 0.2,
      step: 4,
      timestamp: 1700000000004,
      min: 0.2,
      max: 1,
      count: 5,
    });
    assert.deepEqual([parent.metrics['odd']?.value, parent.metrics['odd']?.count], [Infinity, 2]);
    const odd = await tracking.getMetricHistory(PARENT, 'odd');
    assert.deepEqual(
      odd.map((p) => [p.value, p.step]),
      [
        [Number.NaN, 0],
        [Infinity, 1],
      ],
    );
    assert.equal((await tracking.getAllMetricHistories(PARENT)).length, 8);
    assert.deepEqual(
      parent.inputs.map((i) => [i.name, i.digest, i.sourceType, i.context]),
      [['tiny', '3d1e5581', 's3', 'training']],
    );
    assert.match(parent.inputs[0]?.source ?? '', /s3:\/\/bucket\/tiny\.csv/);
    assert.equal((await tracking.getRun(CHILD)).tags['mlflow.parentRunId'], PARENT);
    const deleted = await tracking.searchRuns({ experimentIds: ['1'], view: 'DELETED_ONLY' });
    assert.deepEqual(
      deleted.runs.map((r) => [r.id, r.lifecycleStage, r.deletedTime !== null]),
      [[DELETED, 'deleted', true]],
    );
  });

  it('searches with MLflow filters in SQL', async () => {
    const { tracking } = await open(`sqlite:///${join(fixtureCopy(), 'mlflow.db')}`);
    const page = await tracking.searchRuns({
      experimentIds: ['1'],
      filter: 'metrics.acc > 0.6',
      orderBy: ['metrics.acc DESC'],
    });
    assert.deepEqual(
      page.runs.map((r) => r.name),
      ['parent', 'child'],
    );
    const tagged = await tracking.searchRuns({ experimentIds: ['1'], filter: `tags.mlflow.parentRunId = '${PARENT}'` });
    assert.deepEqual(
      tagged.runs.map((r) => r.id),
      [CHILD],
    );
    const ds = await tracking.searchRuns({ experimentIds: ['1'], filter: "datasets.context = 'training'" });
    assert.deepEqual(
      ds.runs.map((r) => r.id),
      [PARENT],
    );
  });

  it('reads the registry: versions, stages, aliases, tags; deleted versions stay hidden and unused', async () => {
    const b = await open(`sqlite:///${join(fixtureCopy(), 'mlflow.db')}`);
    const model = await b.registry!.getRegisteredModel('iris-model');
    assert.deepEqual([model.description, model.tags], ['the iris model', { owner: 'ada' }]);
    assert.deepEqual(
      model.versions.map((v) => [v.version, v.stage, v.runId, v.path]),
      [
        [1, 'Production', PARENT, 'model'],
        [2, 'Staging', CHILD, 'model'],
      ],
    );
    assert.deepEqual(model.versions[0]?.tags, { kind: 'rf' });
    assert.deepEqual(model.aliases, { challenger: 2, champion: 1 });
    assert.equal(model.nextVersion, 4);
    assert.deepEqual(model.history, []);
    const v4 = await b.registry!.createModelVersion('iris-model', {
      source: `runs:/${PARENT}/model`,
      runId: PARENT,
      path: 'model',
      description: '',
      tags: {},
      user: 'ada',
    });
    assert.equal(v4.version, 4, 'the number of the deleted version 3 is not reused');
  });

  it('reads proxied artifacts (mlflow-artifacts:) from the artifacts folder beside the database', async () => {
    const b = await open(`sqlite:///${join(fixtureCopy(), 'mlflow.db')}`);
    const run = await b.tracking.getRun(PARENT);
    assert.match(run.artifactUri ?? '', /^mlflow-artifacts:\/1\//);
    const files = b.artifacts.forRun(run);
    assert.deepEqual(
      (await files.list('', true)).map((e) => e.path),
      ['notes', 'notes/hello.txt'],
    );
    assert.equal((await files.read('notes/hello.txt')).toString(), 'hello artifact');
  });

  it("deletes and restores an experiment's runs with it, as MLflow's SQL store does", async () => {
    const { tracking } = await open(`sqlite:///${join(fixtureCopy(), 'mlflow.db')}`);
    await tracking.setExperimentLifecycle('1', 'deleted');
    assert.equal((await tracking.getRun(PARENT)).lifecycleStage, 'deleted');
    assert.equal((await tracking.searchRuns({ experimentIds: ['1'] })).runs.length, 0);
    await tracking.setExperimentLifecycle('1', 'active');
    assert.equal((await tracking.searchRuns({ experimentIds: ['1'] })).runs.length, 4, 'MLflow restores every run');
  });

  it('reads a database of an unknown revision but refuses to write it, naming the revision', async () => {
    const dir = fixtureCopy();
    const raw = new (sqliteBinding())(join(dir, 'mlflow.db'));
    raw.prepare("UPDATE alembic_version SET version_num = 'ffffffffffff'").run();
    raw.close();
    const { tracking } = await open(`sqlite:///${join(dir, 'mlflow.db')}`);
    assert.equal((await tracking.getRun(PARENT)).name, 'parent');
    await assert.rejects(
      tracking.setExperimentTag('1', 'k', 'v'),
      (e: Error & { code?: string }) => e.code === 'INVALID_STATE' && e.message.includes('ffffffffffff'),
    );
  });

  it('refuses a SQLite file that is not an MLflow database, and a file that is not SQLite', async () => {
    const dir = tempDir();
    new (sqliteBinding())(join(dir, 'other.db')).exec('CREATE TABLE t (x)');
    await assert.rejects(openBackend(`sqlite:///${join(dir, 'other.db')}`), { code: 'CORRUPT_STORE' });
    writeFileSync(join(dir, 'text.db'), 'not a database at all, just some text that is long enough to not be a header');
    await assert.rejects(openBackend(`sqlite:///${join(dir, 'text.db')}`), { code: 'CORRUPT_STORE' });
  });

  it("never changes the database's journal mode", async () => {
    for (const mode of ['wal', 'delete']) {
      const dir = fixtureCopy();
      const raw = new (sqliteBinding())(join(dir, 'mlflow.db'));
      raw.pragma(`journal_mode = ${mode}`);
      raw.close();
      const b = await open(`sqlite:///${join(dir, 'mlflow.db')}`);
      await b.tracking.setExperimentTag('1', 'k', mode);
      await b.close();
      const check = new (sqliteBinding())(join(dir, 'mlflow.db'));
      assert.equal(check.pragma('journal_mode', { simple: true }), mode);
      check.close();
    }
  });
});
