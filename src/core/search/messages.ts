/**
 * Every message text of run search, in one place so tests assert on the words users read.
 * Columns are 0-based offsets into the text, as `"metrics.acc >> 1"` -> column 13 for the second ">".
 */

export type SearchInput = 'filter' | 'order_by';

const quote = (text: string): string => JSON.stringify(text);

export const msg = {
  badInput: (what: SearchInput, text: string, detail: string): string => `invalid ${what} ${quote(text)}: ${detail}`,

  unexpected: (token: string, column: number, expected: string): string =>
    `unexpected ${token} at column ${column}; expected ${expected}`,

  endOf: (what: SearchInput): string => `end of ${what}`,

  orNotSupported: (column: number): string =>
    `OR at column ${column} is not supported; join clauses with AND, or run one search per alternative`,

  unknownPrefix: (prefix: string, column: number): string =>
    `unknown key type "${prefix}" at column ${column}; prefix keys with metrics., params., tags., attributes. or datasets.`,

  unknownAttribute: (key: string, column: number, allowed: readonly string[]): string =>
    `unknown attribute "${key}" at column ${column}; attributes are ${allowed.join(', ')}`,

  unknownDatasetKey: (key: string, column: number): string =>
    `unknown dataset key "${key}" at column ${column}; datasets allow name, digest, context`,

  badComparator: (op: string, key: string, column: number, rule: string): string =>
    `unknown comparator "${op}" for ${key} at column ${column}; ${rule}`,

  unterminated: (column: number, quoteChar: string): string =>
    `unterminated string or key starting at column ${column}; close it with ${quoteChar}`,

  specialCharsHint: '; put keys with special characters in backticks, e.g. metrics.`f1-score`',

  datasetOrderBy: (key: string): string =>
    `${key} cannot be used to order runs; order by metrics., params., tags. or attributes.`,

  duplicateOrderBy: (key: string, list: readonly string[]): string =>
    `invalid order_by ${JSON.stringify(list)}: ${key} appears more than once; keep one entry per key`,

  maxResults: (value: unknown, max: number): string =>
    `invalid maxResults ${String(value)}: must be an integer from 1 to ${max}`,

  pageToken: (token: string): string =>
    `invalid pageToken ${quote(token)}: not a nextPageToken of a previous search (base64 of {"offset": N}); pass it unchanged or omit it`,

  experimentClause: (clause: string): string =>
    `experiment filter clause "${clause}" is invalid; write e.g. name LIKE 'iris%', tags.team = 'a' or creation_time > 1700000000000`,

  experimentNumeric: (clause: string, key: string): string =>
    `experiment filter "${clause}": ${key} compares with = != < <= > >= and a number`,

  experimentKey: (clause: string, key: string): string =>
    `experiment filter "${clause}": unknown key "${key}"; use name, creation_time, last_update_time or tags.<key>`,

  experimentString: (clause: string, key: string): string =>
    `experiment filter "${clause}": ${key} compares with = != LIKE ILIKE and a quoted string`,

  experimentOrderBy: (clause: string): string =>
    `experiment order_by "${clause}" is invalid; use name, experiment_id, creation_time or last_update_time, then ASC or DESC`,
} as const;
