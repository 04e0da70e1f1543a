/** The flat meta.yaml reader gives exactly what the YAML library gives, or declines and leaves it to the library. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument, stringify } from 'yaml';
import { parseFlatMeta, stringifyFlatMeta } from '../../src/store/mlruns/meta-yaml.js';
import { repoRoot } from '../helpers.js';

const library = (text: string): unknown =>
  parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true }).toJS({ maxAliasCount: 0 });

function metaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? metaFiles(join(dir, e.name)) : e.name === 'meta.yaml' ? [join(dir, e.name)] : [],
  );
}

describe('flat meta.yaml reader', () => {
  it('reads every meta.yaml MLflow 2.12.2 wrote in the fixture as the YAML library does', () => {
    const files = metaFiles(join(repoRoot, 'tests', 'fixtures', 'mlflow-2.12.2', 'mlruns'));
    assert.ok(files.length > 20);
    let flat = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = parseFlatMeta(text);
      if (fast === undefined) continue;
      flat += 1;
      assert.deepEqual(fast, library(text), file);
    }
    // experiments and runs are flat; registry files with nested tags fall back to the library
    assert.ok(flat >= files.length / 2, `${flat} of ${files.length} read without the library`);
  });

  it('agrees with the library on every scalar it accepts and declines the doubtful ones', () => {
    const values = [
      "'0'",
      '"12"',
      '12',
      '-3',
      '007',
      'null',
      '~',
      '',
      'Null',
      '[]',
      '{}',
      "''",
      '""',
      "'it''s'",
      'plain words',
      'file:///tmp/x y/artifacts',
      '00f7fe20bd434a91937a9532cca384b7',
      '1e5',
      '1.5',
      '.5',
      '0x1F',
      '0o17',
      'true',
      'False',
      'yes',
      'off',
      '.inf',
      '-.inf',
      '.NaN',
      '1_000',
      '12:30',
      'a: b',
      'a #c',
      '"a\\nb"',
      "'a'b'",
      '&x y',
      '*x',
      '!!python/object:os.system x',
      '- a',
      '[1, 2]',
      '{a: 1}',
      '"x"y"',
      'a:',
      '2024-01-02',
      '9007199254740993',
      '+1',
      '-',
      '|',
      '>',
    ];
    let accepted = 0;
    for (const v of values) {
      const text = `k: ${v}\n`;
      const fast = parseFlatMeta(text);
      if (fast === undefined) continue;
      accepted += 1;
      assert.deepEqual(fast, library(text), JSON.stringify(v));
    }
    assert.ok(accepted >= 15, `accepted ${accepted}`);
    for (const v of ['1e5', '0x1F', 'true', '.inf', '"a\\nb"', '[1, 2]', '9007199254740993'])
      assert.equal(parseFlatMeta(`k: ${v}\n`), undefined, v);
  });

  it('declines documents beyond one key: scalar per line', () => {
    for (const text of [
      'a: 1\na: 2\n',
      'a:\n  b: 1\n',
      '# c\na: 1\n',
      '---\na: 1\n',
      'a: long\n  folded\n',
      '',
      '- a\n',
    ])
      assert.equal(parseFlatMeta(text), undefined, JSON.stringify(text));
  });

  it('writes flat mappings in the very text the library writes, and declines the rest', () => {
    const strings = [
      '',
      '0',
      '12',
      '-3',
      '007',
      '1.5',
      '1e5',
      '.5',
      'null',
      'Null',
      '~',
      'true',
      'FALSE',
      'yes',
      'off',
      '.inf',
      'r46',
      'my run',
      'a  b',
      'x (y)',
      'a,b',
      'x=1',
      '~x',
      'a@b',
      '/abs/p',
      '_x',
      'a+b',
      'a: b',
      'a #c',
      'a:',
      'a ',
      ' a',
      '-a',
      'a\nb',
      "it's",
      'say "hi"',
      'back\\slash',
      'é',
      'tab\there',
      '2024-01-02',
      '12:30',
      '1_000',
      'file:///tmp/x y/artifacts',
      'mlflow-artifacts:/0/abc/artifacts',
      '00f7fe20bd434a91937a9532cca384b7',
      '2127505770610622617',
      '- a',
      '[1]',
      '{a: 1}',
      '&x',
      '*x',
      '!x',
      '%x',
      '@x',
      '`x',
      '|',
      '>',
      '?',
      '? a',
    ];
    const values: unknown[] = [...strings, null, 0, 7, -12, 1.5, -0, 2 ** 60, [], {}, ['a'], { a: 1 }, true];
    const options = { sortMapEntries: true, lineWidth: 0, nullStr: 'null' } as const;
    let fast = 0;
    for (const value of values) {
      const data = { b_key: value, a: 'first', z: null, tags: [] };
      const text = stringifyFlatMeta(data);
      if (text === undefined) continue;
      fast += 1;
      assert.equal(text, stringify(data, options), JSON.stringify(value));
      assert.deepEqual(parseFlatMeta(text) ?? library(text), library(stringify(data, options)));
    }
    assert.ok(fast >= 25, `${fast} written without the library`);
    for (const value of ['a: b', 'a\nb', 'é', 1.5, ['a'], { a: 1 }, true, "it's"])
      assert.equal(stringifyFlatMeta({ k: value }), undefined, JSON.stringify(value));
    assert.equal(stringifyFlatMeta({ 'a b': 1 }), undefined);
  });
});
