/**
 * One connection to an MLflow SQLite database: the binding loaded lazily (an optional dependency), the schema revision
 * checked, reads in one statement or a deferred transaction, writes in IMMEDIATE transactions retried while another
 * process holds the lock. The journal mode is the user's: tracklab never sets it (WAL is used when the file has it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { TracklabError, badState, corrupt } from '../../core/errors.js';
import { compileLike } from '../../core/search/index.js';
import { CREATED_REVISION, KNOWN_LATER_REVISIONS, REQUIRED_COLUMNS, SCHEMA_SQL, WRITABLE_REVISIONS } from './schema.js';
import { storeMessages } from '../messages.js';

export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;

/** How long one statement waits for another process's lock (SQLite's busy timeout), then how often a write retries. */
const BUSY_TIMEOUT_MS = 5000;
const WRITE_ATTEMPTS = 5;

let binding: typeof BetterSqlite3 | undefined;

/** Loads better-sqlite3 on first use, so every other backend works on a machine where it did not install. */
export async function loadBinding(): Promise<typeof BetterSqlite3> {
  if (binding) return binding;
  try {
    // a dynamic import: notebooks load tracklab through require(), where module-relative URLs are not available
    binding = (await import('better-sqlite3')).default;
    return binding;
  } catch (error) {
    throw new TracklabError(
      'INVALID_STATE',
      storeMessages.sqliteMissing((error as Error).message.split('\n')[0] ?? ''),
      { cause: error },
    );
  }
}

/** An open MLflow database with its revision and prepared-statement cache. */
export class SqliteDb {
  readonly revision: string;
  private readonly cache = new Map<string, Statement>();
  private likes = new Map<string, (value: string) => boolean>();

  private constructor(
    readonly path: string,
    readonly db: Database,
  ) {
    this.revision = readRevision(path, db);
    checkTables(path, db, this.revision);
    db.function('tracklab_like', { deterministic: true }, (pattern, value, ci) => this.like(pattern, value, ci));
  }

  /** Opens `path`; a missing file is created with the schema MLflow 2.12.2 creates and its Default experiment. */
  static async open(path: string, artifactRoot: (experimentId: string) => string): Promise<SqliteDb> {
    const Sqlite = await loadBinding();
    const fresh = !existsSync(path);
    if (fresh) mkdirSync(dirname(path), { recursive: true });
    let db: Database;
    try {
      db = new Sqlite(path, { timeout: BUSY_TIMEOUT_MS });
    } catch (error) {
      throw corrupt(path, storeMessages.sqliteUnopenable((error as Error).message), error);
    }
    if (fresh) createSchema(db, artifactRoot('0'));
    return new SqliteDb(path, db);
  }

  /** A cached prepared statement; `raw` ones return rows as arrays. */
  stmt(sql: string, raw = false): Statement {
    const key = raw ? `raw:${sql}` : sql;
    let s = this.cache.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      if (raw) s.raw(true);
      this.cache.set(key, s);
    }
    return s;
  }

  /** Runs `fn` in one read transaction, so its statements see one state of the file. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** Runs `fn` in one IMMEDIATE transaction; retried while another writer holds the lock past the busy timeout. */
  write<T>(fn: () => T): T {
    if (!WRITABLE_REVISIONS.includes(this.revision)) {
      throw badState(storeMessages.sqliteReadOnlyRevision(this.path, this.revision, WRITABLE_REVISIONS));
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return this.db.transaction(fn).immediate();
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw error;
        if (attempt >= WRITE_ATTEMPTS) {
          throw new TracklabError(
            'IO_ERROR',
            storeMessages.sqliteBusy(this.path, (WRITE_ATTEMPTS * BUSY_TIMEOUT_MS) / 1000),
            { cause: error },
          );
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * attempt * (0.5 + Math.random()));
      }
    }
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }

  private like(pattern: unknown, value: unknown, ci: unknown): number {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
    const key = `${ci === 1 ? 'i' : 'c'}${pattern}`;
    let test = this.likes.get(key);
    if (!test) {
      if (this.likes.size > 100) this.likes = new Map();
      test = compileLike(pattern, ci === 1);
      this.likes.set(key, test);
    }
    return test(value) ? 1 : 0;
  }
}

function createSchema(db: Database, defaultArtifacts: string): void {
  const now = Date.now();
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    db.prepare('INSERT INTO alembic_version (version_num) VALUES (?)').run(CREATED_REVISION);
    db.prepare(
      `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
      last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)`,
    ).run(defaultArtifacts, now, now);
  }).immediate();
}

function readRevision(path: string, db: Database): string {
  let row: { version_num?: string } | undefined;
  try {
    row = db.prepare('SELECT version_num FROM alembic_version').get() as { version_num?: string } | undefined;
  } catch (error) {
    throw corrupt(path, storeMessages.sqliteNotMlflow(), error);
  }
  if (typeof row?.version_num !== 'string') {
    throw corrupt(path, storeMessages.sqliteNoRevision());
  }
  return row.version_num;
}

/** Reading needs the tables and columns of REQUIRED_COLUMNS; later revisions keep them, older ones may not. */
function checkTables(path: string, db: Database, revision: string): void {
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length === 0) continue;
    const known = [...WRITABLE_REVISIONS, ...KNOWN_LATER_REVISIONS].includes(revision);
    throw badState(storeMessages.sqliteTablesMissing(path, revision, known, table, missing));
  }
}
