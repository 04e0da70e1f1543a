/**
 * A reader for the flat `key: scalar` meta.yaml files MLflow and tracklab write for experiments, runs and inputs,
 * used before the YAML library so that searching a folder need not load or run a full YAML parser. It accepts only
 * lines whose meaning is certain (integers, null, plain words, quoted strings without escapes, `[]`/`{}`) and answers
 * undefined for anything else, which the caller then parses with the YAML library, so a document it accepts reads
 * exactly as the library would read it.
 */

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
const INTEGER = /^-?[0-9]+$/;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
/** Plain scalars that are certainly strings: no indicator first, no `: ` or ` #`, nothing YAML reads as bool/number. */
const SAFE_PLAIN = /^[A-Za-z0-9_/.][^\t#'"]*$/;
const NOT_A_STRING =
  /^(?:true|false|yes|no|on|off|[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:e[-+]?[0-9]+)?|\.(?:inf|nan)|0x[0-9a-f_]+|0o[0-7_]+)$/i;

function scalar(raw: string): { value: unknown } | undefined {
  const text = raw.trimEnd();
  if (NULLS.has(text)) return { value: null };
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? { value: n } : undefined;
  }
  if (text === '[]') return { value: [] };
  if (text === '{}') return { value: {} };
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    return inner.replaceAll("''", '').includes("'") ? undefined : { value: inner.replaceAll("''", "'") };
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    const inner = text.slice(1, -1);
    return /["\\]/.test(inner) ? undefined : { value: inner };
  }
  if (!SAFE_PLAIN.test(text) || NOT_A_STRING.test(text) || text.includes(': ') || text.endsWith(':')) return undefined;
  return { value: text };
}

/**
 * The mapping of a flat meta.yaml, or undefined when the text holds anything beyond one `key: scalar` per line
 * (comments, nesting, continuation lines, escapes, tags, anchors, documents markers, duplicate keys).
 */
export function parseFlatMeta(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let keys = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = KEY_LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m === null) return undefined;
    const key = m[1] as string;
    if (key in out || key === '__proto__') return undefined;
    const v = scalar(m[2] ?? '');
    if (v === undefined) return undefined;
    out[key] = v.value;
    keys += 1;
  }
  return keys === 0 ? undefined : { ...out };
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Strings the library writes plain for certain: no indicator first, nothing it reads as another type. */
const PLAIN_TEXT = /^[A-Za-z0-9_/][A-Za-z0-9_./:=+@~,() -]*$/;
/** Strings the core schema reads as another type, which the library then writes in double quotes. */
const CORE_NOT_STRING = /^(?:-?[0-9]+|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

function flatScalar(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : undefined;
  if (typeof value !== 'string') return undefined;
  if (value === '' || CORE_NOT_STRING.test(value)) return `"${value}"`;
  if (!PLAIN_TEXT.test(value) || NOT_A_STRING.test(value) || value.endsWith(' ') || value.endsWith(':'))
    return undefined;
  return value.includes(': ') || value.includes(' #') ? undefined : value;
}

/**
 * The text the YAML library writes for a flat mapping of plain scalars (sorted keys, block style), built without it:
 * run and experiment meta.yaml files are written thousands of times by an import. Undefined for anything whose form
 * is not certain, which the caller then writes with the library.
 */
export function stringifyFlatMeta(data: Record<string, unknown>): string | undefined {
  let out = '';
  for (const key of Object.keys(data).sort()) {
    if (!PLAIN_KEY.test(key) || CORE_NOT_STRING.test(key) || NOT_A_STRING.test(key)) return undefined;
    const value = data[key];
    if (value === undefined) continue;
    const text = flatScalar(value);
    if (text === undefined) return undefined;
    out += `${key}: ${text}\n`;
  }
  return out === '' ? undefined : out;
}
