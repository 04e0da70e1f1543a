/** How commands print values as JSON: two-space indent, NaN and ±Infinity as the strings MLflow uses. */
import { nonFiniteReplacer } from '../core/number-codec.js';
import { escapeJsonControl } from './terminal-text.js';

/**
 * Controls JSON.stringify leaves raw (DEL, C1, bidi) are written as \u escapes, so the output stays valid JSON and
 * terminal-safe.
 *
 * @example formatJson({ acc: NaN }) // '{\n  "acc": "NaN"\n}'
 */
export const formatJson = (value: unknown): string => escapeJsonControl(JSON.stringify(value, nonFiniteReplacer, 2));
