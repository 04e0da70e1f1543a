import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseStage,
  validateAlias,
  validateModelName,
  validateVersion,
} from '../../src/registry/registry-validation.js';
import { TracklabError } from '../../src/core/errors.js';

const refused = (fn: () => unknown, pattern: RegExp): void =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof TracklabError && e.code === 'INVALID_PARAMETER_VALUE' && pattern.test(e.message),
  );

test('model names: letters, digits, _ - . and spaces, starting with a letter or digit', () => {
  for (const ok of ['iris-rf', 'Iris RF 2', 'a', 'churn_model.v2', 'x'.repeat(255)])
    assert.equal(validateModelName(ok), ok);
  for (const bad of [
    '',
    ' lead',
    '.hidden',
    '-x',
    'a/b',
    '../x',
    'a\\b',
    'a@b',
    'a#b',
    'a?b',
    'a%2fb',
    'trail.',
    'trail ',
    'x'.repeat(256),
    'é',
    'a\0b',
  ]) {
    refused(() => validateModelName(bad), /model name .* is invalid: use 1 to 255 letters/);
  }
  refused(() => validateModelName(3), /model name 3 is invalid/);
});

test('versions are whole numbers from 1; digit strings are accepted', () => {
  assert.equal(validateVersion(3), 3);
  assert.equal(validateVersion('12'), 12);
  for (const bad of [0, -1, 1.5, '1.5', 'v1', '', NaN, '1e3', null])
    refused(() => validateVersion(bad), /model version .* is invalid/);
});

test('stages are case-insensitive', () => {
  assert.equal(parseStage('production'), 'Production');
  assert.equal(parseStage('STAGING'), 'Staging');
  assert.equal(parseStage('none'), 'None');
  assert.equal(parseStage('Archived'), 'Archived');
  refused(() => parseStage('prod'), /stage "prod" is invalid; use one of None, Staging, Production, Archived/);
});

test('aliases follow MLflow: ^[\\w-]+$, <= 255, latest and v<digits> reserved', () => {
  for (const ok of ['champion', 'challenger-2', 'A_b', 'v', 'v1a', 'x'.repeat(255)])
    assert.equal(validateAlias(ok), ok);
  refused(() => validateAlias(''), /non-empty/);
  refused(() => validateAlias('x'.repeat(256)), /256 characters long; the limit is 255/);
  for (const bad of ['a b', 'a.b', 'a/b', 'a@b', 'é']) refused(() => validateAlias(bad), /use only letters, digits/);
  for (const reserved of ['latest', 'LATEST', 'v1', 'V22']) refused(() => validateAlias(reserved), /is reserved/);
  for (const js of ['__proto__', 'constructor', 'prototype'])
    refused(() => validateAlias(js), /reserved by JavaScript/);
});
