/**
 * The sqlite backend's search in SQL gives the same pages as src/core/search over the same runs (searchRecords), for
 * filters and orders over every key kind, with NaN, +-Infinity, missing keys, ties and LIKE patterns.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Backend } from '../../src/store/backend.js';
import { openBackend } from '../../src/store/resolve-store.js';
import { searchRecords } from '../../src/store/search-records.js';
import type { RunSearch } from '../../src/store/tracking-store.js';
import { tempDir } from '../helpers.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';

const VALUES = [0.5, Number.NaN, Infinity, -Infinity, 0.25, 1, 0.5];

async function fill(backend: Backend): Promise<string> {
  const store = backend.tracking;
  const exp = await store.createExperiment('s');
  for (let i = 0; i < 40; i += 1) {
    const name = i % 9 === 0 ? 'a_b%c' : `run-${i % 6}`;
    const run = await store.createRun({
      experimentId: exp.id,
      name,
      startTime: 100 + (i % 4),
      user: i % 3 ? 'ada' : 'Bo',
      tags: {},
    });
    const params: Record<string, string> = { model: ['rf', 'RF', 'cnn'][i % 3] as string };
    if (i % 5) params['lr'] = String(i % 4);
    await store.logBatch(run.id, { params, tags: { team: i % 2 ? 'vision' : 'Vis_ion' } });
    const writer = await store.openRunWriter(run.id);
    if (i % 7) writer.appendMetric('acc', VALUES[i % VALUES.length] as number, 0, 1);
    writer.appendMetric('loss', (i % 5) / 4, 0, 1);
    if (i % 4 === 0) await writer.flush();
    else await writer.end(i % 3 ? 'FINISHED' : 'FAILED', 200 + (i % 2));
    if (i % 11 === 0) await store.setRunLifecycle(run.id, 'deleted');
  }
  return exp.id;
}

const FILTERS = [
  '',
  'metrics.acc > 0.3',
  'metrics.acc != 0.5',
  'metrics.acc = 0.5',
  'metrics.acc <= 1',
  'metrics.acc < 1e308',
  "params.model = 'rf'",
  "params.model ILIKE 'rf'",
  "params.lr != '1'",
  "tags.team LIKE 'Vis\\_%'",
  "tags.team ILIKE 'vis%'",
  "attributes.run_name LIKE 'a\\_b\\%c'",
  "attributes.status = 'FAILED'",
  'attributes.end_time >= 200',
  "attributes.user_id != 'ada'",
  "run_id IN ('nope')",
  'attributes.start_time < 102 and metrics.loss > 0.2',
  "attributes.experiment_id = '1'",
  'metrics.acc >= 1.7976931348623157e308',
  'metrics.acc > -1e309',
];
const ORDERS = [
  [],
  ['metrics.acc DESC'],
  ['metrics.acc'],
  ['params.lr DESC', 'metrics.loss'],
  ['tags.team', 'attributes.run_name DESC'],
  ['attributes.end_time'],
  ['attributes.start_time'],
  ['attributes.user_id DESC'],
  ['attributes.status', 'params.model DESC'],
];

describe('sqlite search in SQL matches src/core/search', { skip: SQLITE_SKIP }, () => {
  const opened: Backend[] = [];
  after(async () => {
    for (const b of opened) await b.close();
  });

  it('gives the same pages for every filter x order x view', async () => {
    const backend = await openBackend(`sqlite:///${join(tempDir(), 'mlflow.db')}`);
    opened.push(backend);
    const experimentId = await fill(backend);
    const all = (await backend.tracking.searchRuns({ experimentIds: [experimentId], view: 'ALL', maxResults: 1000 }))
      .runs;
    let compared = 0;
    for (const view of ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const) {
      const records = all.filter((r) => view === 'ALL' || (r.lifecycleStage === 'active') === (view === 'ACTIVE_ONLY'));
      for (const filter of FILTERS) {
        for (const orderBy of ORDERS) {
          let pageToken: string | undefined;
          do {
            const query: RunSearch = {
              experimentIds: [experimentId],
              filter,
              orderBy,
              view,
              maxResults: 6,
              ...(pageToken ? { pageToken } : {}),
            };
            const sql = await backend.tracking.searchRuns(query);
            const memory = searchRecords(records, query);
            assert.deepEqual(
              sql.runs.map((r) => r.id),
              memory.runs.map((r) => r.id),
              `${view} ${filter} ${orderBy.join(', ')}`,
            );
            assert.equal(sql.nextPageToken, memory.nextPageToken);
            pageToken = sql.nextPageToken;
            compared += 1;
          } while (pageToken);
        }
      }
    }
    assert.ok(compared > 500, `${compared} pages compared`);
  });

  it('answers dataset filters through src/core/search', async () => {
    const backend = await openBackend(`sqlite:///${join(tempDir(), 'mlflow.db')}`);
    opened.push(backend);
    const exp = await backend.tracking.createExperiment('d');
    const run = await backend.tracking.createRun({
      experimentId: exp.id,
      name: 'x',
      startTime: 1,
      user: 'ada',
      tags: {},
    });
    await backend.tracking.createRun({ experimentId: exp.id, name: 'y', startTime: 2, user: 'ada', tags: {} });
    await backend.tracking.logBatch(run.id, {
      inputs: [{ name: 'iris', digest: 'd1', sourceType: 'npm', source: 'x', context: 'eval' }],
    });
    const page = await backend.tracking.searchRuns({
      experimentIds: [exp.id],
      filter: "datasets.name IN ('iris') and datasets.context = 'eval'",
    });
    assert.deepEqual(
      page.runs.map((r) => r.name),
      ['x'],
    );
  });
});
