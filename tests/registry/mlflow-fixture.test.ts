/** tracklab's registry rules against real MLflow 2.12.2 registry data (tests/fixtures/registry). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracker } from '../../src/tracker.js';
import { openTemp, runWithModel } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'registry', 'mlflow-2.12.2', 'models');

/** The subset of YAML MLflow writes in meta.yaml: `key: value`, `- item` lists and one level of `key: 'value'` maps. */
function readMeta(file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let current = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const item = /^- (.*)$/.exec(line);
    const nested = /^ {2}([\w-]+): '?(.*?)'?$/.exec(line);
    const top = /^([\w_]+):(?: (.*))?$/.exec(line);
    if (item) (out[current] as unknown[]).push(item[1]);
    else if (nested) (out[current] as Record<string, string>)[nested[1] as string] = nested[2] as string;
    else if (top) {
      current = top[1] as string;
      const value = top[2];
      out[current] = value === undefined ? {} : value === '[]' ? [] : value === 'null' ? null : value;
      if (value === undefined && readFileSync(file, 'utf8').includes(`${current}:\n- `)) out[current] = [];
    }
  }
  return out;
}

const readTags = (dir: string): Record<string, string> => {
  if (!existsSync(join(dir, 'tags'))) return {};
  return Object.fromEntries(
    readdirSync(join(dir, 'tags')).map((k) => [k, readFileSync(join(dir, 'tags', k), 'utf8').trim()]),
  );
};

/** Replays, through tracklab, the operations that produced the fixture. */
async function replay(tracker: Tracker, source: string): Promise<void> {
  await tracker.createRegisteredModel('mnist-classifier', {
    description: 'Digit classifier',
    tags: { task: 'classification' },
  });
  await tracker.createRegisteredModel('churn-model', { description: 'Customer churn model', tags: { task: 'binary' } });
  for (let v = 1; v <= 3; v++) {
    await tracker.registerModel('mnist-classifier', source, {
      tags: { validated: true },
      ...(v === 3 ? { description: 'candidate with stronger regularisation' } : {}),
    });
  }
  await tracker.registerModel('churn-model', source, { description: 'gbt baseline' });
  await tracker.registerModel('churn-model', source, { description: 'gbt baseline', tags: { approval: 'pending' } });
  await tracker.transitionStage('mnist-classifier', 1, 'Production');
  await tracker.transitionStage('mnist-classifier', 2, 'production', { archiveExisting: true });
  await tracker.transitionStage('mnist-classifier', 3, 'staging');
  await tracker.transitionStage('churn-model', 1, 'Production');
  await tracker.transitionStage('churn-model', 2, 'Staging');
  await tracker.setAlias('mnist-classifier', 'champion', 2);
  await tracker.setAlias('mnist-classifier', 'challenger', 3);
  await tracker.setAlias('churn-model', 'champion', 1);
}

test("replaying the fixture's operations gives MLflow's state: stages, archive-existing, aliases, tags, descriptions", async (t) => {
  const { tracker } = await openTemp(t);
  await replay(tracker, `runs:/${await runWithModel(tracker)}/model`);
  for (const name of readdirSync(FIXTURE).sort()) {
    const dir = join(FIXTURE, name);
    const meta = readMeta(join(dir, 'meta.yaml'));
    const ours = await tracker.getRegisteredModel(name);
    assert.equal(ours.description, meta['description']);
    assert.deepEqual(ours.tags, readTags(dir));
    const aliases = Object.fromEntries(
      Object.entries(meta['aliases'] as Record<string, string>).map(([a, v]) => [a, Number(v)]),
    );
    assert.deepEqual(ours.aliases, aliases, `${name} aliases`);
    const versionDirs = readdirSync(dir).filter((d) => d.startsWith('version-'));
    assert.equal(ours.versions.length, versionDirs.length);
    for (const vd of versionDirs) {
      const vm = readMeta(join(dir, vd, 'meta.yaml'));
      const v = await tracker.getModelVersion(name, vm['version'] as string);
      assert.equal(v.stage, vm['current_stage'], `${name} ${vd} stage`);
      assert.equal(v.description, vm['description'] ?? '', `${name} ${vd} description`);
      // MLflow's version meta.yaml `aliases` is written at that version's last update and can be stale (churn-model
      // version-1 says [] while aliases/champion holds 1); the aliases/ folder is authoritative.
      const fromFolder = readdirSync(join(dir, 'aliases')).filter(
        (a) => readFileSync(join(dir, 'aliases', a), 'utf8').trim() === String(vm['version']),
      );
      assert.deepEqual(v.aliases, fromFolder.sort(), `${name} ${vd} aliases`);
      assert.deepEqual(v.tags, readTags(join(dir, vd)), `${name} ${vd} tags`);
      assert.equal(vm['status'], v.status);
      assert.match(
        vm['source'] as string,
        /^runs:\/[0-9a-f]{32}\/model$/,
        'MLflow sources have the runs:/ form tracklab requires',
      );
    }
  }
});

test('archive-existing happens in the same change as the promotion, as in MLflow', async (t) => {
  const v1 = readMeta(join(FIXTURE, 'mnist-classifier', 'version-1', 'meta.yaml'));
  const v2 = readMeta(join(FIXTURE, 'mnist-classifier', 'version-2', 'meta.yaml'));
  assert.equal(v1['last_updated_timestamp'], v2['last_updated_timestamp'], 'MLflow stamps both with one time');
  const { tracker } = await openTemp(t);
  await replay(tracker, `runs:/${await runWithModel(tracker)}/model`);
  const [ours1, ours2] = (await tracker.getRegisteredModel('mnist-classifier')).versions;
  assert.equal(ours1?.updatedAt, ours2?.updatedAt);
});

test('models:/ URIs resolve on the replayed registry as MLflow resolves them on the fixture', async (t) => {
  const { tracker } = await openTemp(t);
  await replay(tracker, `runs:/${await runWithModel(tracker)}/model`);
  const expect: [string, number][] = [
    ['models:/mnist-classifier/Production', 2],
    ['models:/mnist-classifier/Staging', 3],
    ['models:/mnist-classifier/Archived', 1],
    ['models:/mnist-classifier/latest', 3],
    ['models:/mnist-classifier@champion', 2],
    ['models:/mnist-classifier@challenger', 3],
    ['models:/churn-model/Production', 1],
    ['models:/churn-model@champion', 1],
    ['models:/churn-model/latest', 2],
  ];
  for (const [uri, version] of expect) assert.equal((await tracker.resolveModelUri(uri)).version, version, uri);
});
