/** Keys that are JavaScript's own names (every Object.prototype property) are ordinary params, metrics and tags. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const NAMES = Object.getOwnPropertyNames(Object.prototype);

describe('Object.prototype names as keys', () => {
  it(`round-trip as params, metrics, tags, experiment and model tags, and search finds them (${NAMES.length} names)`, async () => {
    const before = NAMES.map((n) => (Object.prototype as Record<string, unknown>)[n]);
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'proto', tags: { valueOf: 'start-tag' } });
    const expected: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [i, name] of NAMES.entries()) {
      await run.logParam(name, `p${i}`);
      await run.setTag(name, `t${i}`);
      run.logMetric(name, i, { step: 1 });
      expected[name] = `p${i}`;
    }
    await run.logParam('toString', 'p' + NAMES.indexOf('toString')); // the same value again is allowed
    await run.end();
    const again = await Tracker.open({ store });
    const stored = await again.getRun(run.id);
    for (const [i, name] of NAMES.entries()) {
      assert.ok(Object.hasOwn(stored.params, name) && stored.params[name] === `p${i}`, `param ${name}`);
      assert.ok(Object.hasOwn(stored.tags, name) && stored.tags[name] === `t${i}`, `tag ${name}`);
      assert.ok(Object.hasOwn(stored.metrics, name) && stored.metrics[name] === i, `metric ${name}`);
      assert.equal((await again.getMetricHistory(run.id, name)).length, 1);
    }
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const { runs } = await again.searchRuns({
        filter: `params.\`${name}\` = 'p${NAMES.indexOf(name)}' and metrics.\`${name}\` >= 0`,
      });
      assert.deepEqual(
        runs.map((r) => r.id),
        [run.id],
        `search by ${name}`,
      );
    }
    const { runs } = await again.searchRuns({ orderBy: ['params.`valueOf` DESC'] });
    assert.equal(runs.length, 1);
    // JSON.parse makes "__proto__" an own key, as user data read from a file would be
    const hostile = JSON.parse('{"__proto__": "proto", "constructor": "c", "toString": "s"}') as Record<string, string>;
    const tagsOf = (tags: Record<string, string>): string[] => Object.keys(hostile).map((k) => tags[k] ?? '');
    await again.createExperiment('tagged', hostile);
    const exp = await (await Tracker.open({ store })).getExperiment('tagged');
    assert.deepEqual(tagsOf(exp.tags), ['proto', 'c', 's']);
    await again.createRegisteredModel('m', { tags: hostile });
    const model = await (await Tracker.open({ store })).getRegisteredModel('m');
    assert.deepEqual(tagsOf(model.tags), ['proto', 'c', 's']);
    assert.deepEqual(
      NAMES.map((n) => (Object.prototype as Record<string, unknown>)[n]),
      before,
      'Object.prototype changed',
    );
    assert.equal(({} as Record<string, unknown>)['p0'], undefined);
  });
});

describe('-0', () => {
  it('round-trips as a metric value (points, latest, min, max), a param and through the run cache', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'zero' });
    run.logMetric('z', -0, { step: -0 });
    await run.logParam('p', -0);
    await run.end();
    const again = await Tracker.open({ store });
    const [point] = await again.getMetricHistory(run.id, 'z');
    assert.ok(Object.is(point?.value, -0), 'point value');
    assert.ok(Object.is(point?.step, 0), 'a step of -0 is step 0');
    const stored = await again.getRun(run.id);
    for (const field of ['value', 'min', 'max'] as const)
      assert.ok(Object.is(stored.metricSummaries['z']?.[field], -0), field);
    assert.ok(Object.is(stored.metrics['z'], -0));
    assert.equal(stored.params['p'], '-0');
    const { runs } = await again.searchRuns({ filter: 'metrics.z = 0' });
    assert.equal(runs.length, 1);
  });
});

describe('names at the file-name limit', () => {
  it('takes 255-byte artifact and model names, and refuses longer artifact names clearly', async () => {
    const tracker = await Tracker.open({ store: tempDir() });
    const run = await tracker.startRun({ experiment: 'long' });
    const longest = `${'é'.repeat(126)}abc`; // 255 bytes in UTF-8
    await run.logText('x', longest);
    await run.logText('y', `dir/${'a'.repeat(255)}`);
    await assert.rejects(
      run.logText('x', `${longest}d`),
      /a segment is longer than 255 bytes, the limit of file names/,
    );
    await run.end();
    assert.equal((await tracker.readArtifact(run.id, longest)).toString(), 'x');
    for (const name of ['m'.repeat(255), 'M'.repeat(254), 'm'.repeat(245)]) {
      await tracker.createRegisteredModel(name);
      assert.equal((await tracker.getRegisteredModel(name)).name, name);
    }
    await assert.rejects(tracker.createRegisteredModel('M'.repeat(255)), /clashes with the registered model "m{255}"/);
    assert.equal((await tracker.listRegisteredModels()).length, 3);
  });
});
