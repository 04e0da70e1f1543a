/**
 * Every backend the contract suites run against, with what each cannot do and why. A new backend adds one entry here
 * and passes both suites (tracking-contract.test.ts, registry-contract.test.ts).
 */
import type { Backend } from '../../src/store/backend.js';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { join } from 'node:path';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { tempDir } from '../helpers.js';
import { SQLITE_SKIP, skipEveryCase } from '../sqlite-binding.js';

export interface BackendUnderTest {
  name: string;
  /** a fresh, empty store location (a folder, a server URL, ...) */
  newLocation: () => string;
  open: (location: string) => Promise<Backend>;
  /** contract case title -> why this backend cannot pass it (reported as a skip with that reason) */
  skip?: Record<string, string>;
  /** registry contract case title -> why */
  registrySkip?: Record<string, string>;
}

export const BACKENDS: BackendUnderTest[] = [
  { name: 'json (file:)', newLocation: () => tempDir(), open: (dir) => openJsonBackend(dir) },
  { name: 'MLflow file store (mlruns:)', newLocation: () => tempDir(), open: (dir) => openMlrunsBackend(dir) },
  {
    name: 'sqlite (mlflow.db)',
    newLocation: () => `sqlite:///${join(tempDir(), 'mlflow.db')}`,
    open: (uri) => openSqliteBackend(uri, process.cwd()),
    // no case is skipped where better-sqlite3 loads
    ...(SQLITE_SKIP === false ? {} : { skip: skipEveryCase(SQLITE_SKIP), registrySkip: skipEveryCase(SQLITE_SKIP) }),
  },
];
