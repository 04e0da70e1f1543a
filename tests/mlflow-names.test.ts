/**
 * The API names an MLflow-trained user reaches for: searchExperiments, setExperimentTag, logArtifacts,
 * registerModel(uri, name).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('MLflow-shaped API', () => {
  it('searchExperiments filters, orders and pages like MLflow; setExperimentTag sets tags', async () => {
    const tracker = await Tracker.open({ store: tempDir() });
    for (const name of ['iris-a', 'iris-b', 'digits']) await tracker.createExperiment(name);
    await tracker.setExperimentTag('iris-b', 'team', 'a');
    await tracker.setExperimentTag('digits', 'team', 'a');
    const iris = await tracker.searchExperiments({ filter: "name LIKE 'iris%'", orderBy: ['name DESC'] });
    assert.deepEqual(
      iris.experiments.map((e) => e.name),
      ['iris-b', 'iris-a'],
    );
    const team = await tracker.searchExperiments({ filter: "tags.team = 'a' AND name ILIKE 'IRIS%'" });
    assert.deepEqual(
      team.experiments.map((e) => e.name),
      ['iris-b'],
    );
    const first = await tracker.searchExperiments({ orderBy: ['name'], maxResults: 2 });
    assert.deepEqual(
      first.experiments.map((e) => e.name),
      ['Default', 'digits'],
    );
    const next = await tracker.searchExperiments({ orderBy: ['name'], maxResults: 2, pageToken: first.nextPageToken! });
    assert.deepEqual(
      next.experiments.map((e) => e.name),
      ['iris-a', 'iris-b'],
    );
    const recent = await tracker.searchExperiments({ filter: 'creation_time >= 0' });
    assert.equal(recent.experiments.length, 4);
    await assert.rejects(tracker.searchExperiments({ filter: 'colour = 1' }), { code: 'INVALID_PARAMETER_VALUE' });
    await assert.rejects(tracker.searchExperiments({ orderBy: ['size'] }), { code: 'INVALID_PARAMETER_VALUE' });
    await tracker.close();
  });

  it("logArtifacts copies a folder's contents under artifactPath", async () => {
    const tracker = await Tracker.open({ store: tempDir() });
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.txt'), 'A');
    writeFileSync(join(dir, 'sub', 'b.txt'), 'B');
    const run = await tracker.startRun();
    await run.logArtifacts(dir, 'charts');
    await run.logArtifacts(dir);
    await assert.rejects(run.logArtifacts(join(dir, 'a.txt')), { code: 'INVALID_PARAMETER_VALUE' });
    await run.end();
    const files = (await tracker.listArtifacts(run.id, '', { recursive: true }))
      .filter((e) => !e.isDir)
      .map((e) => e.path);
    assert.deepEqual(files, ['a.txt', 'charts/a.txt', 'charts/sub/b.txt', 'sub/b.txt']);
    await tracker.close();
  });

  it("registerModel takes MLflow's (modelUri, name) and still the older (name, modelUri)", async () => {
    const tracker = await Tracker.open({ store: tempDir() });
    const run = await tracker.startRun();
    const logged = await run.logModel({ w: 1 });
    await run.end();
    assert.equal((await tracker.registerModel(logged.uri, 'm')).version, 1);
    assert.equal((await tracker.registerModel('m', logged.uri)).version, 2);
    assert.equal(tracker.capabilities.registryHistory, true);
    await tracker.close();
  });
});
