import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../../src/core/entities.js';
import { compileAst, compileFilter, compileLike, parseFilter } from '../../../src/core/search/index.js';
import { ids, makeRun } from './helpers.js';

const runs: Run[] = [
  makeRun({
    id: 'a1',
    name: 'alpha',
    user: 'ada',
    status: 'FINISHED',
    startTime: 100,
    endTime: 200,
    experimentId: '1',
    metrics: { acc: 0.9, loss: 0.1, 'f1-score': 0.8, 'val.loss': 0.2 },
    params: { lr: '0.01', model: 'CNN-v1', 'a b': 'x' },
    tags: { 'mlflow.runName': 'alpha', team: 'Vision' },
    inputs: [
      { name: 'mnist', digest: 'd1', sourceType: 'local', source: '/d', context: 'training' },
      { name: 'mnist-test', digest: 'd2', sourceType: 'local', source: '/t', context: 'eval' },
    ],
  }),
  makeRun({
    id: 'b2',
    name: 'beta',
    user: 'bob',
    status: 'RUNNING',
    startTime: 300,
    endTime: null,
    experimentId: '1',
    metrics: { acc: 0.5, loss: Number.NaN },
    params: { lr: '0.1', model: 'cnn.v2' },
    tags: { team: 'nlp' },
    inputs: [{ name: 'imdb', digest: 'd3', sourceType: 'hf', source: 'imdb' }],
  }),
  makeRun({
    id: 'c3',
    name: 'gamma run',
    user: 'cy',
    status: 'FAILED',
    startTime: 200,
    endTime: 250,
    experimentId: '2',
    metrics: { acc: Number.POSITIVE_INFINITY, loss: Number.NEGATIVE_INFINITY },
    params: { model: 'rnn' },
  }),
  makeRun({ id: 'd4', name: 'delta', startTime: 50, endTime: 60, experimentId: '2' }),
];

const hits = (filter: string): string[] => ids(runs.filter(compileFilter(filter)));

describe('compileFilter: metrics and numeric attributes', () => {
  it('supports every numeric comparator', () => {
    assert.deepEqual(hits('metrics.acc = 0.5'), ['b2']);
    assert.deepEqual(hits('metrics.acc != 0.5'), ['a1', 'c3']);
    assert.deepEqual(hits('metrics.acc < 0.9'), ['b2']);
    assert.deepEqual(hits('metrics.acc <= 0.9'), ['a1', 'b2']);
    assert.deepEqual(hits('metrics.acc > 0.5'), ['a1', 'c3']);
    assert.deepEqual(hits('metrics.acc >= 0.5'), ['a1', 'b2', 'c3']);
    assert.deepEqual(hits('metric.acc > -1e3'), ['a1', 'b2', 'c3']);
  });

  it('finds keys written in backticks or with dots', () => {
    assert.deepEqual(hits('metrics.`f1-score` >= 0.8'), ['a1']);
    assert.deepEqual(hits('metrics."val.loss" < 1'), ['a1']);
    assert.deepEqual(hits('metrics.val.loss < 1'), ['a1']);
  });

  it('never matches runs lacking the metric, != included', () => {
    assert.deepEqual(hits('metrics.acc != 123'), ['a1', 'b2', 'c3']);
    assert.deepEqual(hits('metrics.nope != 1'), []);
    assert.deepEqual(hits('metrics.constructor != 1'), [], 'inherited names are not metrics');
  });

  it('compares NaN and Infinity as IEEE 754: NaN matches only !=', () => {
    assert.deepEqual(hits('metrics.loss = 0'), []);
    assert.deepEqual(hits('metrics.loss < 1'), ['a1', 'c3']);
    assert.deepEqual(hits('metrics.loss > -1'), ['a1']);
    assert.deepEqual(hits('metrics.loss != 0.1'), ['b2', 'c3']);
    assert.deepEqual(hits('metrics.loss >= -1e308'), ['a1']);
    assert.deepEqual(hits('metrics.acc > 1e308'), ['c3']);
    assert.deepEqual(hits('metrics.acc = 1.7976931348623157e308'), [], 'Infinity is not stored as MAX_VALUE');
  });

  it('compares start_time (alias created) and end_time; a running run has no end_time', () => {
    assert.deepEqual(hits('attributes.start_time > 100'), ['b2', 'c3']);
    assert.deepEqual(hits('created <= 100'), ['a1', 'd4']);
    assert.deepEqual(hits('start_time = 300'), ['b2']);
    assert.deepEqual(hits('run.start_time != 300'), ['a1', 'c3', 'd4']);
    assert.deepEqual(hits('end_time >= 200'), ['a1', 'c3']);
    assert.deepEqual(hits('end_time < 100'), ['d4']);
    assert.deepEqual(hits('end_time != 0'), ['a1', 'c3', 'd4']);
  });
});

describe('compileFilter: params, tags and string attributes', () => {
  it('supports = != LIKE ILIKE on params; missing params never match', () => {
    assert.deepEqual(hits("params.lr = '0.01'"), ['a1']);
    assert.deepEqual(hits("params.lr != '0.01'"), ['b2']);
    assert.deepEqual(hits("params.model LIKE 'CNN%'"), ['a1']);
    assert.deepEqual(hits("params.model ILIKE 'cnn%'"), ['a1', 'b2']);
    assert.deepEqual(hits(`param.model LIKE "_nn"`), ['c3']);
    assert.deepEqual(hits("parameters.`a b` = 'x'"), ['a1']);
  });

  it('supports = != LIKE ILIKE on tags', () => {
    assert.deepEqual(hits("tags.team = 'nlp'"), ['b2']);
    assert.deepEqual(hits("tags.team != 'nlp'"), ['a1']);
    assert.deepEqual(hits("tags.team LIKE 'vis%'"), []);
    assert.deepEqual(hits("tag.team ILIKE 'VIS%'"), ['a1']);
    assert.deepEqual(hits("tags.`mlflow.runName` = 'alpha'"), ['a1']);
  });

  it('supports = != LIKE ILIKE on every string attribute', () => {
    assert.deepEqual(hits("run_id = 'b2'"), ['b2']);
    assert.deepEqual(hits("attributes.run_id != 'b2'"), ['a1', 'c3', 'd4']);
    assert.deepEqual(hits("run_name LIKE '%a'"), ['a1', 'b2', 'd4']);
    assert.deepEqual(hits(`"run name" = 'gamma run'`), ['c3']);
    assert.deepEqual(hits("user_id ILIKE 'ADA'"), ['a1', 'd4']);
    assert.deepEqual(hits("status = 'RUNNING'"), ['b2']);
    assert.deepEqual(hits("status != 'RUNNING'"), ['a1', 'c3', 'd4']);
    assert.deepEqual(hits("experiment_id = '2'"), ['c3', 'd4']);
  });

  it('matches artifact_uri only on runs that carry one', () => {
    const withUri = { ...makeRun({ id: 'u' }), artifactUri: 'file:///tmp/a' } as Run;
    assert.equal(compileFilter("artifact_uri LIKE 'file:%'")(withUri), true);
    assert.deepEqual(hits("artifact_uri != 'x'"), []);
  });

  it('supports IN and NOT IN on run_id', () => {
    assert.deepEqual(hits("run_id IN ('a1', 'c3', 'zz')"), ['a1', 'c3']);
    assert.deepEqual(hits(`run_id NOT IN ("a1", 'c3')`), ['b2', 'd4']);
  });

  it('joins clauses with AND in any case', () => {
    assert.deepEqual(hits("metrics.acc > 0.1 and params.model ILIKE 'cnn%' AnD tags.team = 'nlp'"), ['b2']);
    assert.deepEqual(hits("metrics.acc > 0.1 AND params.nope = 'x'"), []);
  });

  it('matches every run for an empty filter', () => {
    assert.deepEqual(hits(''), ['a1', 'b2', 'c3', 'd4']);
    assert.deepEqual(ids(runs.filter(compileAst(parseFilter('  ')))), ['a1', 'b2', 'c3', 'd4']);
  });
});

describe('compileFilter: datasets', () => {
  it('matches when any input matches, on name, digest and context', () => {
    assert.deepEqual(hits("datasets.name = 'mnist-test'"), ['a1']);
    assert.deepEqual(hits("dataset.digest = 'd3'"), ['b2']);
    assert.deepEqual(hits("datasets.context = 'eval'"), ['a1']);
    assert.deepEqual(hits("datasets.name LIKE 'mnist%'"), ['a1']);
    assert.deepEqual(hits("datasets.name ILIKE 'IMDB'"), ['b2']);
    assert.deepEqual(hits("datasets.name != 'mnist'"), ['a1', 'b2'], 'a1 has another input; c3, d4 have none');
    assert.deepEqual(hits("datasets.digest IN ('d1', 'd3')"), ['a1', 'b2']);
    assert.deepEqual(hits("datasets.name NOT IN ('mnist', 'mnist-test')"), ['b2']);
    assert.deepEqual(hits("datasets.context != 'x'"), ['a1'], 'inputs without a context do not match');
  });
});

describe('compileLike', () => {
  it('treats % and _ as wildcards and everything else literally', () => {
    const like = (p: string, v: string, i = false): boolean => compileLike(p, i)(v);
    assert.equal(like('a%', 'abc'), true);
    assert.equal(like('a%', 'ba'), false);
    assert.equal(like('%', ''), true);
    assert.equal(like('a_c', 'abc'), true);
    assert.equal(like('a_c', 'ac'), false);
    assert.equal(like('a.c', 'abc'), false, '. is literal');
    assert.equal(like('a.c', 'a.c'), true);
    assert.equal(like('(a)+[b]*{2}|$^?/', '(a)+[b]*{2}|$^?/'), true, 'regex syntax is literal');
    assert.equal(like('(a)+', 'aa'), false);
    assert.equal(like('a\\%', 'a%'), true, '\\ escapes a wildcard');
    assert.equal(like('a\\%', 'ab'), false);
    assert.equal(like('a\\_', 'a_'), true);
    assert.equal(like('ABC', 'abc'), false, 'LIKE is case-sensitive');
    assert.equal(like('ABC', 'abc', true), true, 'ILIKE is not');
    assert.equal(like('a%z', 'a\nmiddle\nz'), true, '% spans newlines');
    assert.equal(like('_', '😀'), true, '_ is one character, not one UTF-16 unit');
  });

  it('applies LIKE literally through a filter', () => {
    const r = makeRun({ id: 'x', params: { v: '1.5' } });
    assert.equal(compileFilter("params.v LIKE '1.5'")(r), true);
    assert.equal(compileFilter("params.v LIKE '1.%'")(r), true);
    assert.equal(compileFilter("params.v LIKE '1x5'")(makeRun({ id: 'y', params: { v: '1x5' } })), true);
    assert.equal(compileFilter("params.v LIKE '1.5'")(makeRun({ id: 'z', params: { v: '1x5' } })), false);
  });
});

describe('LIKE matching is linear', () => {
  it('agrees with a regex reference on 3,000 seeded random patterns and values', () => {
    let seed = Number(process.env['TRACKLAB_LIKE_SEED'] ?? 20261205);
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = (chars: string, n: number): string =>
      Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = pick('ab%_Aé', Math.floor(random() * 7));
      const value = pick('abAÉé', Math.floor(random() * 8));
      const source = Array.from(pattern, (c) => (c === '%' ? '[^]*' : c === '_' ? '[^]' : c)).join('');
      for (const ignoreCase of [false, true]) {
        const expected = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(value);
        assert.equal(
          compileLike(pattern, ignoreCase)(value),
          expected,
          `${JSON.stringify(pattern)} on ${JSON.stringify(value)}`,
        );
      }
    }
  });

  it("'%%%%%%%%b' over a 3,000-character value answers at once", () => {
    const started = performance.now();
    const long = 'a'.repeat(3000);
    assert.equal(compileLike('%%%%%%%%b', false)(long), false);
    assert.equal(compileLike('%a%a%a%a%a%a%a%a%b', true)(long), false);
    assert.equal(compileLike('%_%_%_%_%_%_%_%_%a', false)(long), true);
    assert.ok(performance.now() - started < 1000, 'LIKE took more than a second');
  });
});
