/** The registry pages read what the real registry returns (nulls for fields that do not apply, numeric versions). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { normalizeModel } from '../../src/report/collect.js';
import { modelPage } from '../../src/report/registry-view-model.js';
import { tempDir } from '../helpers.js';

describe('registry data from the real registry', () => {
  it('describes every history entry without inventing stages', async () => {
    const tracker = await Tracker.open({ store: tempDir() });
    const run = await tracker.startRun({ experiment: 'e' });
    const logged = await run.logModel({ w: 1 }, { path: 'model', flavor: 'json' });
    await run.end();
    await tracker.registerModel('m', logged.uri);
    await tracker.transitionStage('m', 1, 'Production', { comment: 'ship it' });
    await tracker.setAlias('m', 'champion', 1);
    const page = modelPage(normalizeModel(await tracker.getRegisteredModel('m')), new Set([run.id]));
    const texts = page.history.map((h) => h.text);
    assert.ok(texts.includes('transition version 1: None → Production'), texts.join(' | '));
    assert.ok(texts.includes('set_alias: alias @champion → version 1'), texts.join(' | '));
    assert.ok(texts.includes('register version 1: stage None'), texts.join(' | '));
    assert.ok(texts.includes('create_model'), texts.join(' | '));
    assert.ok(
      texts.every((t) => !t.includes('None → None') && !t.includes('  ')),
      texts.join(' | '),
    );
    assert.equal(page.history.find((h) => h.text.startsWith('transition'))?.comment, 'ship it');
    assert.deepEqual(
      page.versions.map((v) => [v.version, v.stage, v.aliases]),
      [['1', 'Production', ['champion']]],
    );
    assert.equal(page.versions[0]?.run?.href, `../runs/${run.id}.html`);
  });
});
