import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../../src/core/entities.js';
import { runComparator, parseOrderBy, sortRuns } from '../../../src/core/search/index.js';
import { assertInvalid, ids, makeRun } from './helpers.js';

const runs: Run[] = [
  makeRun({ id: 'a', startTime: 10, metrics: { rmse: 2 }, params: { lr: '0.1' } }),
  makeRun({ id: 'b', startTime: 30, metrics: { rmse: Number.NaN }, params: { lr: '0.01' } }),
  makeRun({ id: 'c', startTime: 20, metrics: {}, params: {} }),
  makeRun({ id: 'd', startTime: 40, metrics: { rmse: 1 }, params: { lr: '0.1' } }),
  makeRun({ id: 'e', startTime: 40, metrics: { rmse: Number.NEGATIVE_INFINITY }, endTime: null }),
  makeRun({ id: 'f', startTime: 5, metrics: { rmse: Number.POSITIVE_INFINITY }, tags: { t: 'z' } }),
];

const order = (...entries: string[]): string[] => ids(sortRuns(runs, parseOrderBy(entries)));

describe('parseOrderBy', () => {
  it('reads keys as filters do, with ASC (default) or DESC in any case', () => {
    assert.deepEqual(
      parseOrderBy([
        'metrics.rmse DESC',
        'params.lr',
        'attributes.start_time ASC',
        'metrics.`f1 score` desc',
        'end_time',
        '  tag.t  asc ',
      ]).map((c) => [c.kind, c.key, c.ascending]),
      [
        ['metric', 'rmse', false],
        ['param', 'lr', true],
        ['attribute', 'start_time', true],
        ['metric', 'f1 score', false],
        ['attribute', 'end_time', true],
        ['tag', 't', true],
      ],
    );
  });

  const errors: [string[], ...string[]][] = [
    [
      ['metrics.acc DESCENDING'],
      'invalid order_by "metrics.acc DESCENDING"',
      'unexpected "DESCENDING" at column 12',
      'ASC, DESC',
    ],
    [['metrics.acc DESC x'], 'unexpected "x" at column 17'],
    [['metrics.f1-score'], 'unexpected "-score" at column 10', 'backticks'],
    [['datasets.name'], 'datasets.name cannot be used to order runs'],
    [['nope DESC'], 'unknown attribute "nope" at column 0'],
    [['foo.bar'], 'unknown key type "foo"'],
    [[''], 'invalid order_by ""', 'unexpected end of order_by at column 0', 'expected a key'],
    [['metrics.acc', 'metric.acc DESC'], 'metrics.acc appears more than once', '["metrics.acc","metric.acc DESC"]'],
    [['created', 'attributes.start_time DESC'], 'attributes.start_time appears more than once'],
  ];
  for (const [entries, ...fragments] of errors) {
    it(`rejects ${JSON.stringify(entries)}`, () => assertInvalid(() => parseOrderBy(entries), ...fragments));
  }
});

describe('sortRuns', () => {
  it('defaults to start_time DESC, then run id', () => {
    assert.deepEqual(order(), ['d', 'e', 'b', 'c', 'a', 'f']);
  });

  it('puts NaN and then missing values last in both directions', () => {
    assert.deepEqual(order('metrics.rmse'), ['e', 'd', 'a', 'f', 'b', 'c']);
    assert.deepEqual(order('metrics.rmse ASC'), ['e', 'd', 'a', 'f', 'b', 'c']);
    assert.deepEqual(order('metrics.rmse DESC'), ['f', 'a', 'd', 'e', 'b', 'c']);
  });

  it('puts missing params, tags and end_time last in both directions', () => {
    assert.deepEqual(order('params.lr'), ['b', 'd', 'a', 'e', 'c', 'f']);
    assert.deepEqual(order('params.lr DESC'), ['d', 'a', 'b', 'e', 'c', 'f']);
    assert.deepEqual(order('tags.t DESC').slice(0, 1), ['f']);
    assert.deepEqual(order('end_time').at(-1), 'e');
    assert.deepEqual(order('end_time DESC').at(-1), 'e');
  });

  it('breaks ties by start_time DESC then id, unless start_time is ordered explicitly', () => {
    assert.deepEqual(order('params.lr DESC').slice(0, 2), ['d', 'a'], 'd started later');
    assert.deepEqual(order('created ASC'), ['f', 'a', 'c', 'b', 'd', 'e']);
    assert.deepEqual(order('start_time DESC'), ['d', 'e', 'b', 'c', 'a', 'f']);
  });

  it('orders by string attributes and by several keys', () => {
    assert.deepEqual(order('run_id DESC'), ['f', 'e', 'd', 'c', 'b', 'a']);
    assert.deepEqual(order('params.lr DESC', 'metrics.rmse'), ['d', 'a', 'b', 'e', 'f', 'c']);
  });

  it('agrees with runComparator and does not change its input', () => {
    const before = ids(runs);
    for (const entries of [[], ['metrics.rmse DESC'], ['params.lr', 'run_id DESC'], ['end_time']]) {
      const clauses = parseOrderBy(entries);
      assert.deepEqual(
        ids(sortRuns(runs, clauses)),
        ids([...runs].sort(runComparator(clauses))),
        JSON.stringify(entries),
      );
    }
    assert.deepEqual(ids(runs), before);
  });
});
