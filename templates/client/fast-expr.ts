/**
 * vega-interpreter with a fast path for the expressions evaluated once per data point. The interpreter sets up a new
 * evaluation context (a prototype object and six closures) for every expression of every point, which made drawing
 * the charts' points most of a page's script time. Expressions made only of literals, `datum["field"]`, a scale, the
 * validity checks vega-lite emits and plain operators are turned into closures once, when the chart is parsed; any
 * other expression is left to vega-interpreter, so its guards apply as before.
 */
import { expressionInterpreter } from 'vega-interpreter';

interface Node {
  type: string;
  value?: unknown;
  name?: string;
  computed?: boolean;
  object?: Node;
  property?: Node;
  callee?: Node;
  arguments?: Node[];
  operator?: string;
  argument?: Node;
  left?: Node;
  right?: Node;
  test?: Node;
  consequent?: Node;
  alternate?: Node;
}

type Fns = Record<string, ((...args: unknown[]) => unknown) | undefined>;
type Compiled = (datum: Record<string, unknown>, params: unknown) => unknown;

/** Field names a closure may read from a datum: never the object's own machinery. */
const UNSAFE_FIELDS = new Set(['__proto__', 'constructor', 'prototype']);

const BINARY: Record<string, (a: never, b: never) => unknown> = {
  '+': (a, b) => (a as number) + (b as number),
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** The functions the fast path calls, looked up as vega-interpreter does (the view's own first). */
function callable(fn: Fns, name: string): ((...args: unknown[]) => unknown) | null {
  const plain = name.startsWith('_') ? name.slice(1) : name;
  if (plain === 'scale' || plain === 'isValid' || plain === 'toNumber') return fn[plain] ?? null;
  if (plain === 'isFinite') return fn[plain] ?? Number.isFinite;
  if (plain === 'isNaN') return fn[plain] ?? Number.isNaN;
  return null;
}

/** A closure for `n`, or null when `n` uses anything outside the fast path. */
export function compile(n: Node, fn: Fns): Compiled | null {
  switch (n.type) {
    case 'Literal': {
      if (n.value instanceof RegExp) return null;
      const v = n.value;
      return () => v;
    }
    case 'MemberExpression': {
      const field = n.property?.type === 'Literal' ? n.property.value : undefined;
      if (!n.computed || n.object?.type !== 'Identifier' || n.object.name !== 'datum') return null;
      if (typeof field !== 'string' || UNSAFE_FIELDS.has(field)) return null;
      return (d) => d[field];
    }
    case 'CallExpression': {
      const f = n.callee?.type === 'Identifier' ? callable(fn, n.callee.name as string) : null;
      const args = (n.arguments ?? []).map((a) => compile(a, fn));
      if (!f || args.some((a) => a === null)) return null;
      const [a, b] = args as Compiled[];
      if (args.length === 1) return (d, p) => f.call(fn, a!(d, p));
      if (args.length === 2) return (d, p) => f.call(fn, a!(d, p), b!(d, p));
      return (d, p) =>
        f.apply(
          fn,
          (args as Compiled[]).map((x) => x(d, p)),
        );
    }
    case 'UnaryExpression': {
      const a = n.argument ? compile(n.argument, fn) : null;
      if (!a) return null;
      if (n.operator === '+') return (d, p) => +(a(d, p) as number);
      if (n.operator === '-') return (d, p) => -(a(d, p) as number);
      if (n.operator === '!') return (d, p) => !a(d, p);
      return null;
    }
    case 'LogicalExpression':
    case 'BinaryExpression': {
      const l = n.left ? compile(n.left, fn) : null;
      const r = n.right ? compile(n.right, fn) : null;
      if (!l || !r) return null;
      if (n.operator === '&&') return (d, p) => l(d, p) && r(d, p);
      if (n.operator === '||') return (d, p) => l(d, p) || r(d, p);
      const op = BINARY[n.operator as string];
      return op ? (d, p) => op(l(d, p) as never, r(d, p) as never) : null;
    }
    case 'ConditionalExpression': {
      const [t, c, a] = [n.test, n.consequent, n.alternate].map((x) => (x ? compile(x, fn) : null));
      return t && c && a ? (d, p) => (t(d, p) ? c(d, p) : a(d, p)) : null;
    }
    default:
      return null;
  }
}

/** Channels that make vega-interpreter adjust an item's geometry after encoding; those encoders stay with it. */
const SPATIAL = ['x2', 'xc', 'y2', 'yc'];

interface Ctx {
  functions: Fns;
}
interface Encode {
  marktype: string;
  channels: Record<string, { ast: Node }>;
}

/** An `expr` option for `new vega.View`: vega-interpreter, with per-point expressions compiled when possible. */
export const fastInterpreter = {
  ...expressionInterpreter,
  parameter(ctx: Ctx, expr: { ast: Node }) {
    const c = compile(expr.ast, ctx.functions);
    return c ?? expressionInterpreter.parameter(ctx, expr);
  },
  encode(ctx: Ctx, encode: Encode) {
    const names = Object.keys(encode.channels);
    const compiled = names.map((k) => compile(encode.channels[k]!.ast, ctx.functions));
    if (names.some((k) => SPATIAL.includes(k)) || compiled.some((c) => c === null))
      return expressionInterpreter.encode(ctx, encode);
    const fns = compiled as Compiled[];
    return (item: Record<string, unknown> & { datum: Record<string, unknown> }, params: unknown): number => {
      let changed = 0;
      for (let i = 0; i < names.length; i++) {
        const v = fns[i]!(item.datum, params);
        const name = names[i] as string;
        if (item[name] !== v) {
          item[name] = v;
          changed = 1;
        }
      }
      return changed;
    };
  },
};
