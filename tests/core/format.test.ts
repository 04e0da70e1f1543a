/** The shared toolkit for showing times, durations, metric values and escaped HTML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Handlebars from 'handlebars';
import { formatDuration, formatNumber, formatRunDuration, formatTime } from '../../src/core/format.js';
import { escapeHtml } from '../../src/core/html-escape.js';

describe('formatting for people', () => {
  it('shows times in UTC with the zone named, and nothing for an unknown time', () => {
    assert.equal(formatTime(Date.UTC(2024, 4, 1, 12, 30, 5)), '2024-05-01 12:30:05 UTC');
    assert.equal(formatTime(null), '');
    assert.equal(formatTime(Number.NaN), '');
  });

  it('shows durations in the largest two units, and nothing while a run is running', () => {
    assert.deepEqual([120, 4200, 185_000, 3_720_000].map(formatDuration), ['120ms', '4.2s', '3m 05s', '1h 02m']);
    assert.equal(formatRunDuration(1000, null), '');
    assert.equal(formatRunDuration(1000, 5200), '4.2s');
    assert.equal(formatRunDuration(5000, 1000), '0ms', 'a clock that went back shows zero, not a negative time');
  });

  it('shows metric values to 6 significant digits and spells out NaN and the infinities', () => {
    assert.deepEqual([3, 1 / 3, 1e-7, 2e12, Number.NaN, -Infinity].map(formatNumber), [
      '3',
      '0.333333',
      '1.0000e-7',
      '2000000000000',
      'NaN',
      '-Infinity',
    ]);
    assert.equal(formatNumber(undefined), '');
  });
});

describe('escaping HTML', () => {
  it('escapes exactly what Handlebars escapes, so hand-built and templated markup agree', () => {
    const hostile = '<img src=x onerror="alert(1)"> & \'`';
    assert.equal(escapeHtml(hostile), Handlebars.Utils.escapeExpression(hostile));
  });
});
