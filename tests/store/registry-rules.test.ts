/** The registry's document rules as pure changes to one model document: no disk, no lock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TracklabError, type ErrorCode } from '../../src/core/errors.js';
import {
  addVersion,
  checkDeletable,
  checkSameName,
  deleteAlias,
  deleteVersion,
  findVersion,
  newModelDocument,
  setAlias,
  transition,
} from '../../src/store/registry-rules.js';
import type { RegisteredModelRecord } from '../../src/store/registry-store.js';

const alice = { user: 'alice', comment: null };

function modelWith(versions: number): RegisteredModelRecord {
  const doc = newModelDocument('iris', { description: '', tags: {}, user: 'alice' }, 1);
  for (let i = 0; i < versions; i++) {
    addVersion(
      doc,
      { source: `runs:/r${i}/model`, runId: `r${i}`, path: 'model', description: '', tags: {}, user: 'alice' },
      10 + i,
    );
  }
  return doc;
}

const failsWith = (f: () => unknown, code: ErrorCode, re: RegExp): void => {
  assert.throws(f, (e: unknown) => e instanceof TracklabError && e.code === code && re.test(e.message));
};

describe('registry document rules', () => {
  it('numbers versions from 1 and records a history entry for the model and each registration', () => {
    const doc = modelWith(2);
    assert.deepEqual(
      doc.versions.map((v) => [v.version, v.stage]),
      [
        [1, 'None'],
        [2, 'None'],
      ],
    );
    assert.deepEqual(
      doc.history.map((h) => [h.action, h.version]),
      [
        ['create_model', null],
        ['register', 1],
        ['register', 2],
      ],
    );
  });

  it('never reuses the number of a deleted version', () => {
    const doc = modelWith(2);
    deleteVersion(doc, 2, alice, 20);
    addVersion(
      doc,
      { source: 'runs:/r9/model', runId: 'r9', path: 'model', description: '', tags: {}, user: 'alice' },
      21,
    );
    assert.deepEqual(
      doc.versions.map((v) => v.version),
      [1, 3],
    );
  });

  it('archives the other versions of the target stage with archive-existing, each with its own history entry', () => {
    const doc = modelWith(3);
    transition(doc, 1, 'Production', { ...alice, archiveExisting: false }, 20);
    transition(doc, 2, 'Production', { ...alice, archiveExisting: true }, 21);
    assert.deepEqual(
      doc.versions.map((v) => v.stage),
      ['Archived', 'Production', 'None'],
    );
    assert.match(doc.history.at(-1)?.comment ?? '', /archived because version 2 moved to Production/);
  });

  it('refuses archive-existing when moving to a stage other than Staging or Production', () => {
    failsWith(
      () => transition(modelWith(1), 1, 'Archived', { ...alice, archiveExisting: true }, 2),
      'INVALID_PARAMETER_VALUE',
      /archive-existing works only when moving to Staging or Production/,
    );
  });

  it('moves an alias to another version and records from and to', () => {
    const doc = modelWith(2);
    setAlias(doc, 'champion', 1, alice, 20);
    setAlias(doc, 'champion', 2, alice, 21);
    assert.deepEqual({ ...doc.aliases }, { champion: 2 });
    const last = doc.history.at(-1);
    assert.deepEqual([last?.action, last?.from, last?.to], ['set_alias', '1', '2']);
  });

  it('removes the aliases of a deleted version', () => {
    const doc = modelWith(2);
    setAlias(doc, 'champion', 2, alice, 20);
    deleteVersion(doc, 2, alice, 21);
    assert.deepEqual({ ...doc.aliases }, {});
  });

  it('names the known versions and aliases when one is missing', () => {
    const doc = modelWith(2);
    failsWith(() => findVersion(doc, 7), 'RESOURCE_DOES_NOT_EXIST', /has no version 7; its versions are: 1, 2/);
    failsWith(
      () => deleteAlias(doc, 'gone', alice, 2),
      'RESOURCE_DOES_NOT_EXIST',
      /has no alias "gone"; its aliases are: none/,
    );
  });

  it('refuses a name that differs from the stored one only by case', () => {
    failsWith(
      () => checkSameName(modelWith(0), 'IRIS'),
      'RESOURCE_ALREADY_EXISTS',
      /clashes with the registered model "iris"/,
    );
  });

  it('refuses to delete a model with versions in Staging or Production', () => {
    const doc = modelWith(1);
    transition(doc, 1, 'Staging', { ...alice, archiveExisting: false }, 2);
    failsWith(() => checkDeletable(doc), 'INVALID_STATE', /Staging \(v1\); archive them before deleting the model/);
  });
});
