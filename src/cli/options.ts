/** Shared commander option parsers. Bad values throw a TracklabError, so they exit like every other bad input. */
import { invalid } from '../core/errors.js';
import { cliMessages as msg } from './messages.js';

/** For repeatable options: `--experiment a --experiment b` -> ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A whole number >= 1 for `flag`, e.g. `--max-results 10`. */
export function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < 1) throw invalid(msg.notPositiveInteger(flag, value));
    return n;
  };
}

/** A number of seconds > 0 for `flag`, e.g. `--timeout 600`. */
export function positiveSeconds(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalid(msg.notPositiveSeconds(flag, value));
    return n;
  };
}
