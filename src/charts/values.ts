/** Metric values in page data and chart data: JSON has no NaN or infinities, so they travel as strings. */

/** JSON-safe metric value: non-finite numbers become the strings "NaN", "Infinity", "-Infinity" (tracklab's codec). */
export function encodeValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** A metric value from page or chart data: a number, or one of the strings encodeValue writes; else undefined. */
export function decodeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value);
    if (value === 'NaN' || !Number.isNaN(n)) return n;
  }
  return undefined;
}
