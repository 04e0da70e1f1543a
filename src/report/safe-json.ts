/**
 * JSON that is safe inside an HTML `<script type="application/json">` element or a classic script file:
 * `<`, `>`, `&`, U+2028 and U+2029 are written as \u escapes, so `</script>` in a value cannot end the element.
 * Non-finite numbers become "NaN" / "Infinity" / "-Infinity" (tracklab's number codec).
 */
const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function safeJson(value: unknown, encodeNonFinite = true): string {
  const text = encodeNonFinite
    ? JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v,
      )
    : JSON.stringify(value);
  return (text ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);
}
