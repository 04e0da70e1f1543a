import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest } from '../../src/magics/closest.js';
import { parseMagic, isMagicLine } from '../../src/magics/magic-parser.js';
import { MAGICS } from '../../src/magics/magic-specs.js';
import { splitArgs } from '../../src/magics/split-args.js';

describe('splitArgs', () => {
  it('splits at whitespace outside quotes and brackets', () => {
    assert.deepEqual(splitArgs('acc=(a / b) note="x y" t=`a ${b + c}` --step i'), [
      'acc=(a / b)',
      'note="x y"',
      't=`a ${b + c}`',
      '--step',
      'i',
    ]);
    assert.deepEqual(splitArgs("x=f(1, [2, 3], { a: 'b c' })"), ["x=f(1, [2, 3], { a: 'b c' })"]);
  });
  it('drops a trailing comment and semicolons', () => {
    assert.deepEqual(splitArgs('a=1 b=2; // note'), ['a=1', 'b=2']);
    assert.deepEqual(splitArgs('url="http://x"'), ['url="http://x"']);
  });
  it('rejects unbalanced quotes and brackets', () => {
    assert.throws(() => splitArgs('a=(1'), /unbalanced quote or bracket in "a=\(1"/);
    assert.throws(() => splitArgs('a="x'), /unbalanced/);
    assert.throws(() => splitArgs('a=1)'), /unbalanced/);
  });
});

describe('parseMagic', () => {
  it('parses key=expr pairs and flags', () => {
    const m = parseMagic('%log_metric acc=correct/total "val loss"=(l + 1) --step epoch');
    assert.deepEqual(m.assigns, [
      { key: 'acc', expr: 'correct/total' },
      { key: 'val loss', expr: '(l + 1)' },
    ]);
    assert.deepEqual(m.flags.step, ['epoch']);
  });
  it('turns words into string literals and keeps quoted strings and templates', () => {
    assert.deepEqual(parseMagic('%start_run my-run --nested --tag a=1 --tag b=x').positional, ['"my-run"']);
    assert.deepEqual(parseMagic("%experiment 'two words'").positional, ['"two words"']);
    assert.deepEqual(parseMagic('%start_run `lr-${lr}`').positional, ['`lr-${lr}`']);
    assert.deepEqual(parseMagic('%start_run x --tag a=1 --tag b=x').flagAssigns.tag, [
      { key: 'a', expr: '1' },
      { key: 'b', expr: 'x' },
    ]);
  });
  it('accepts --flag=value', () => {
    assert.deepEqual(parseMagic('%runs --max-results=5 --order-by="metrics.acc DESC"').literals, {
      'max-results': '5',
      'order-by': 'metrics.acc DESC',
    });
  });
  it('names the closest magic for a typo', () => {
    assert.throws(() => parseMagic('%log_metrc a=1'), /unknown magic %log_metrc; did you mean %log_metric\?/);
    assert.throws(() => parseMagic('%track'), /did you mean %%track\?/);
    assert.throws(() => parseMagic('%%log_metric a=1'), /unknown magic %%log_metric; did you mean %log_metric\?/);
    assert.throws(
      () => parseMagic('%zzzzzzzz'),
      (e: Error) => !/did you mean/.test(e.message),
    );
  });
  it('names the closest option for a typo', () => {
    assert.throws(
      () => parseMagic('%runs --experment x'),
      /%runs: unknown option --experment; did you mean --experiment\?/,
    );
  });
  it('explains bad arguments in one line', () => {
    assert.throws(() => parseMagic('%log_metric acc'), /expected <key>=<expr>, got "acc"/);
    assert.throws(() => parseMagic('%log_metric acc='), /"acc" has no value/);
    assert.throws(() => parseMagic('%log_metric a==1'), /expected <key>=<expr>/);
    assert.throws(() => parseMagic('%log_metric a=1 a=2'), /key "a" is given twice/);
    assert.throws(() => parseMagic('%log_metric a<b=1'), /key "a<b" is invalid/);
    assert.throws(() => parseMagic('%log_metric'), /nothing to log/);
    assert.throws(() => parseMagic('%log_metric a=1 --step'), /--step needs a value/);
    assert.throws(() => parseMagic('%experiment'), /missing argument; usage: %experiment <name>/);
    assert.throws(() => parseMagic('%experiment a b'), /too many arguments/);
    assert.throws(() => parseMagic('%runs --max-results ten'), /--max-results must be a positive integer, got "ten"/);
    assert.throws(() => parseMagic('%compare one'), /missing argument/);
    assert.throws(() => parseMagic('%start_run a --nested --nested'), /--nested is given twice/);
  });
  it('recognises magic lines', () => {
    assert.equal(isMagicLine('  %log_metric a=1'), true);
    assert.equal(isMagicLine('%%track'), true);
    assert.equal(isMagicLine('x % y'), false);
    assert.equal(isMagicLine('% y'), false);
  });
  it('every visible magic has usage and help', () => {
    for (const m of MAGICS)
      assert.ok(m.usage.startsWith(m.cell ? `%%${m.name}` : `%${m.name}`) && m.help.length > 0, m.name);
  });
});

describe('closest', () => {
  it('suggests near names only', () => {
    assert.equal(closest('log_parm', ['log_param', 'log_metric']), 'log_param');
    assert.equal(closest('endrun', ['end_run', 'start_run']), 'end_run');
    assert.equal(closest('banana', ['log_param', 'end_run']), undefined);
  });
});
