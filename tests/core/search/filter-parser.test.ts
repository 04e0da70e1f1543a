import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter, type FilterClause } from '../../../src/core/search/index.js';
import { assertInvalid } from './helpers.js';

const only = (text: string): FilterClause => {
  const { clauses } = parseFilter(text);
  assert.equal(clauses.length, 1);
  return clauses[0]!;
};

describe('parseFilter: keys', () => {
  it('maps every prefix to its key kind', () => {
    const cases: [string, string][] = [
      ['metrics.a > 1', 'metric'],
      ['metric.a > 1', 'metric'],
      ["params.a = 'x'", 'param'],
      ["param.a = 'x'", 'param'],
      ["parameters.a = 'x'", 'param'],
      ["parameter.a = 'x'", 'param'],
      ["tags.a = 'x'", 'tag'],
      ["tag.a = 'x'", 'tag'],
      ["attributes.status = 'x'", 'attribute'],
      ["attr.status = 'x'", 'attribute'],
      ["run.status = 'x'", 'attribute'],
      ["status = 'x'", 'attribute'],
      ["datasets.name = 'x'", 'dataset'],
      ["dataset.name = 'x'", 'dataset'],
      ['METRICS.a > 1', 'metric'],
    ];
    for (const [text, kind] of cases) assert.equal(only(text).kind, kind, text);
  });

  it('reads keys in backticks and double quotes, and plain dotted keys', () => {
    assert.equal(only('metrics.`f1-score` > 0.5').key, 'f1-score');
    assert.equal(only(`params."a b" = 'x'`).key, 'a b');
    assert.equal(only("tags.`mlflow.runName` = 'x'").key, 'mlflow.runName');
    assert.equal(only('metrics.val.loss < 1').key, 'val.loss');
    assert.equal(only('metrics.`tick\\`ed` < 1').key, 'tick`ed');
  });

  it('resolves attribute aliases', () => {
    assert.equal(only('created > 5').key, 'start_time');
    assert.equal(only('attributes.Created > 5').key, 'start_time');
    assert.equal(only(`"run name" = 'x'`).key, 'run_name');
    assert.equal(only("attributes.`Run Name` = 'x'").key, 'run_name');
    assert.equal(only('end_time <= 5').key, 'end_time');
    for (const k of ['run_id', 'run_name', 'user_id', 'status', 'artifact_uri', 'experiment_id']) {
      assert.equal(only(`${k} = 'x'`).key, k);
    }
  });
});

describe('parseFilter: values and structure', () => {
  it('parses numbers, negative and with exponents', () => {
    const values = ['1', '-2', '0.5', '.5', '-1.5e3', '2E-2', '1e+2'].map((n) => only(`metrics.a = ${n}`).value);
    assert.deepEqual(values, [1, -2, 0.5, 0.5, -1500, 0.02, 100]);
  });

  it('reads strings in single or double quotes with backslash-escaped quotes', () => {
    assert.equal(only(String.raw`params.a = 'it\'s'`).value, "it's");
    assert.equal(only(String.raw`params.a = "say \"hi\""`).value, 'say "hi"');
    assert.equal(only(String.raw`params.a = 'back\\slash'`).value, 'back\\slash');
    assert.equal(only(`params.a = ''`).value, '');
  });

  it('joins clauses with AND in any case and keeps each clause text and column', () => {
    const { clauses } = parseFilter("metrics.a > 1 and params.b = 'x' AnD tags.c != 'y'");
    assert.deepEqual(
      clauses.map((c) => [c.kind, c.comparator, c.column, c.text]),
      [
        ['metric', '>', 0, 'metrics.a > 1'],
        ['param', '=', 18, "params.b = 'x'"],
        ['tag', '!=', 37, "tags.c != 'y'"],
      ],
    );
  });

  it('reads comparators without spaces and keywords in any case', () => {
    assert.equal(only('metrics.a>=1').comparator, '>=');
    assert.equal(only("params.a like 'x%'").comparator, 'LIKE');
    assert.equal(only("params.a iLike 'x%'").comparator, 'ILIKE');
    assert.deepEqual(only("run_id in ('a','b')").value, ['a', 'b']);
    const notIn = only(`run_id not   in ( 'a' , "b" )`);
    assert.deepEqual([notIn.comparator, notIn.value], ['NOT IN', ['a', 'b']]);
    assert.equal(only("datasets.digest IN ('d1')").type, 'list');
  });

  it('treats an empty or blank filter as no clauses', () => {
    assert.deepEqual(parseFilter('').clauses, []);
    assert.deepEqual(parseFilter('  \n ').clauses, []);
  });
});

describe('parseFilter: errors name the bad token, its column and what is allowed', () => {
  const cases: [string, ...string[]][] = [
    ['metrics.acc >> 1', 'invalid filter "metrics.acc >> 1"', 'unexpected ">" at column 13', 'expected a value'],
    ["metrics.acc LIKE 'x'", 'unknown comparator "LIKE" for metrics.acc at column 12', 'metrics allow = != < <= > >='],
    ['metrics.a > 1 OR metrics.b < 2', 'OR at column 14 is not supported', 'AND'],
    ["params.a IN ('x')", 'unknown comparator "IN" for params.a', 'params allow = != LIKE ILIKE'],
    ['tags.a > 1', 'unknown comparator ">" for tags.a', 'tags allow = != LIKE ILIKE'],
    ["status IN ('x')", 'unknown comparator "IN" for status', 'IN and NOT IN only work for run_id and datasets'],
    ["start_time LIKE '1'", 'unknown comparator "LIKE" for start_time', 'start_time and end_time allow = != < <= > >='],
    ['datasets.name > 1', 'unknown comparator ">" for datasets.name', 'datasets allow = != LIKE ILIKE IN NOT IN'],
    ['metrics.f1-score > 1', 'unexpected "-score" at column 10', 'a comparator', 'backticks'],
    ["foo.bar = 'x'", 'unknown key type "foo" at column 0', 'metrics., params., tags., attributes. or datasets.'],
    ["bogus = 'x'", 'unknown attribute "bogus" at column 0', 'run_id, run_name'],
    ["attributes.nope = 'x'", 'unknown attribute "nope" at column 11'],
    ["datasets.foo = 'x'", 'unknown dataset key "foo" at column 9', 'name, digest, context'],
    ['params.lr = 0.1', 'unexpected "0.1" at column 12', 'a quoted string for params.lr'],
    ["metrics.acc > '0.5'", `unexpected "'0.5'" at column 14`, 'a number for metrics.acc'],
    ['created > abc', 'unexpected "abc" at column 10', 'a number for created'],
    ['metrics.a > 1x', 'unexpected "1x" at column 12'],
    ["params.x = 'abc", 'unterminated string or key starting at column 11', "close it with '"],
    ["params.`x = 'abc'", 'unterminated string or key starting at column 7', 'close it with `'],
    ['metrics.a > 1 AND', 'unexpected end of filter at column 17', 'expected a key'],
    ['metrics.a > 1 metrics.b > 2', 'unexpected "metrics.b" at column 14', 'expected AND or end of filter'],
    ['metrics.a', 'unexpected end of filter at column 9', 'expected a comparator'],
    ['metrics. > 1', 'unexpected " " at column 8', 'expected a key'],
    ['> 1', 'unexpected ">" at column 0', 'expected a key'],
    ["metrics.a NOT LIKE 'x'", 'unexpected "LIKE" at column 14', 'IN after NOT'],
    ["run_id IN 'a'", `unexpected "'a'" at column 10`, 'a parenthesised list of quoted strings for run_id'],
    ["run_id IN ('a', 'b'", 'unexpected end of filter at column 19', '"," or ")"'],
    ['run_id IN ()', 'unexpected ")" at column 11', 'a quoted string'],
    ['run_id IN (1)', 'unexpected "1" at column 11', 'a quoted string'],
    ['metrics.a == 1', 'unexpected "=" at column 11'],
    ["params.a = 'x';", 'unexpected ";" at column 14'],
  ];
  for (const [text, ...fragments] of cases) {
    it(text, () => assertInvalid(() => parseFilter(text), `invalid filter ${JSON.stringify(text)}`, ...fragments));
  }
});
