/** How commands print values as JSON: two-space indent, NaN and ±Infinity as the strings MLflow uses. */
import { nonFiniteReplacer } from '../core/number-codec.js';

/** @example formatJson({ acc: NaN }) // '{\n  "acc": "NaN"\n}' */
export const formatJson = (value: unknown): string => JSON.stringify(value, nonFiniteReplacer, 2);
