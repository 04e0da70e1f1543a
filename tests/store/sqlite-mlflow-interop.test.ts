/**
 * MLflow 2.12.2 itself on an mlflow.db tracklab wrote: it reads, searches and loads it unchanged, gives the same
 * search answers as tracklab's SQL, and writes beside tracklab at the same time without either losing a row.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openBackend } from '../../src/store/resolve-store.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';
import { assertIrisReadBack, readBackScript, writeIrisProject } from '../mlflow-read-back.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';
import { MLFLOW_SKIP, mlflowPythonPath, runMlflowPython, type MlflowReadBack } from '../mlflow-python.js';

const SKIP =
  SQLITE_SKIP !== false
    ? SQLITE_SKIP
    : MLFLOW_SKIP === false
      ? false
      : 'needs MLflow 2.x: pip install mlflow (or ../shared/mlflow-server)';

describe('MLflow 2.12.2 reads the mlflow.db tracklab wrote', { skip: SKIP }, () => {
  it('reads, searches and loads runs, metrics, inputs, artifacts and the registry unchanged', async () => {
    const db = join(tempDir(), 'mlflow.db');
    const ids = await writeIrisProject(`sqlite:///${db}`);
    const got = JSON.parse(runMlflowPython(readBackScript('"sqlite:///" + sys.argv[1]'), db)) as MlflowReadBack;
    // MLflow's SQL store reads Infinity back as DBL_MAX, as for its own writes, and gives alias versions as numbers
    assertIrisReadBack(got, ids, { infinity: 1.7976931348623157e308, aliasVersion: 2 });
  });

  it("gives MLflow's search_runs answers (filter, order, pages) from SQL", async () => {
    const db = join(tempDir(), 'mlflow.db');
    const backend = await openBackend(`sqlite:///${db}`);
    const store = backend.tracking;
    const exp = await store.createExperiment('grid');
    for (let i = 0; i < 30; i += 1) {
      const name = `r${String(i % 7).padStart(2, '0')}`;
      const run = await store.createRun({
        experimentId: exp.id,
        name,
        startTime: 1000 + (i % 5),
        user: 'ada',
        tags: {},
      });
      await store.logBatch(run.id, {
        params: { model: ['rf', 'cnn', 'svm'][i % 3] as string, lr: String((i % 4) / 10) },
        tags: { team: i % 2 === 0 ? 'Vision' : 'nlp-x' },
      });
      const writer = await store.openRunWriter(run.id);
      if (i % 6 !== 0) writer.appendMetric('acc', (i % 10) / 10, 0, 5);
      writer.appendMetric('loss', i % 8 === 0 ? 2 : 1 / (i + 1), 0, 5);
      await writer.end(i % 4 === 0 ? 'FAILED' : 'FINISHED', 2000 + (i % 3));
    }
    const queries: [string, string[]][] = [
      ['', []],
      ["params.model = 'rf'", ['metrics.acc DESC']],
      ['metrics.acc >= 0.5', ['params.lr', 'metrics.loss DESC']],
      ["tags.team LIKE 'V%'", ['attributes.run_name']],
      ["tags.team ILIKE 'v%'", ['metrics.acc']],
      ["attributes.status = 'FAILED' and metrics.loss < 1", ['attributes.start_time']],
      ["params.lr != '0.1'", ['tags.team DESC', 'metrics.acc DESC']],
      ["attributes.run_name LIKE 'r0_'", ['attributes.end_time DESC']],
      ['metrics.acc != 0.3', ['metrics.acc']],
    ];
    const script = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
out = []
for f, o in json.loads(sys.argv[3]):
    ids, token = [], None
    while True:
        page = c.search_runs([sys.argv[2]], f, order_by=o, max_results=7, page_token=token)
        ids += [r.info.run_id for r in page]
        token = page.token
        if not token: break
    out.append(ids)
print(json.dumps(out))`;
    const theirs = JSON.parse(runMlflowPython(script, db, exp.id, JSON.stringify(queries))) as string[][];
    for (const [i, [filter, orderBy]] of queries.entries()) {
      const ours: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await store.searchRuns({
          experimentIds: [exp.id],
          filter,
          orderBy,
          maxResults: 7,
          ...(pageToken ? { pageToken } : {}),
        });
        ours.push(...page.runs.map((r) => r.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      assert.deepEqual(ours, theirs[i], `${filter} ORDER BY ${orderBy.join(', ')}`);
    }
    await backend.close();
  });

  it('writes beside MLflow writing the same file at the same time, losing nothing', async () => {
    const db = join(tempDir(), 'mlflow.db');
    const tracker = await Tracker.open({ store: `sqlite:///${db}` });
    const exp = await tracker.createExperiment('both');
    const theirs = spawn(
      mlflowPythonPath(),
      [
        '-c',
        `
import sys
from mlflow import MlflowClient
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
run = c.create_run(sys.argv[2])
for i in range(150):
    c.log_metric(run.info.run_id, "m", i, step=i)
    c.set_tag(run.info.run_id, f"t{i % 5}", str(i))
c.set_terminated(run.info.run_id)
`,
        db,
        exp.id,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    theirs.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const done = new Promise<number | null>((resolve) => theirs.on('close', resolve));
    const run = await tracker.startRun({ experiment: 'both', name: 'ours' });
    for (let i = 0; i < 150; i += 1) {
      run.logMetric('m', i, { step: i });
      if (i % 10 === 0) await run.flush();
      await run.setTags({ [`t${i % 5}`]: String(i) });
    }
    await run.end();
    assert.equal(await done, 0, stderr);
    const { runs } = await tracker.searchRuns({ experiments: ['both'] });
    assert.equal(runs.length, 2);
    for (const r of runs) {
      assert.equal((await tracker.getMetricHistory(r.id, 'm')).length, 150, r.name);
      assert.equal(r.status, 'FINISHED');
    }
    await tracker.close();
  });
});
