import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankMagicLines, rewriteCell } from '../../src/magics/rewrite.js';

const lines = (s: string): string[] => s.split('\n');

describe('rewriteCell', () => {
  it('keeps one line per magic line, with indentation', () => {
    const src =
      'let x = 1\n%log_param lr=0.1\nfor (let i = 0; i < 3; i++) {\n    %log_metric loss=x/(i + 1) --step i\n}\nx';
    const out = rewriteCell(src);
    assert.equal(lines(out.code).length, lines(src).length);
    assert.equal(out.magics, 2);
    assert.equal(lines(out.code)[0], 'let x = 1');
    assert.equal(lines(out.code)[3], '    void (globalThis as any).tracklab$.logMetric(4, "loss", (x/(i + 1)), (i));');
    assert.equal(lines(out.code)[5], 'x');
  });
  it('makes logging magics synchronous statements that work in plain functions and unbraced ifs', () => {
    const out = rewriteCell('function f(v: number) {\n  if (v > 0)\n    %log_metric v=v\n}');
    assert.match(lines(out.code)[2]!, /^ {4}void \(globalThis as any\)\.tracklab\$\.logMetric\(3, "v", \(v\)\);$/);
    assert.doesNotMatch(out.code, /await/);
  });
  it('starts every statement with void or await so a line without a semicolon cannot swallow it', () => {
    for (const line of rewriteCell('a\n%log_metric x=1\nb\n%start_run r\nc\n%end_run')
      .code.split('\n')
      .filter((l) => l.includes('tracklab$'))) {
      assert.match(line, /^(void|await) /);
    }
  });
  it('awaits magics that do I/O', () => {
    assert.equal(
      rewriteCell('%start_run `r-${n}` --nested --tag k=v').code,
      'void (globalThis as any).tracklab$.enter(await Promise.resolve(' +
        '(globalThis as any).tracklab$.startRun(1, `r-${n}`, true, ["k"], [(v)], undefined)));',
    );
    assert.equal(
      rewriteCell('%end_run failed').code,
      'void (globalThis as any).tracklab$.enter(await Promise.resolve((globalThis as any).tracklab$.endRun(1, "FAILED", false)));',
    );
    assert.equal(rewriteCell('%runs').code.startsWith('void await Promise.resolve('), true);
  });
  it('gives every statement no value, so a cell ending in a magic displays nothing', () => {
    for (const src of ['%start_run baseline', '%end_run', '%experiment e', '%runs', '%log_metric a=1', '%%track t']) {
      assert.match(rewriteCell(src).code, /^void /, src);
    }
  });
  it('quotes keys safely, including ones an object literal would swallow', () => {
    const out = rewriteCell(`%log_param "__proto__"=1 'a b: c/d'=2`).code;
    assert.match(out, /logParams\(1, \["__proto__", "a b: c\/d"\], \[\(1\), \(2\)\]\)/);
  });
  it('passes expressions through untouched, including strings with spaces and templates', () => {
    assert.match(rewriteCell('%set_tag note="a b  c" who=`${u} x`').code, /\[\("a b {2}c"\), \(`\$\{u\} x`\)\]/);
  });
  it('leaves % lines inside block comments and template literals alone', () => {
    const src =
      'const s = `\n%log_metric a=1\n${x}\n%end_run\n`;\n/* \n%log_metric b=1\n*/\nconst r = /`/;\n%log_metric c=1';
    const out = rewriteCell(src);
    assert.equal(out.magics, 1);
    assert.equal(lines(out.code)[1], '%log_metric a=1');
    assert.equal(lines(out.code)[6], '%log_metric b=1');
    assert.match(lines(out.code)[9]!, /logMetric\(10, "c"/);
  });
  it('rewrites %%track on the first line only', () => {
    const out = rewriteCell('\n%%track fit --experiment e\nlet a = 1');
    assert.equal(out.track, true);
    assert.match(lines(out.code)[1]!, /beginTrack\(2, "fit", "e", false\)/);
    assert.throws(() => rewriteCell('let a = 1\n%%track fit'), /line 2: %%track must be the first line of the cell/);
  });
  it('reports the user line of a bad magic', () => {
    assert.throws(
      () => rewriteCell('let a = 1\n\n%log_metrc a=1'),
      (e: Error) => {
        assert.equal(
          e.message,
          'tracklab: line 3: unknown magic %log_metrc; did you mean %log_metric? (%lsmagic lists them all)',
        );
        return true;
      },
    );
  });
  it('returns cells without magics unchanged', () => {
    const src = 'const m = 7 % 3;\nm';
    assert.equal(rewriteCell(src).code, src);
  });
  it('keeps CRLF line endings', () => {
    assert.equal(rewriteCell('%log_metric a=1\r\nx').code.split('\n')[0]!.endsWith('\r'), true);
  });
});

describe('blankMagicLines', () => {
  it('keeps offsets for completion', () => {
    const src = 'let x = 1;\n%log_metric a=x\nx.toFi';
    const out = blankMagicLines(src);
    assert.equal(out.length, src.length);
    assert.equal(out.indexOf('x.toFi'), src.indexOf('x.toFi'));
    assert.doesNotMatch(out, /%/);
  });
});
