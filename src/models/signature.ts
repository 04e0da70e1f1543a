/**
 * Model signatures in MLflow's schema: columns `{ name, type, required }` with types boolean, long, double, string,
 * binary, datetime; or a tensor `{ type: 'tensor', 'tensor-spec': { dtype, shape } }` for number matrices.
 * `inferSchema` derives one from an example, pure.
 */
import { invalid } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';

export type ColumnType = 'boolean' | 'integer' | 'long' | 'float' | 'double' | 'string' | 'binary' | 'datetime';
export interface ColumnSpec {
  name?: string;
  type: ColumnType;
  required?: boolean;
}
export interface TensorSpec {
  name?: string;
  type: 'tensor';
  'tensor-spec': { dtype: 'float64' | 'int64' | 'bool' | 'str'; shape: number[] };
}
export type SchemaItem = ColumnSpec | TensorSpec;
export interface Signature {
  inputs: SchemaItem[];
  outputs?: SchemaItem[];
}

/**
 * Infers a schema: an array of records (or one record) gives named columns; a matrix gives a tensor [-1, width];
 * an array of scalars gives a tensor [-1].
 * @example
 * inferSchema([{ x: 1.5, label: 'a' }]);
 * // [{ name: 'x', type: 'double', required: true }, { name: 'label', type: 'string', required: true }]
 */
export function inferSchema(example: unknown, what = 'input example'): SchemaItem[] {
  if (Array.isArray(example) && example.length > 0 && example.every(Array.isArray))
    return [matrixSpec(example as unknown[][], what)];
  if (Array.isArray(example) && example.length > 0 && example.every(isScalar)) {
    return [{ type: 'tensor', 'tensor-spec': { dtype: dtypeOf(example, what), shape: [-1] } }];
  }
  const records = Array.isArray(example) ? example : [example];
  if (records.length === 0 || !records.every(isRecord)) {
    throw invalid(msg.noSignatureShape(what));
  }
  const names = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return names.map((name) => {
    const values = records.map((r) => r[name]).filter((v) => v !== undefined && v !== null);
    const required = values.length === records.length;
    return { name, type: columnType(values, `${what} column "${name}"`), required };
  });
}

function matrixSpec(rows: unknown[][], what: string): TensorSpec {
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw invalid(msg.raggedMatrix(what));
  return { type: 'tensor', 'tensor-spec': { dtype: dtypeOf(rows.flat(), what), shape: [-1, width] } };
}

function dtypeOf(values: unknown[], what: string): TensorSpec['tensor-spec']['dtype'] {
  const type = columnType(values, what);
  return type === 'long'
    ? 'int64'
    : type === 'double'
      ? 'float64'
      : type === 'boolean'
        ? 'bool'
        : type === 'string'
          ? 'str'
          : failDtype(what, type);
}

const failDtype = (what: string, type: string): never => {
  throw invalid(msg.tensorType(what, type));
};

function columnType(values: unknown[], what: string): ColumnType {
  const types = new Set(values.map(valueType));
  if (types.has('long') && types.has('double')) types.delete('long');
  if (types.size === 0) return 'string';
  const [only] = types;
  if (types.size > 1 || only === undefined || only === 'unsupported') {
    throw invalid(msg.mixedTypes(what, [...types]));
  }
  return only;
}

function valueType(v: unknown): ColumnType | 'unsupported' {
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof Date) return 'datetime';
  if (v instanceof Uint8Array) return 'binary';
  return 'unsupported';
}

const isScalar = (v: unknown): boolean => ['number', 'boolean', 'string'].includes(typeof v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

/** Checks a user-given signature's shape (so a typo fails at logModel, not in a report months later). */
export function checkSignature(signature: unknown): Signature {
  const ok = (items: unknown): boolean =>
    Array.isArray(items) && items.every((c) => isRecord(c) && typeof c['type'] === 'string');
  if (
    !isRecord(signature) ||
    !ok(signature['inputs']) ||
    (signature['outputs'] !== undefined && !ok(signature['outputs']))
  ) {
    throw invalid(msg.signatureInvalid());
  }
  return signature as unknown as Signature;
}
