import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSignature, inferSchema } from '../../src/models/signature.js';
import { TracklabError } from '../../src/core/errors.js';

test('records give named columns with MLflow types; missing values make a column optional', () => {
  assert.deepEqual(
    inferSchema([
      { x: 1, y: 1.5, ok: true, s: 'a', at: new Date(0), bytes: new Uint8Array([1]) },
      { x: 2, y: 2, ok: false, s: 'b', at: new Date(1) },
    ]),
    [
      { name: 'x', type: 'long', required: true },
      { name: 'y', type: 'double', required: true },
      { name: 'ok', type: 'boolean', required: true },
      { name: 's', type: 'string', required: true },
      { name: 'at', type: 'datetime', required: true },
      { name: 'bytes', type: 'binary', required: false },
    ],
  );
  assert.deepEqual(inferSchema({ a: 1 }), [{ name: 'a', type: 'long', required: true }], 'one record');
});

test('a number matrix gives a tensor [-1, width]; an array of scalars a tensor [-1]', () => {
  assert.deepEqual(
    inferSchema([
      [5.1, 3.5],
      [4.9, 3],
    ]),
    [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 2] } }],
  );
  assert.deepEqual(inferSchema([0, 1, 2]), [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }]);
  assert.deepEqual(inferSchema(['a']), [{ type: 'tensor', 'tensor-spec': { dtype: 'str', shape: [-1] } }]);
});

test('examples that cannot give a schema are refused with the column named', () => {
  const refused = (example: unknown, pattern: RegExp): void =>
    assert.throws(
      () => inferSchema(example),
      (e: unknown) => e instanceof TracklabError && pattern.test(e.message),
    );
  refused([{ a: 1 }, { a: 'x' }], /column "a" mixes or holds unsupported value types \(long, string\)/);
  refused([{ a: { nested: 1 } }], /column "a" mixes or holds unsupported/);
  refused([[1, 2], [3]], /rows of different lengths/);
  refused([], /cannot give a signature/);
  refused(42, /cannot give a signature/);
  refused([[new Date()]], /a tensor cannot/);
});

test('a user-given signature is shape-checked', () => {
  assert.deepEqual(checkSignature({ inputs: [{ name: 'x', type: 'double' }] }), {
    inputs: [{ name: 'x', type: 'double' }],
  });
  assert.throws(() => checkSignature({ inputs: 'x' }), /signature is invalid/);
  assert.throws(() => checkSignature({ inputs: [], outputs: [{ name: 'y' }] }), /signature is invalid/);
});
