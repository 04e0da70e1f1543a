/**
 * NaN and +-Infinity policy: JSON has no such numbers, so wherever a metric value is written as JSON (the store's
 * files, the CLI's --json) it becomes the string "NaN", "Infinity" or "-Infinity", and reading turns it back into the
 * number. Every value round-trips exactly; finite numbers are written with JavaScript's shortest round-trip form, and
 * -0 as `-0` in text we write ourselves, or the string "-0" where JSON.stringify writes (it would turn -0 into 0).
 */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

const isNegativeZero = (value: number): boolean => value === 0 && 1 / value < 0;

export function encodeNumber(value: number): EncodedNumber {
  if (isNegativeZero(value)) return '-0';
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** The JSON text of a metric value. */
export function numberToJson(value: number): string {
  if (isNegativeZero(value)) return '-0';
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

export function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (value === '-0') return -0;
  return undefined;
}

/** JSON.stringify replacer that keeps non-finite numbers and -0 (which JSON.stringify would turn into null and 0). */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && (!Number.isFinite(value) || isNegativeZero(value)) ? encodeNumber(value) : value;
}
