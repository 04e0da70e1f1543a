import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelsUri, parseModelUri, parseRunsUri } from '../../src/registry/model-uri.js';
import { TracklabError } from '../../src/core/errors.js';

const refused = (uri: string, pattern: RegExp): void =>
  assert.throws(
    () => parseModelUri(uri),
    (e: unknown) => e instanceof TracklabError && e.code === 'INVALID_PARAMETER_VALUE' && pattern.test(e.message),
    `expected ${uri} to be refused with ${pattern}`,
  );

test('models:/ URIs: version, latest, stage (any case) and alias', () => {
  assert.deepEqual(parseModelsUri('models:/iris-rf/3').ref, { kind: 'version', name: 'iris-rf', version: 3 });
  assert.deepEqual(parseModelsUri('models:/iris-rf/latest').ref, { kind: 'latest', name: 'iris-rf' });
  assert.deepEqual(parseModelsUri('models:/iris-rf/production').ref, {
    kind: 'stage',
    name: 'iris-rf',
    stage: 'Production',
  });
  assert.deepEqual(parseModelsUri('models:/iris-rf@champion').ref, {
    kind: 'alias',
    name: 'iris-rf',
    alias: 'champion',
  });
  assert.deepEqual(parseModelsUri('models:/my model/2').ref, { kind: 'version', name: 'my model', version: 2 });
});

test('runs:/ URIs name a run and a relative artifact path', () => {
  assert.deepEqual(parseRunsUri('runs:/abc123/model'), { kind: 'runs', runId: 'abc123', path: 'model' });
  assert.deepEqual(parseRunsUri('runs:/abc123/models/rf'), { kind: 'runs', runId: 'abc123', path: 'models/rf' });
});

test('malformed models:/ URIs are refused', () => {
  refused('models:/iris-rf', /is invalid: give models:\/<name>\/<version>/);
  refused('models:/iris-rf/1/extra', /is invalid/);
  refused('models:/iris-rf/0', /model version "0" is invalid/);
  refused('models:/iris-rf/Prod', /"Prod" is not a version, "latest" or a stage/);
  refused('models:/iris-rf@latest', /alias "latest" is reserved/);
  refused('models:/../x/1', /is invalid/);
  refused('models:/../1', /"\.\." is not a model name/);
  refused('models:/iris%2frf/1', /is not a model name/);
  refused('models:/iris-rf@a#b', /alias "a#b" is invalid/);
  refused('models:/iris-rf/1;rm -rf ~', /is invalid/);
});

test('sources other than runs:/<id>/<relative path> are refused', () => {
  for (const [uri, why] of [
    ['/etc/passwd', /only artifacts of a run|is refused/],
    ['file:///etc/passwd', /is refused/],
    ['http://evil.example/model', /is refused/],
    ['https://evil.example/model', /is refused/],
    ['s3://bucket/model', /is refused/],
    ['runs:///etc/passwd', /is invalid: give runs:\//],
    ['runs:/abc', /is invalid: give runs:\//],
    ['runs:/abc/', /is invalid: give runs:\//],
    ['runs:/abc/../../etc', /climbs out with "\.\."/],
    ['runs:/abc/model/../../x', /climbs out with "\.\."/],
    ['runs:/abc/%2e%2e/x', /percent-encoded/],
    ['runs:/abc/%252e%252e/x', /percent-encoded/],
    ['runs:/abc/..\\x', /backslash/],
    ['runs:/abc/C:../x', /drive letter/],
    ['runs:/abc/a#/../x', /"#" or "\?"/],
    ['runs:/abc/a?../x', /"#" or "\?"/],
    ['runs:/abc/a\0b', /NUL byte/],
    ['runs:/abc//etc/passwd', /empty or "\." segment|absolute/],
    ['runs:/../../etc/model', /run id "\.\." is invalid/],
    ['runs:/a b/model', /run id "a b" is invalid/],
  ] as const)
    refused(uri, why);
  assert.throws(() => parseRunsUri('models:/x/1'), /only artifacts of a run in this store can be registered/);
});
