/**
 * Random searches of the JSON store give the same pages whether its runs come from their logs, from the run cache's
 * base, or from a mix of base rows, delta entries and logs changed since: checked against MLflow's search applied by
 * hand (searchInMemory) to every run as getRun reads it from its log.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { searchInMemory, Tracker, type Run, type ViewType } from '../../src/index.js';
import { runCacheFiles } from '../../src/store/json/run-cache.js';
import { mulberry32 } from '../random.js';
import { tempDir } from '../helpers.js';

const SEED = 16_2026;
const random = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const METRIC_VALUES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 0.5, 0.25, 1, 2.5];

/** A store of `n` runs in experiments a and b with random params, tags and metrics (some missing), some deleted. */
async function randomStore(store: string, n: number): Promise<void> {
  const tracker = await Tracker.open({ store });
  const hostile = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
  for (let i = 0; i < n; i++) {
    const run = await tracker.startRun({ experiment: pick(['a', 'b']), name: pick(['r1', 'r2', `x${i}`, 'été']) });
    const params: Record<string, string> = { lr: pick(['0.1', '0.01', '1e-3']) };
    if (random() < 0.6) params['opt'] = pick(['sgd', 'adam', 'Sgd']);
    if (random() < 0.1) Object.assign(params, hostile);
    await run.logParams(params);
    if (random() < 0.7) await run.setTag('team', pick(['Alpha', 'alpha', 'beta', '']));
    run.logMetric('acc', pick(METRIC_VALUES));
    if (random() < 0.6) run.logMetric('loss', pick(METRIC_VALUES));
    if (random() < 0.8) await run.end(pick(['FINISHED', 'FINISHED', 'FAILED']));
    else await run.flush(); // left RUNNING
    if (random() < 0.1) await tracker.deleteRun(run.id);
  }
  await tracker.close();
}

/** Changes some runs after the cache was written: new values, tags, a deletion, and new runs. */
async function churn(store: string, count: number): Promise<void> {
  const tracker = await Tracker.open({ store });
  const ids = readdirSync(join(store, 'runs'));
  for (let i = 0; i < count; i++) {
    const id = pick(ids);
    const r = await tracker.getRun(id);
    if (r.lifecycleStage === 'deleted') continue;
    await tracker.setTag(id, 'team', pick(['Alpha', 'gamma']));
    if (r.status === 'RUNNING' && random() < 0.5) await tracker.endRun(id, 'FINISHED');
    if (random() < 0.2) await tracker.deleteRun(id);
  }
  for (let i = 0; i < count / 4; i++) {
    const run = await tracker.startRun({ experiment: 'a', name: 'late' });
    run.logMetric('acc', pick(METRIC_VALUES));
    await run.end();
  }
  await tracker.close();
}

function randomFilter(ids: readonly string[]): string {
  const clauses = [
    () => `metrics.acc ${pick(['>', '>=', '<', '<=', '=', '!='])} ${pick(['0', '0.5', '-1', '1'])}`,
    () => `metrics.loss ${pick(['>', '<=', '!='])} ${pick(['0', '0.25', '2.5'])}`,
    () => `params.lr = '${pick(['0.1', '0.01'])}'`,
    () => `params.opt ${pick(['LIKE', 'ILIKE', '!='])} '${pick(['s%', 'S%', 'adam'])}'`,
    () => `tags.team ${pick(['=', '!=', 'ILIKE'])} '${pick(['alpha', 'Alpha%', '', 'gamma'])}'`,
    () => `attributes.status ${pick(['=', '!='])} '${pick(['FINISHED', 'RUNNING', 'FAILED'])}'`,
    () => `attributes.run_name ${pick(['=', 'LIKE'])} '${pick(['r1', 'r%', 'été', 'late'])}'`,
    () => `attributes.start_time > 0`,
    () => `attributes.end_time ${pick(['>', '<'])} 0`,
    () => `attributes.run_id IN ('${pick(ids)}', '${pick(ids)}')`,
    () => "tags.`mlflow.runName` != 'r2'",
  ];
  const n = Math.floor(random() * 3);
  return Array.from({ length: n }, () => pick(clauses)()).join(' AND ');
}

function randomOrder(): string[] {
  const keys = ['metrics.acc', 'metrics.loss', 'params.lr', 'params.opt', 'tags.team', 'attributes.run_name'];
  const out: string[] = [];
  for (const key of keys) if (random() < 0.3) out.push(`${key}${pick(['', ' ASC', ' DESC'])}`);
  if (random() < 0.2) out.push(pick(['attributes.start_time', 'attributes.end_time DESC']));
  return out.sort(() => random() - 0.5);
}

interface Query {
  experiments: string[];
  filter: string;
  orderBy: string[];
  viewType: ViewType;
  maxResults: number;
}

/** Every page of `q` from a fresh Tracker (a fresh run cache), concatenated. */
async function allPages(store: string, q: Query): Promise<Run[]> {
  const tracker = await Tracker.open({ store });
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracker.searchRuns({ ...q, ...(pageToken ? { pageToken } : {}) });
    assert.ok(page.runs.length <= q.maxResults);
    runs.push(...page.runs);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  await new Promise((resolve) => setImmediate(resolve)); // the cache is saved after the answer
  await tracker.close();
  return runs;
}

/** Every run as getRun folds its log, with its experiment's name. */
async function foldedRuns(store: string): Promise<{ run: Run; experiment: string }[]> {
  const tracker = await Tracker.open({ store });
  const names = new Map((await tracker.listExperiments('ALL')).map((e) => [e.id, e.name]));
  const runs = [];
  for (const id of readdirSync(join(store, 'runs'))) {
    const run = await tracker.getRun(id);
    runs.push({ run, experiment: names.get(run.experimentId)! });
  }
  await tracker.close();
  return runs;
}

/** MLflow's search applied by hand to the runs getRun gives. */
function oracle(all: { run: Run; experiment: string }[], q: Query): Run[] {
  const runs = all
    .filter(({ run: r, experiment }) => {
      const inView = q.viewType === 'ALL' || (q.viewType === 'DELETED_ONLY') === (r.lifecycleStage === 'deleted');
      return q.experiments.includes(experiment) && inView;
    })
    .map(({ run }) => run);
  return searchInMemory(runs, { filter: q.filter, orderBy: q.orderBy, maxResults: 50000 }).runs;
}

function randomQuery(ids: readonly string[]): Query {
  return {
    experiments: pick([['a'], ['b'], ['a', 'b']]),
    filter: randomFilter(ids),
    orderBy: randomOrder(),
    viewType: pick(['ACTIVE_ONLY', 'ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const),
    maxResults: 1 + Math.floor(random() * 90),
  };
}

describe('JSON store search through the run cache', () => {
  it(`gives the pages of a search of the logs, from the base and from base, delta and logs mixed (seed ${SEED})`, async () => {
    const store = tempDir();
    await randomStore(store, 230);
    const ids = readdirSync(join(store, 'runs'));
    const queries = Array.from({ length: 24 }, () => randomQuery(ids));
    const check = async (state: string, withoutCache = false): Promise<void> => {
      const all = await foldedRuns(store);
      for (const q of queries) {
        if (withoutCache) rmSync(join(store, '.cache'), { recursive: true, force: true });
        const expected = oracle(all, q);
        const got = await allPages(store, q);
        const where = `${state}: ${JSON.stringify(q)}`;
        assert.deepEqual(
          got.map((r) => r.id),
          expected.map((r) => r.id),
          where,
        );
        got.forEach((r, i) => assert.deepStrictEqual(r, expected[i], `${where}, run ${r.id}`));
      }
    };
    await check('from the logs', true);
    await allPages(store, queries[0]!);
    assert.ok(existsSync(runCacheFiles(store).base), 'a search of 230 logs writes the base');
    await check('from the base');
    await churn(store, 40);
    await check('base, delta and changed logs');
    assert.ok(existsSync(runCacheFiles(store).delta), 'runs changed since the base are in the delta');
    await churn(store, 20);
    await check('after more changes');
  });
});
