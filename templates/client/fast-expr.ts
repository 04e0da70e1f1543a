/**
 * vega-interpreter with a fast path for the expressions evaluated once per data point. The interpreter sets up a new
 * evaluation context (a prototype object and six closures) for every expression of every point, which made drawing
 * the charts' points most of a page's script time. Here an expression is turned into closures once, when the chart is
 * parsed, with the interpreter's semantics and guards (no Function/eval/timers handed out, no Object.prototype keys
 * set); any expression using what is not covered (events, regular expressions, other built-ins) is left to
 * vega-interpreter whole.
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
type Compiled = (datum: Record<string, unknown>, params: Record<string, unknown>, item?: unknown) => unknown;

/** What vega-interpreter refuses to hand out or to set, kept as it does. */
const DISALLOWED_METHODS = new Set<unknown>([Function, eval, setTimeout, setInterval]);
const DISALLOWED_PROPERTIES = new Set([
  ...Object.getOwnPropertyNames(Object.prototype).filter(
    (k) => typeof (Object.prototype as Record<string, unknown>)[k] === 'function',
  ),
  '__proto__',
  'then',
]);
/** Field names a closure may read: never the object's own machinery. */
const UNSAFE_FIELDS = new Set(['__proto__', 'constructor', 'prototype']);

const CONSTANTS: Record<string, number> = {
  NaN: Number.NaN,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  PI: Math.PI,
  SQRT1_2: Math.SQRT1_2,
  SQRT2: Math.SQRT2,
  MIN_VALUE: Number.MIN_VALUE,
  MAX_VALUE: Number.MAX_VALUE,
};

/** vega-interpreter's math functions (its other built-ins stay with it). */
const MATH: Record<string, (...args: never[]) => unknown> = {
  isNaN: Number.isNaN,
  isFinite: Number.isFinite,
  clamp: (a: number, b: number, c: number) => Math.max(b, Math.min(c, a)),
  ...Object.fromEntries(
    ['abs', 'acos', 'asin', 'atan', 'atan2', 'ceil', 'cos', 'exp', 'floor', 'hypot', 'log']
      .concat(['max', 'min', 'pow', 'round', 'sin', 'sqrt', 'tan'])
      .map((k) => [k, (Math as unknown as Record<string, (...args: never[]) => unknown>)[k]!]),
  ),
};

const BINARY: Record<string, (a: never, b: never) => unknown> = {
  '+': (a, b) => (a as number) + (b as number),
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** Functions that read the current event: left to vega-interpreter. */
const EVENT_FUNCTIONS = new Set(['view', 'item', 'group', 'xy', 'x', 'y']);

/** The function a call names, looked up as vega-interpreter does (the view's own first, then its math). */
function callable(fn: Fns, name: string): ((...args: unknown[]) => unknown) | null {
  const plain = name.startsWith('_') ? name.slice(1) : name;
  if (EVENT_FUNCTIONS.has(plain)) return null;
  return fn[plain] ?? (MATH[plain] as ((...args: unknown[]) => unknown) | undefined) ?? null;
}

function identifier(name: string): Compiled | null {
  if (name === 'datum') return (d) => d;
  if (name === 'item') return (_d, _p, it) => it;
  if (name === 'event') return null;
  const c = CONSTANTS[name];
  if (c) return () => c;
  const key = `$${name}`;
  return (_d, p) => p?.[key];
}

function member(n: Node, fn: Fns): Compiled | null {
  const obj = n.object ? compile(n.object, fn) : null;
  if (!obj || !n.property) return null;
  if (!n.computed) {
    const name = n.property.name;
    if (typeof name !== 'string' || UNSAFE_FIELDS.has(name)) return null;
    return (d, p, it) => {
      const v = (obj(d, p, it) as Record<string, unknown>)[name];
      return DISALLOWED_METHODS.has(v) ? undefined : v;
    };
  }
  if (n.property.type === 'Literal' && typeof n.property.value === 'string') {
    const field = n.property.value;
    if (UNSAFE_FIELDS.has(field)) return null;
    if (n.object?.type === 'Identifier' && n.object.name === 'datum') return (d) => d[field];
  }
  const prop = compile(n.property, fn);
  if (!prop) return null;
  return (d, p, it) => {
    const k = prop(d, p, it) as string;
    if (UNSAFE_FIELDS.has(k)) return undefined;
    const v = (obj(d, p, it) as Record<string, unknown>)[k];
    return DISALLOWED_METHODS.has(v) ? undefined : v;
  };
}

function call(n: Node, fn: Fns): Compiled | null {
  const name = n.callee?.type === 'Identifier' ? (n.callee.name as string) : '';
  const args = (n.arguments ?? []).map((a) => compile(a, fn));
  if (args.some((a) => a === null)) return null;
  const cs = args as Compiled[];
  if (name === 'if' || name === '_if') {
    const [t, a, b] = cs;
    return t && a && b ? (d, p, it) => (t(d, p, it) ? a(d, p, it) : b(d, p, it)) : null;
  }
  const f = name ? callable(fn, name) : null;
  if (!f) return null;
  const [a, b] = cs;
  if (cs.length === 1) return (d, p, it) => f.call(fn, a!(d, p, it));
  if (cs.length === 2) return (d, p, it) => f.call(fn, a!(d, p, it), b!(d, p, it));
  return (d, p, it) =>
    f.apply(
      fn,
      cs.map((x) => x(d, p, it)),
    );
}

function object(n: Node & { properties?: { key: Node; value: Node }[] }, fn: Fns): Compiled | null {
  const props: [string, Compiled][] = [];
  for (const prop of n.properties ?? []) {
    const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
    const value = compile(prop.value, fn);
    if (typeof key !== 'string' || DISALLOWED_PROPERTIES.has(key) || !value) return null;
    props.push([key, value]);
  }
  return (d, p, it) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of props) {
      const x = v(d, p, it);
      if (!DISALLOWED_METHODS.has(x)) o[k] = x;
    }
    return o;
  };
}

/** A closure for `n`, or null when `n` uses anything outside the fast path. */
export function compile(n: Node, fn: Fns): Compiled | null {
  switch (n.type) {
    case 'Literal': {
      if (n.value instanceof RegExp || (n as { regex?: unknown }).regex) return null;
      const v = n.value;
      return () => v;
    }
    case 'Identifier':
      return identifier(n.name as string);
    case 'MemberExpression':
      return member(n, fn);
    case 'CallExpression':
      return call(n, fn);
    case 'ArrayExpression': {
      const items = ((n as { elements?: Node[] }).elements ?? []).map((e) => compile(e, fn));
      if (items.some((e) => e === null)) return null;
      return (d, p, it) => (items as Compiled[]).map((e) => e(d, p, it));
    }
    case 'ObjectExpression':
      return object(n, fn);
    case 'UnaryExpression': {
      const a = n.argument ? compile(n.argument, fn) : null;
      if (!a) return null;
      if (n.operator === '+') return (d, p, it) => +(a(d, p, it) as number);
      if (n.operator === '-') return (d, p, it) => -(a(d, p, it) as number);
      if (n.operator === '!') return (d, p, it) => !a(d, p, it);
      return null;
    }
    case 'LogicalExpression':
    case 'BinaryExpression': {
      const l = n.left ? compile(n.left, fn) : null;
      const r = n.right ? compile(n.right, fn) : null;
      if (!l || !r) return null;
      if (n.operator === '&&') return (d, p, it) => l(d, p, it) && r(d, p, it);
      if (n.operator === '||') return (d, p, it) => l(d, p, it) || r(d, p, it);
      const op = BINARY[n.operator as string];
      return op ? (d, p, it) => op(l(d, p, it) as never, r(d, p, it) as never) : null;
    }
    case 'ConditionalExpression': {
      const [t, c, a] = [n.test, n.consequent, n.alternate].map((x) => (x ? compile(x, fn) : null));
      return t && c && a ? (d, p, it) => (t(d, p, it) ? c(d, p, it) : a(d, p, it)) : null;
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
    return c ?? (expressionInterpreter.parameter(ctx, expr) as unknown);
  },
  encode(ctx: Ctx, encode: Encode) {
    const names = Object.keys(encode.channels);
    const compiled = names.map((k) => compile(encode.channels[k]!.ast, ctx.functions));
    if (names.some((k) => SPATIAL.includes(k)) || compiled.some((c) => c === null))
      return expressionInterpreter.encode(ctx, encode) as unknown;
    const fns = compiled as Compiled[];
    return (
      item: Record<string, unknown> & { datum: Record<string, unknown> },
      params: Record<string, unknown>,
    ): number => {
      let changed = 0;
      for (let i = 0; i < names.length; i++) {
        const v = fns[i]!(item.datum, params, item);
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
