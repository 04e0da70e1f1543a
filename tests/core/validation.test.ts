import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  paramValueToString,
  validateArtifactPath,
  validateExperimentName,
  validateKey,
  validateMetricValue,
  validateRunId,
  validateRunStatus,
  validateStep,
  ownEntries,
} from '../../src/core/validation.js';
import { randomRunName } from '../../src/core/names.js';
import { decodeNumber, encodeNumber, nonFiniteReplacer } from '../../src/core/number-codec.js';

describe('keys (MLflow rule)', () => {
  it('accepts what MLflow accepts', () => {
    for (const key of ['loss', 'val loss: top/1', 'a.b', 'f1-score', 'x_y', 'métrique', 'a/b/c'])
      assert.equal(validateKey('metric', key), key);
  });
  it('rejects bad keys with the key in the message', () => {
    const cases: [unknown, RegExp][] = [
      ['', /non-empty/],
      ['a'.repeat(251), /251 characters.*limit is 250/],
      ['a*b', /"a\*b" is invalid/],
      ['../x', /normalized relative path/],
      ['/abs', /normalized/],
      ['.', /normalized/],
      ['a//b', /normalized/],
      ['a/./b', /normalized/],
      ['a/', /normalized/],
      [42, /metric key 42/],
    ];
    for (const [key, re] of cases) assert.throws(() => validateKey('metric', key), re);
  });
  it("takes exactly the ASCII characters of MLflow's rule, and letters, digits and marks of any script", () => {
    const allowed = /[A-Za-z0-9_.\- :/]/;
    for (let code = 0; code < 128; code++) {
      const ch = String.fromCharCode(code);
      const key = `a${ch}b`;
      if (allowed.test(ch)) assert.equal(validateKey('metric', key), key, `code ${code}`);
      else assert.throws(() => validateKey('metric', key), /is invalid/, `code ${code}`);
    }
    // the non-ASCII ones the Unicode classes decide: a letter, a digit, a combining mark; not a symbol or a space
    for (const key of ['損失', 'x٣', 'e\u0301', 'ß:1']) assert.equal(validateKey('metric', key), key);
    for (const key of ['a€', 'a\u00a0b', 'a\u2028b']) assert.throws(() => validateKey('metric', key), /is invalid/);
  });
  it('takes every Object.prototype name as a key and leaves Object.prototype alone', () => {
    for (const key of [...Object.getOwnPropertyNames(Object.prototype), 'prototype'])
      assert.equal(validateKey('param', key), key);
    assert.deepEqual(
      ownEntries('params', JSON.parse('{"__proto__": {"polluted": 1}}')).map(([k]) => k),
      ['__proto__'],
    );
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('values', () => {
  it('converts params to strings and limits their length', () => {
    assert.equal(paramValueToString('a', 0.1), '0.1');
    assert.equal(paramValueToString('a', true), 'true');
    assert.equal(paramValueToString('a', { x: [1] }), '{"x":[1]}');
    assert.throws(() => paramValueToString('a', 'x'.repeat(6001)), /6001 characters long; the limit is 6000/);
    assert.throws(() => paramValueToString('a', undefined), /param "a" has value undefined/);
  });
  it('accepts numbers only as metric values', () => {
    assert.equal(validateMetricValue('m', Number.NaN), Number.NaN);
    assert.throws(() => validateMetricValue('m', '0.5'), /metric "m" has value "0.5" of type string/);
    assert.throws(() => validateMetricValue('m', true), /of type boolean/);
  });
  it('accepts integer steps only', () => {
    assert.equal(validateStep('m', 3), 3);
    assert.throws(() => validateStep('m', 1.5), /step 1.5; steps must be integers/);
    assert.throws(() => validateStep('m', '2'), /step "2"/);
  });
  it('round-trips NaN and infinities through the JSON policy', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1, -0, 1e308]) {
      const text = JSON.stringify({ v: n }, nonFiniteReplacer);
      assert.ok(Object.is(decodeNumber((JSON.parse(text) as { v: unknown }).v), n), text);
    }
    assert.equal(encodeNumber(Number.NaN), 'NaN');
  });
});

describe('ids, names, statuses', () => {
  it('uses a strict run id regex', () => {
    assert.equal(validateRunId('abc123'), 'abc123');
    for (const bad of ['../../etc', 'a/b', '', '-a', 'a b', '%2e%2e'])
      assert.throws(() => validateRunId(bad), /run id .* is invalid/);
  });
  it('checks experiment names', () => {
    assert.throws(() => validateExperimentName(''), /non-empty/);
    assert.throws(() => validateExperimentName('x'.repeat(501)), /limit is 500/);
  });
  it('normalizes statuses case-insensitively', () => {
    assert.equal(validateRunStatus('failed'), 'FAILED');
    assert.throws(() => validateRunStatus('DONE'), /"DONE" is invalid; use one of RUNNING/);
  });
  it('gives readable random run names', () => {
    assert.match(randomRunName(), /^[a-z]+-[a-z]+-\d{1,3}$/);
  });
});

describe('artifact paths', () => {
  it('accepts plain relative paths', () => {
    for (const ok of ['', 'a.png', 'plots/loss.png', 'a b/c..d.txt']) assert.equal(validateArtifactPath(ok), ok);
  });
  it('refuses every traversal spelling with a clear reason', () => {
    const cases: [string, RegExp][] = [
      ['../x', /climbs out/],
      ['a/../../x', /climbs out/],
      ['%2e%2e/x', /percent-encoded/],
      ['%252e%252e/x', /percent-encoded/],
      ['..\\x', /backslash/],
      ['C:../x', /drive letter/],
      ['/etc/passwd', /absolute/],
      ['\\\\host\\share', /backslash/],
      ['a#/../x', /"#" or "\?"/],
      ['a?../x', /"#" or "\?"/],
      ['a\0b', /NUL/],
      ['a//b', /empty or "."/],
      ['./a', /empty or "."/],
    ];
    for (const [path, re] of cases) assert.throws(() => validateArtifactPath(path), re, path);
  });
});
