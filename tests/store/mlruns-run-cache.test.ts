/**
 * The run cache of an mlruns folder: kept outside the folder, used across processes, and never stale when MLflow
 * rewrites files in place, including a rewrite of the same size right after the run was read.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { openMlrunsBackend } from '../../src/store/mlruns/mlruns-backend.js';
import { PRUNE_EVERY_MS, pruneStaleCaches } from '../../src/store/mlruns/run-cache.js';
import { cacheFileName } from '../../src/store/mlruns/run-cache-file.js';
import { RACY_MS } from '../../src/store/mlruns/run-signature.js';
import { repoRoot, tempDir } from '../helpers.js';
import { MLFLOW_SKIP, runMlflowPython } from '../mlflow-python.js';

type Entries = Record<string, { r: { tags: Record<string, string> } }>;
interface Columns {
  n: number;
  rb: number;
  lists: unknown[];
  keys: string[];
  m: Record<string, unknown[]>;
}
interface CacheParts {
  head: string;
  cols: Columns;
  r: Entries[string]['r'][];
  sig: Buffer;
}

/** The one cache file of the cache folder `cacheDir`. */
function cacheFile(cacheDir: string): string {
  const dir = join(cacheDir, 'mlruns');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, 'one cache file per store');
  return join(dir, files[0]!);
}

/** A cache file's first line, its columns (the second line), its records (a line each) and its signatures. */
function readCache(file: string): CacheParts {
  const buf = readFileSync(file);
  const head = buf.indexOf(10);
  const end = buf.indexOf(10, head + 1);
  const cols = JSON.parse(buf.toString('utf8', head + 1, end)) as Columns;
  const lines = buf
    .toString('utf8', end + 1, end + 1 + cols.rb)
    .split('\n')
    .slice(0, -1);
  const r = lines.map((line) => JSON.parse(line) as CacheParts['r'][number]);
  return { head: buf.toString('utf8', 0, head), cols, r, sig: buf.subarray(buf.length - cols.n * 8) };
}

/** Writes a cache file as tracklab does: two lines, a record a line, spaces up to 8 bytes, the signatures. */
function writeCache(file: string, { head, cols, r, sig }: CacheParts): void {
  const records = Buffer.from(r.map((x) => `${JSON.stringify(x)}\n`).join(''), 'utf8');
  const text = Buffer.concat([Buffer.from(`${head}\n${JSON.stringify({ ...cols, rb: records.length })}\n`), records]);
  const pad = Buffer.alloc(Math.ceil(text.length / 8) * 8 - text.length, ' ');
  writeFileSync(file, Buffer.concat([text, pad, sig]));
}

/** The cached runs by `<experiment>/<run>`. */
const cacheEntries = (cacheDir: string): Entries => {
  const { cols, r } = readCache(cacheFile(cacheDir));
  return Object.fromEntries(cols.keys.map((key, i) => [key, { r: r[i]! }]));
};

/** Runs `body` with the run caches in a new folder of their own, named by TRACKLAB_CACHE_DIR while it runs. */
async function withCacheDir(body: (cacheDir: string) => Promise<void>): Promise<void> {
  const cacheDir = join(tempDir(), 'cache');
  process.env['TRACKLAB_CACHE_DIR'] = cacheDir;
  try {
    await body(cacheDir);
  } finally {
    delete process.env['TRACKLAB_CACHE_DIR'];
  }
}

/**
 * Runs `body` with the process clock RACY_MS + 100 ms ahead, so every file changed before it counts as settled, as
 * after a wait. The cache dates files by their ctime, which utimes cannot set back, so the clock moves instead.
 */
async function settled<T>(body: () => Promise<T>): Promise<T> {
  const now = Date.now.bind(Date);
  const ahead = mock.method(Date, 'now', () => now() + RACY_MS + 100);
  try {
    return await body();
  } finally {
    ahead.mock.restore();
  }
}

/** withCacheDir with the clock ahead all along (settled): the runs read are cached whenever they were written. */
const withSettledCacheDir = (body: (cacheDir: string) => Promise<void>): Promise<void> =>
  withCacheDir((cacheDir) => settled(() => body(cacheDir)));

/** A copy of the folder MLflow 2.12.2 wrote (tests/fixtures), at `dir`. */
function fixtureCopy(dir = join(tempDir(), 'mlruns')): string {
  cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-2.12.2', 'mlruns'), dir, { recursive: true });
  return dir;
}

describe('mlruns run cache', () => {
  it('lives outside the folder, skips runs changed just now, and sees same-size in-place rewrites', async () => {
    await withCacheDir(async (cacheDir) => {
      const dir = fixtureCopy();
      const before = readdirSync(dir).sort();
      const search = async () => {
        const tracker = await Tracker.open({ store: dir });
        const run = (await tracker.searchRuns({ filter: "attributes.run_name = 'cnn-00'" })).runs[0];
        await tracker.close();
        assert.ok(run);
        return run;
      };
      const first = await search();
      await settled(search);
      const runDir = join(dir, first.experimentId, first.id);
      const key = `${first.experimentId}/${first.id}`;
      const tag = join(runDir, 'tags', 'mlflow.user');
      const old = readFileSync(tag, 'utf8');
      assert.equal(cacheEntries(cacheDir)[key]?.r.tags['mlflow.user'], old, 'cached once older than RACY_MS');
      assert.deepEqual(readdirSync(dir).sort(), before, 'nothing is written into the MLflow folder');

      const changed = 'x'.repeat(old.length);
      writeFileSync(tag, changed); // in place and the same size, as MLflow's write_to may do
      assert.equal((await search()).tags['mlflow.user'], changed);
      // read again, but not cached: a second change within the same tick of the file clock would go unseen
      assert.equal(cacheEntries(cacheDir)[key]?.r.tags['mlflow.user'], old);
      assert.equal((await settled(search)).tags['mlflow.user'], changed);
      assert.equal(cacheEntries(cacheDir)[key]?.r.tags['mlflow.user'], changed);
    });
  });

  it('sees inputs logged after a run was cached and forgets runs whose folder is gone', async () => {
    await withSettledCacheDir(async (cacheDir) => {
      const dir = fixtureCopy();
      const search = async () => {
        const backend = await openMlrunsBackend(dir);
        const ids = (await backend.tracking.listExperiments()).map((e) => e.id);
        const page = await backend.tracking.searchRuns({ experimentIds: ids, maxResults: 1000 });
        await backend.close();
        return page.runs;
      };
      const runs = await search();
      const plain = runs.find((r) => r.inputs.length === 0 && existsSync(join(dir, r.experimentId, r.id)));
      assert.ok(plain, 'the fixture has a run without dataset inputs');
      const key = `${plain.experimentId}/${plain.id}`;
      assert.ok(cacheEntries(cacheDir)[key], 'cached');

      const backend = await openMlrunsBackend(dir);
      const input = { name: 'train', digest: 'abc123', sourceType: 'local', source: '/data/train.csv' };
      await backend.tracking.logBatch(plain.id, { inputs: [input] }); // creates the run's inputs/ folder
      await backend.close();
      const again = (await search()).find((r) => r.id === plain.id);
      assert.equal(again?.inputs[0]?.digest, 'abc123', 'a new inputs/ folder is a change');

      const gone = runs.find((r) => r.id !== plain.id && existsSync(join(dir, r.experimentId, r.id)));
      assert.ok(gone);
      rmSync(join(dir, gone.experimentId, gone.id), { recursive: true });
      const after = await search();
      assert.equal(after.length, runs.length - 1);
      assert.equal(cacheEntries(cacheDir)[`${gone.experimentId}/${gone.id}`], undefined, 'its entry is dropped');
    });
  });

  it('drops a damaged cache of the right JSON but another shape, or of another store, instead of trusting it', async () => {
    await withSettledCacheDir(async (cacheDir) => {
      const dir = fixtureCopy();
      const users = async () => {
        const tracker = await Tracker.open({ store: dir });
        const runs = (await tracker.searchRuns({})).runs.map((r) => r.tags['mlflow.user']);
        await tracker.close();
        return runs;
      };
      const truth = await users();
      const file = cacheFile(cacheDir);
      const good = readCache(file);
      for (const r of good.r) r.tags['mlflow.user'] = 'stale';
      writeCache(file, good);
      // the files are unchanged, so the entries are trusted: this is what a file written as tracklab does looks like
      assert.ok((await users()).every((u) => u === 'stale'));
      writeCache(file, { ...good, head: JSON.stringify(join(dir, 'elsewhere')) });
      assert.deepEqual(await users(), truth, 'a file whose first line names another store is not used');
      const damaged = readCache(file);
      for (const r of damaged.r) r.tags['mlflow.user'] = 'stale';
      damaged.cols.lists = damaged.cols.lists.map(() => 0); // file lists that are numbers: nothing would be checked
      writeCache(file, damaged);
      assert.deepEqual(await users(), truth);
      writeCache(file, { ...good, sig: good.sig.subarray(8) });
      assert.deepEqual(await users(), truth, 'signatures of the wrong length are not used');
    });
  });

  it('prunes the cache files of deleted stores when a cache is written, at most once a day', async () => {
    await withSettledCacheDir(async (cacheDir) => {
      const stores = ['a', 'b'].map((name) => fixtureCopy(join(tempDir(), name, 'mlruns')));
      const search = async (dir: string) => {
        const tracker = await Tracker.open({ store: dir });
        await tracker.searchRuns({});
        await tracker.close();
      };
      const folder = join(cacheDir, 'mlruns');
      const caches = () => readdirSync(folder).filter((f) => f.endsWith('.json'));
      await search(stores[0]!);
      assert.equal(caches().length, 1);
      writeFileSync(join(folder, 'old-format.json'), '{"entries":{}}');
      rmSync(join(stores[0]!, '..'), { recursive: true });
      assert.equal(pruneStaleCaches(folder), 0, 'pruned just now: not looked at again today');

      const past = (Date.now() - PRUNE_EVERY_MS - 60_000) / 1000;
      utimesSync(join(folder, '.pruned'), past, past);
      await search(stores[1]!); // writes its own cache, and prunes
      assert.equal(caches().length, 1, 'only the cache of the store that still exists is left');
      const text = readFileSync(join(folder, caches()[0]!), 'utf8');
      assert.equal(JSON.parse(text.split('\n', 1)[0]!), stores[1]);

      // a file of a store that exists, under a name its store does not have (as an older version named them)
      cpSync(join(folder, caches()[0]!), join(folder, '0123456789abcdef0123.json'));
      utimesSync(join(folder, '.pruned'), past, past);
      assert.equal(pruneStaleCaches(folder), 1);
      assert.deepEqual(caches(), [cacheFileName(stores[1]!)]);
    });
  });
  it(
    "sees MLflow's own in-place writes to runs it cached, also to runs a filter had excluded",
    { skip: MLFLOW_SKIP },
    async () => {
      await withSettledCacheDir(async (cacheDir) => {
        const dir = fixtureCopy();
        const search = async (filter: string) => {
          const backend = await openMlrunsBackend(dir);
          const page = await backend.tracking.searchRuns({ experimentIds: ['619425487798321156'], filter });
          await backend.close();
          return page.runs;
        };
        const ids = async (filter: string) => (await search(filter)).map((r) => r.id).sort();
        const good = await ids('metrics.accuracy > 0.9');
        assert.deepEqual(await ids('metrics.accuracy > 0.9'), good, 'the second search is served from the cache');
        assert.deepEqual(await ids("tags.model_type = 'zzz'"), []);
        const [tagged, deleted] = good as [string, string];
        const low = (await ids('metrics.accuracy < 0.9'))[0] as string;
        assert.ok(
          Object.keys(cacheEntries(cacheDir)).some((k) => k.endsWith(low)),
          'the excluded run is cached',
        );

        // MLflow appends a metric line, rewrites a tag file and meta.yaml in place: no folder changes
        runMlflowPython(
          `import sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="file://" + sys.argv[1])
c.log_metric(sys.argv[2], "accuracy", 0.97, step=50)
c.set_tag(sys.argv[3], "model_type", "zzz")
c.delete_run(sys.argv[4])`,
          dir,
          low,
          tagged,
          deleted,
        );
        const now = await ids('metrics.accuracy > 0.9');
        assert.ok(now.includes(low), 'a run the filter excluded is seen once MLflow appends to the metric it reads');
        assert.ok(!now.includes(deleted), 'a run MLflow deleted leaves the active view');
        assert.deepEqual(await ids("tags.model_type = 'zzz'"), [tagged], 'a tag rewritten in place is seen');
        const run = (await search('metrics.accuracy > 0.9')).find((r) => r.id === tagged);
        assert.equal(run?.tags['model_type'], 'zzz');
      });
    },
  );
});
