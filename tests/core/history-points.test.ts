/** Points made from columns: exact numbers, one shape, and plain data that serialises as a literal would. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHistoryPoint, toHistoryPoints } from '../../src/core/history-points.js';

const STEPS = [0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, 1.5, -2.5];
const VALUES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, Number.MAX_VALUE, 5e-324];

test('every step, value and timestamp comes back exactly, -0 and integers beyond 32 bits included', () => {
  const n = STEPS.length * VALUES.length;
  const steps = Float64Array.from({ length: n }, (_, i) => STEPS[i % STEPS.length]!);
  const values = Float64Array.from({ length: n }, (_, i) => VALUES[i % VALUES.length]!);
  const timestamps = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i);
  const points = toHistoryPoints(steps, values, timestamps);
  assert.equal(points.length, n);
  points.forEach((p, i) => {
    assert.ok(Object.is(p.step, steps[i]), `step ${i}: ${p.step} for ${steps[i]}`);
    assert.ok(Object.is(p.value, values[i]), `value ${i}: ${p.value} for ${values[i]}`);
    assert.equal(p.timestamp, timestamps[i]);
    const one = toHistoryPoint(steps[i]!, values[i]!, timestamps[i]!);
    assert.ok(Object.is(one.step, p.step) && Object.is(one.value, p.value) && one.timestamp === p.timestamp);
  });
});

test('points are plain objects with the keys in one order, serialising as the literal does', () => {
  const points = toHistoryPoints([3, -0], [0.25, Number.NaN], [10, 11]);
  for (const p of points) {
    assert.equal(Object.getPrototypeOf(p), Object.prototype);
    assert.deepEqual(Object.keys(p), ['step', 'value', 'timestamp']);
  }
  assert.equal(
    JSON.stringify(points),
    JSON.stringify([
      { step: 3, value: 0.25, timestamp: 10 },
      { step: -0, value: Number.NaN, timestamp: 11 },
    ]),
  );
  assert.deepEqual(toHistoryPoints([], [], []), []);
});
