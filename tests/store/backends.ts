/**
 * Every backend the contract suites run against, with what each cannot do and why. A new backend adds one entry here
 * and passes both suites (tracking-contract.test.ts, registry-contract.test.ts).
 */
import { after } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { join } from 'node:path';
import { openRestBackend } from '../../src/store/mlflow-rest/rest-backend.js';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { tempDir } from '../helpers.js';
import { SQLITE_SKIP, skipEveryCase } from '../sqlite-binding.js';
import { namespaced } from '../mlflow/namespaced-backend.js';
import { serverSkip, startServer, type TestServer } from '../mlflow/server.js';

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

/** One MLflow server for the whole test file, started by the first case that needs it. */
let server: Promise<TestServer> | undefined;
let namespaces = 0;
after(async () => {
  if (server) await (await server).dispose();
});

const restBackend: BackendUnderTest = {
  name: 'mlflow-rest (http:, MLflow 2.12 server)',
  newLocation: () => `ns${process.pid}x${(namespaces += 1)}-`,
  open: async (ns) => {
    server ??= startServer();
    return namespaced(await openRestBackend((await server).url, { spoolDir: false }), ns);
  },
  skip: {
    'stores metric history, latest values by (step, timestamp, value), and non-finite values exactly':
      'an MLflow server keeps only the latest value of each metric, no min/max/count (capabilities.metricSummaries ' +
      'is false); histories and non-finite values are checked in tests/store/mlflow-rest/tracking.test.ts',
  },
};

const ALL_CASES = [
  'has a Default experiment with id 0',
  'creates experiments with unique names, also against deleted ones',
  'refuses to delete the Default experiment',
  'ensureExperiment returns the same experiment every time',
  'creates, updates and reads a run',
  'keeps params immutable: same value is a no-op, another value an error',
  'overwrites and deletes tags',
  'stores metric history, latest values by (step, timestamp, value), and non-finite values exactly',
  'soft-deletes and restores runs; deleted runs refuse writes and leave listings',
  'lists runs of the requested experiments only',
  'searches runs in the backend: filter, order, pages, views',
  'refuses a bad filter, order_by, page token or page size with INVALID_PARAMETER_VALUE',
  'sets experiment tags',
  'keeps what another handle changes while the run is being logged',
  'reports a missing run as RESOURCE_DOES_NOT_EXIST',
  'records dataset inputs once per (name, digest)',
  'copies, writes, lists and reads artifacts',
];
const REGISTRY_CASES = [
  'creates models once and reports missing ones',
  'numbers versions from 1, creating the model, and never reuses a number',
  'updates descriptions and tags of models and versions',
  'moves stages, archiving the others only for Staging and Production',
  'points an alias at one version, moves it, and drops it with its version',
  'refuses to delete a model with live versions, then deletes it',
  'keeps a history of changes when the backend says it does',
];
const skipAll = (titles: string[], reason: string): Record<string, string> =>
  Object.fromEntries(titles.map((t) => [t, reason]));

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
  serverSkip === undefined
    ? restBackend
    : { ...restBackend, skip: skipAll(ALL_CASES, serverSkip), registrySkip: skipAll(REGISTRY_CASES, serverSkip) },
];
