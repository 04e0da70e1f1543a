/**
 * better-sqlite3 is an optional dependency: on a machine where it did not install, the sqlite backend's tests skip with
 * this reason (and tracklab's other backends are tested as usual).
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

function load(): typeof BetterSqlite3 | string {
  try {
    const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    new Sqlite(':memory:').close();
    return Sqlite;
  } catch (error) {
    return `needs better-sqlite3 12.x, which did not load (${(error as Error).message.split('\n')[0]}): npm install better-sqlite3@12`;
  }
}

const loaded = load();

/** false when better-sqlite3 loads, else why the sqlite tests skip. */
export const SQLITE_SKIP: string | false = typeof loaded === 'string' ? loaded : false;

/** The binding, for tests that open a database directly; only call when SQLITE_SKIP is false. */
export function sqliteBinding(): typeof BetterSqlite3 {
  if (typeof loaded === 'string') throw new Error(loaded);
  return loaded;
}

/** A skip list naming every case, for a contract suite on a backend that cannot load at all. */
export function skipEveryCase(reason: string): Record<string, string> {
  return new Proxy({}, { get: (_, key) => (typeof key === 'string' ? reason : undefined) });
}
