/** Parameters of an entry point: `-P k=v` checked against the declared types, defaults filled in, the command built. */
import { invalid } from '../core/errors.js';
import type { EntryPoint, ParameterType } from './mlproject.js';
import { projectMessages as msg } from './messages.js';

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;

/** `["trees=50", "lr=0.1"]` -> { trees: '50', lr: '0.1' }; a malformed item is named. */
export function parseAssignments(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw invalid(msg.parameterNotPair(item));
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/**
 * Checks given values against the entry point's declared parameters and fills in defaults. Numbers are normalised
 * (`1e1` -> `10`) so the values a script logs itself match. Throws before anything runs, naming the first bad value.
 * @example resolveParameters(entry, { trees: '50' }) // { trees: '50', seed: '7' }
 */
export function resolveParameters(entry: EntryPoint, given: Readonly<Record<string, string>>): Record<string, string> {
  const declared = Object.keys(entry.parameters);
  for (const key of Object.keys(given)) {
    if (!(key in entry.parameters)) {
      const known = declared.join(', ') || 'none';
      throw invalid(msg.unknownParameter(entry.name, key, known));
    }
  }
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(entry.parameters)) {
    const value = given[key] ?? spec.default;
    if (value === undefined) {
      throw invalid(msg.missingParameter(entry.name, key, spec.type));
    }
    out[key] = checkValue(entry.name, key, spec.type, value);
  }
  return out;
}

function checkValue(entry: string, key: string, type: ParameterType, value: string): string {
  const bad = (what: string): never => {
    throw invalid(msg.parameterValueInvalid(key, entry, type, value, what));
  };
  switch (type) {
    case 'int':
      if (!INT_RE.test(value.trim()) || !Number.isSafeInteger(Number(value))) bad(msg.giveInt());
      return String(Number(value));
    case 'float':
      if (!FLOAT_RE.test(value.trim())) bad(msg.giveFloat());
      return String(floatOf(value));
    case 'path':
      if (value === '') bad(msg.givePath());
      return value;
    case 'uri':
      if (value === '' || (/^[a-z][a-z0-9+.-]*:/i.test(value) && !isUrl(value))) {
        bad(msg.giveUri());
      }
      return value;
    default:
      return value;
  }
}

function floatOf(value: string): number {
  if (/nan/i.test(value)) return NaN;
  if (/inf/i.test(value)) return value.trim().startsWith('-') ? -Infinity : Infinity;
  return Number(value);
}

function isUrl(value: string): boolean {
  try {
    return new URL(value).protocol !== '';
  } catch {
    return false;
  }
}

/** The values a notebook's parameters cell gets: numbers for int and float, text for the rest. */
export function typedValues(
  entry: EntryPoint,
  values: Readonly<Record<string, string>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(values)) {
    const type = entry.parameters[key]?.type;
    out[key] = type === 'int' || type === 'float' ? Number(value) : value;
  }
  return out;
}

/** Quotes a value for /bin/sh when it needs it, as Python's shlex.quote (MLflow quotes the same way). */
export function shellQuote(value: string): string {
  if (value !== '' && /^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The entry point's command with `{param}` replaced by the quoted values.
 * @example buildCommand(entry, { trees: '50' }) // 'node train.js --trees 50' for 'node train.js --trees {trees}'
 */
export function buildCommand(entry: EntryPoint, values: Readonly<Record<string, string>>): string {
  return (entry.command ?? '').replace(/\{([^{}\s]+)\}/g, (whole, key: string) => {
    const value = values[key];
    return value === undefined ? whole : shellQuote(value);
  });
}

/** The seed among the parameters: the value of the first one named like a seed (seed, random_seed, rngSeed...). */
export function seedOf(values: Readonly<Record<string, string>>): string | undefined {
  const key = Object.keys(values).find((k) => /seed/i.test(k));
  return key === undefined ? undefined : values[key];
}
