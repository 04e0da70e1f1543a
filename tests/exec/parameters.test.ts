import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { declaredNames, injectParameters, parameterCellSource, parseParameter } from '../../src/exec/parameters.js';

const fixtureSync = (): Notebook => JSON.parse(readFileSync('tests/fixtures/kernel-params.ipynb', 'utf8')) as Notebook;
const fixture = async (): Promise<Notebook> =>
  JSON.parse(await readFile('tests/fixtures/kernel-params.ipynb', 'utf8')) as Notebook;

describe('parameters', () => {
  it('parses values as JSON when they are JSON, else as strings (papermill)', () => {
    assert.deepEqual(parseParameter('lr=0.1'), ['lr', 0.1]);
    assert.deepEqual(parseParameter('on=true'), ['on', true]);
    assert.deepEqual(parseParameter('n=null'), ['n', null]);
    assert.deepEqual(parseParameter('xs=[1,2]'), ['xs', [1, 2]]);
    assert.deepEqual(parseParameter('o={"a":1}'), ['o', { a: 1 }]);
    assert.deepEqual(parseParameter('name=rf'), ['name', 'rf']);
    assert.deepEqual(parseParameter('eq=a=b'), ['eq', 'a=b']);
    assert.deepEqual(parseParameter('s="7"'), ['s', '7']);
    assert.throws(() => parseParameter('novalue'), /parameter "novalue" must look like name=value/);
    assert.throws(() => parseParameter('1x=2'), /not a valid identifier/);
  });
  it('finds top-level let and const names with the TypeScript parser', () => {
    const d = declaredNames(
      'let a = 1, b: number[] = [2];\nconst c = 3;\n{ let inner = 1; }\nvar v = 1;\nlet { d, e: [f] } = { d: 1, e: [2] };\n%log_param a=a',
    );
    assert.deepEqual(d, {
      lets: ['a', 'b', 'd', 'f'],
      consts: ['c'],
      types: { a: 'number', b: 'array', c: 'number', v: 'number' },
    });
  });
  it('refuses a value of another type than the parameters cell declares, before anything runs', async () => {
    assert.throws(
      () => injectParameters(fixtureSync(), { lr: 'abc' }, 'f.ipynb'),
      /^TracklabError: tracklab: parameter "lr" is declared as number in the parameters cell, got "abc" \(a string\); pass a number$/,
    );
    assert.throws(() => injectParameters(fixtureSync(), { layers: 3 }, 'f.ipynb'), /"layers" is declared as array/);
    assert.throws(() => injectParameters(fixtureSync(), { label: 5 }, 'f.ipynb'), /"label" is declared as string/);
    assert.equal(injectParameters(fixtureSync(), { lr: -1, label: 'x', layers: [] }, 'f.ipynb').cells.length, 4);
  });
  it('injects a cell after the parameters cell that type-checks without Node globals', async () => {
    const nb = injectParameters(await fixture(), { lr: 0.5, label: 'x`${y}', layers: [8, 8] }, 'f.ipynb');
    assert.equal(nb.cells.length, 4);
    assert.deepEqual(nb.cells[1]!.metadata.tags, ['injected-parameters']);
    const src = (nb.cells[1]!.source as string[]).join('');
    assert.equal(src, parameterCellSource({ lr: 0.5, label: 'x`${y}', layers: [8, 8] }));
    assert.match(src, /^ {2}label = "x`\$\{y\}";$/m);
    assert.doesNotMatch(src, /console|process|require/);
  });
  it('replaces an earlier injected cell', async () => {
    const once = injectParameters(await fixture(), { lr: 1 }, 'f.ipynb');
    const twice = injectParameters(once, { lr: 2 }, 'f.ipynb');
    assert.equal(twice.cells.length, 4);
    assert.match((twice.cells[1]!.source as string[]).join(''), /lr = 2;/);
  });
  it('refuses undeclared names and consts before anything runs', async () => {
    await assert.rejects(
      async () => injectParameters(await fixture(), { nope: 1 }, 'f.ipynb'),
      /parameter "nope" is not declared in the parameters cell \(it declares with let: lr, epochs, label, layers\)/,
    );
    await assert.rejects(
      async () => injectParameters(await fixture(), { fixed: 2 }, 'f.ipynb'),
      /"fixed" is declared with const/,
    );
    const noParams: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
    assert.throws(() => injectParameters(noParams, { a: 1 }, 'f.ipynb'), /f.ipynb has no cell tagged "parameters"/);
    assert.equal(injectParameters(noParams, {}, 'f.ipynb').cells.length, 0);
  });
});
