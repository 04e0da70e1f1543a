/**
 * NaN and +-Infinity policy: JSON has no such numbers, so wherever a metric value is written as JSON (the store's files,
 * the CLI's --json) it becomes the string "NaN", "Infinity" or "-Infinity", and reading turns it back into the number.
 * Every value round-trips exactly; finite numbers are written with JavaScript's shortest round-trip form.
 */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumber(value: number): EncodedNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** The JSON text of a metric value. */
export function numberToJson(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

export function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** JSON.stringify replacer that keeps non-finite numbers (which JSON.stringify would turn into null). */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? encodeNumber(value) : value;
}
