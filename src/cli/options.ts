/** Shared commander option parsers. */

/** For repeatable options: `--experiment a --experiment b` -> ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
