/** Stack frames of errors point at the user's cell lines (tslab compiles cells without a source map). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { markLines, userLine } from '../../src/kernel/cell-lines.js';
import { closeExecutor, kernelExecutor, newRuntime, tempDir } from './helpers.js';

after(closeExecutor);

describe('line markers', () => {
  it('go after lines that end in code, never into templates, comments or continued strings', () => {
    const cell = ['const a = 1;', 'const t = `x', 'y`;', '/* c', 'd */', 'f(); // note', "const s = 'a\\", "b';", ''];
    assert.deepEqual(markLines(cell.join('\n')).split('\n'), [
      'const a = 1; /*@L1*/',
      'const t = `x',
      'y`; /*@L3*/',
      '/* c',
      'd */ /*@L5*/',
      'f(); // note',
      "const s = 'a\\",
      "b'; /*@L8*/",
      '',
    ]);
  });

  it('map a compiled line to the nearest marker at or above it', () => {
    const compiled = ['(function(exports, require) { let x = 1; /*@L2*/', 'f(a,', '  b); /*@L7*/', '})'];
    assert.equal(userLine(compiled, 1), 2);
    assert.equal(userLine(compiled, 2), 2);
    assert.equal(userLine(compiled, 3), 7);
    assert.equal(userLine(['no marks'], 1), undefined);
  });
});

describe('errors in cells', () => {
  it('name the cell and the user line of each frame, also of a function from an earlier cell', async () => {
    const k = kernelExecutor(await newRuntime(tempDir()));
    let r = await k.execute(
      [
        'interface Config { lr: number }',
        '',
        'function train(c: Config): number {',
        '  // validate first',
        '  if (c.lr > 1) {',
        "    throw new Error('lr too large: ' + c.lr);",
        '  }',
        '  return c.lr;',
        '}',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    r = await k.execute(
      ['type T = number;', 'const cfgs: { lr: number }[] = [{ lr: 0.1 }, { lr: 2 }];', '', 'cfgs.map(train);'].join(
        '\n',
      ),
    );
    assert.equal(r.ok, false);
    const { ename, evalue, traceback } = k.takeError();
    assert.deepEqual([ename, evalue], ['Error', 'lr too large: 2']);
    assert.match(traceback[1] ?? '', /^at train \(In \[1\], line 6\)$/);
    assert.ok(
      traceback.some((l) => /In \[2\], line 4/.test(l)),
      traceback.join('\n'),
    );
    assert.match(r.stderr, /In \[1\], line 6/);
  });
});
