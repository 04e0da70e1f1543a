/**
 * The one contract every registry backend passes, written against ModelRegistryStore and error codes (not English
 * text). Cases a backend cannot pass are listed in its `registrySkip` (tests/store/backends.ts) with the reason.
 */
import assert from 'node:assert/strict';
import { after, describe, it as nodeIt } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import type { ModelRegistryStore, NewModelVersion } from '../../src/store/registry-store.js';
import type { BackendUnderTest } from './backends.js';

const who = { user: 'ada', comment: null };

export function registryStoreContract(backend: BackendUnderTest): void {
  const opened: Backend[] = [];
  const open = async (): Promise<{
    registry: ModelRegistryStore;
    backend: Backend;
    version: (n?: string) => NewModelVersion;
  }> => {
    const b = await backend.open(backend.newLocation());
    opened.push(b);
    assert.ok(b.registry, 'the backend has a registry');
    const exp = await b.tracking.ensureExperiment('models');
    const run = await b.tracking.createRun({
      experimentId: exp.id,
      name: 'train',
      startTime: 1,
      user: 'ada',
      tags: {},
    });
    const version = (path = 'model'): NewModelVersion => ({
      source: `runs:/${run.id}/${path}`,
      runId: run.id,
      path,
      description: '',
      tags: {},
      user: 'ada',
    });
    return { registry: b.registry, backend: b, version };
  };
  const it = (title: string, fn: () => Promise<void>): void => {
    const reason = backend.registrySkip?.[title];
    nodeIt(title, reason === undefined ? {} : { skip: reason }, fn);
  };
  after(async () => {
    for (const b of opened) await b.close();
  });

  describe(`ModelRegistryStore contract: ${backend.name}`, () => {
    it('creates models once and reports missing ones', async () => {
      const { registry } = await open();
      const m = await registry.createRegisteredModel('iris', { description: 'd', tags: { team: 'a' }, user: 'ada' });
      assert.deepEqual([m.name, m.description, m.tags['team'], m.versions.length], ['iris', 'd', 'a', 0]);
      await assert.rejects(registry.createRegisteredModel('iris', { description: '', tags: {}, user: 'ada' }), {
        code: 'RESOURCE_ALREADY_EXISTS',
      });
      await assert.rejects(registry.getRegisteredModel('nope'), { code: 'RESOURCE_DOES_NOT_EXIST' });
      await registry.createRegisteredModel('alpha', { description: '', tags: {}, user: 'ada' });
      assert.deepEqual(
        (await registry.listRegisteredModels()).map((x) => x.name),
        ['alpha', 'iris'],
      );
    });

    it('numbers versions from 1, creating the model, and never reuses a number', async () => {
      const { registry, version } = await open();
      const v1 = await registry.createModelVersion('m', version());
      const v2 = await registry.createModelVersion('m', { ...version(), description: 'second', tags: { k: 'v' } });
      assert.deepEqual([v1.version, v2.version, v2.stage, v2.status], [1, 2, 'None', 'READY']);
      await registry.deleteModelVersion('m', 2, who);
      const v3 = await registry.createModelVersion('m', version());
      assert.equal(v3.version, 3);
      const got = await registry.getRegisteredModel('m');
      assert.deepEqual(
        got.versions.map((v) => v.version),
        [1, 3],
      );
      assert.equal(got.versions[0]?.source, version().source);
      assert.equal(got.versions[0]?.runId, version().runId);
      await assert.rejects(registry.deleteModelVersion('m', 2, who), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('updates descriptions and tags of models and versions', async () => {
      const { registry, version } = await open();
      await registry.createModelVersion('m', version());
      await registry.updateRegisteredModel('m', { description: 'new', tags: { a: '1', b: '2' } });
      await registry.updateRegisteredModel('m', { deleteTags: ['b'] });
      await registry.updateModelVersion('m', 1, { description: 'v', tags: { ok: 'yes' } });
      const got = await registry.getRegisteredModel('m');
      assert.deepEqual([got.description, { ...got.tags }], ['new', { a: '1' }]);
      assert.deepEqual([got.versions[0]?.description, { ...got.versions[0]?.tags }], ['v', { ok: 'yes' }]);
      await assert.rejects(registry.updateModelVersion('m', 9, { description: 'x' }), {
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
    });

    it('moves stages, archiving the others only for Staging and Production', async () => {
      const { registry, version } = await open();
      for (let i = 0; i < 3; i += 1) await registry.createModelVersion('m', version());
      await registry.transitionStage('m', 1, 'Production', { ...who, archiveExisting: false });
      await registry.transitionStage('m', 2, 'Production', { ...who, archiveExisting: false });
      await registry.transitionStage('m', 3, 'Production', { ...who, archiveExisting: true });
      const stages = (await registry.getRegisteredModel('m')).versions.map((v) => v.stage);
      assert.deepEqual(stages, ['Archived', 'Archived', 'Production']);
      await assert.rejects(registry.transitionStage('m', 1, 'None', { ...who, archiveExisting: true }), {
        code: 'INVALID_PARAMETER_VALUE',
      });
      await assert.rejects(registry.transitionStage('m', 7, 'Staging', { ...who, archiveExisting: false }), {
        code: 'RESOURCE_DOES_NOT_EXIST',
      });
    });

    it('points an alias at one version, moves it, and drops it with its version', async () => {
      const { registry, version } = await open();
      await registry.createModelVersion('m', version());
      await registry.createModelVersion('m', version());
      await registry.setAlias('m', 'champion', 1, who);
      await registry.setAlias('m', 'champion', 2, who);
      await registry.setAlias('m', 'old', 1, who);
      assert.deepEqual({ ...(await registry.getRegisteredModel('m')).aliases }, { champion: 2, old: 1 });
      await assert.rejects(registry.setAlias('m', 'x', 5, who), { code: 'RESOURCE_DOES_NOT_EXIST' });
      await registry.deleteModelVersion('m', 2, who);
      assert.deepEqual({ ...(await registry.getRegisteredModel('m')).aliases }, { old: 1 });
      await registry.deleteAlias('m', 'old', who);
      await assert.rejects(registry.deleteAlias('m', 'old', who), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('refuses to delete a model with live versions, then deletes it', async () => {
      const { registry, version } = await open();
      await registry.createModelVersion('m', version());
      await registry.transitionStage('m', 1, 'Staging', { ...who, archiveExisting: false });
      await assert.rejects(registry.deleteRegisteredModel('m'), { code: 'INVALID_STATE' });
      await registry.transitionStage('m', 1, 'Archived', { ...who, archiveExisting: false });
      await registry.deleteRegisteredModel('m');
      await assert.rejects(registry.getRegisteredModel('m'), { code: 'RESOURCE_DOES_NOT_EXIST' });
      await assert.rejects(registry.deleteRegisteredModel('m'), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('keeps a history of changes when the backend says it does', async () => {
      const { registry, backend: b, version } = await open();
      await registry.createModelVersion('m', version());
      await registry.transitionStage('m', 1, 'Staging', { user: 'bo', comment: 'ok', archiveExisting: false });
      const history = (await registry.getRegisteredModel('m')).history;
      if (!b.capabilities.registryHistory) {
        assert.deepEqual(history, [], 'a backend without history returns none rather than a made-up one');
        return;
      }
      const last = history[history.length - 1];
      assert.deepEqual(
        [last?.action, last?.from, last?.to, last?.user, last?.comment],
        ['transition', 'None', 'Staging', 'bo', 'ok'],
      );
    });
  });
}
