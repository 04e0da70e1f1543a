import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, fastInterpreter } from '../../templates/client/fast-expr.js';

type Ast = Parameters<typeof compile>[0];
const ast = (code: string): Ast => parseExpression(code) as unknown as Ast;
const fns = {
  scale: (name: unknown, v: unknown) => `${String(name)}(${String(v)})`,
  isValid: (v: unknown) => v !== null && v !== undefined && v === v,
};
const interpreted = (code: string, datum: object, params: object = {}): unknown =>
  (expressionInterpreter.parameter({ functions: fns }, { ast: ast(code) }) as (d: object, p: object) => unknown)(
    datum,
    params,
  );

const datum = { x: 3, y: -2.5, r: 'run a', s: '12', n: null, nested: { a: [1, 2] } };

test('compiled expressions give what vega-interpreter gives', () => {
  const codes = [
    'datum["x"] * 2 + datum.y',
    '(isValid(datum["x"]) && isFinite(+datum["x"])) || datum.n',
    'datum.x > 2 ? "big" : "small"',
    'if(datum.x < 0, 1, 2)',
    '{"run": datum.r, "value": round(datum.y * 10) / 10}',
    '[datum.x, datum.nested.a[1], -datum.s, !datum.n]',
    'scale("x", datum["x"])',
    'clamp(datum.x, 0, 2) + PI + max(1, datum.x) + $w',
    'datum.x % 2 == 1 && datum.x != "3" === false',
  ];
  for (const code of codes) {
    const c = compile(ast(code), fns);
    assert.ok(c, `compiled: ${code}`);
    assert.deepEqual(c(datum as never, { $w: 7 }), interpreted(code, datum, { $w: 7 }), code);
  }
});

test('what the fast path does not cover, or refuses, is left to vega-interpreter', () => {
  for (const code of [
    'datum.constructor',
    '{"__proto__": 1}',
    '{"toString": 1}',
    'test(/a/, datum.r)',
    'x()',
    'upper(datum.r)',
  ])
    assert.equal(compile(ast(code), fns as never), null, code);
  const dangerous = compile(ast('datum[datum.k]'), fns)!;
  assert.equal(dangerous({ k: '__proto__' }, {}), undefined);
  assert.equal(dangerous({ k: 'f', f: Function }, {}), undefined);
});

test('an encoder sets every channel and reports a change only when a value changed', () => {
  const enc = fastInterpreter.encode(
    { functions: fns },
    {
      marktype: 'symbol',
      channels: { x: { ast: ast('scale("x", datum.x)') }, size: { ast: ast('90') } },
    },
  ) as (item: object, p: object) => number;
  const item = { datum: { x: 1 } } as Record<string, unknown>;
  assert.equal(enc(item, {}), 1);
  assert.deepEqual([item['x'], item['size']], ['x(1)', 90]);
  assert.equal(enc(item, {}), 0);
});
