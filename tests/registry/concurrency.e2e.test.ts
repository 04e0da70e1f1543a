/** Several real processes registering versions of one model at once: distinct versions, nothing lost, files parse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openTemp, runWithModel } from './helpers.js';
import type { RegisteredModelRecord } from '../../src/store/registry-store.js';

const run = promisify(execFile);
const WORKERS = 6;
const EACH = 8;

test(
  `${WORKERS} processes x ${EACH} registrations of one model get versions 1..${WORKERS * EACH}, nothing lost`,
  { timeout: 120_000 },
  async (t) => {
    const { tracker, dir } = await openTemp(t);
    const runId = await runWithModel(tracker);
    const worker = join(import.meta.dirname, 'workers', 'register-worker.ts');
    const results = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) =>
        run(
          process.execPath,
          ['--import', 'tsx', worker, dir, 'shared-model', `runs:/${runId}/model`, String(EACH), `worker${w}`],
          { cwd: process.cwd(), timeout: 100_000 },
        ),
      ),
    );
    const perWorker = results.map((r) => JSON.parse(r.stdout) as number[]);
    const all = perWorker.flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: WORKERS * EACH }, (_, i) => i + 1),
      'distinct versions 1..N',
    );
    for (const got of perWorker)
      assert.deepEqual(
        got,
        [...got].sort((a, b) => a - b),
        'each process sees its versions increase',
      );

    const folder = join(dir, 'registry', 'models');
    const files = readdirSync(folder);
    assert.deepEqual(files, ['shared-model.json'], 'no temp files or locks left behind');
    const doc = JSON.parse(readFileSync(join(folder, files[0] as string), 'utf8')) as RegisteredModelRecord;
    assert.equal(doc.versions.length, WORKERS * EACH);
    assert.equal(doc.nextVersion, WORKERS * EACH + 1);
    assert.equal(doc.history.filter((h) => h.action === 'register').length, WORKERS * EACH);
    const m = await tracker.getRegisteredModel('shared-model');
    for (let w = 0; w < WORKERS; w++) {
      const mine = m.versions.filter((v) => v.tags['worker'] === `worker${w}`);
      assert.equal(mine.length, EACH, `every registration of worker${w} is kept`);
      assert.equal(m.aliases[`w-worker${w}`], perWorker[w]?.[6], 'the last alias each worker set');
    }
  },
);
