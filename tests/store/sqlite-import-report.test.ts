/**
 * An mlflow.db made by real MLflow 2.12.2 (the committed fixture) imports into tracklab's JSON store and back into a
 * new mlflow.db with every run and version verified, and builds a report site, through the CLI's code paths.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildReport } from '../../src/report/index.js';
import { transfer } from '../../src/transfer/index.js';
import { repoRoot, tempDir } from '../helpers.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';

function fixtureCopy(): string {
  const dir = tempDir();
  cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-db'), dir, { recursive: true });
  return dir;
}

describe('an mlflow.db made by MLflow imports and reports', { skip: SQLITE_SKIP }, () => {
  it('imports into a JSON store and back into a new mlflow.db with nothing lost', async () => {
    const dir = fixtureCopy();
    const json = join(tempDir(), 'tracklab');
    const there = await transfer([`sqlite:///${join(dir, 'mlflow.db')}`], json);
    assert.deepEqual([there.runs.copied, there.versions.copied, there.aliases], [4, 2, 2]);
    assert.equal(there.metricPoints, 10);
    assert.equal(there.datasetInputs, 1);
    assert.equal(there.artifacts.files, 1);
    assert.deepEqual(there.verified.mismatches, []);
    const back = await transfer([json], `sqlite:///${join(tempDir(), 'copy.db')}`);
    assert.deepEqual([back.runs.copied, back.versions.copied, back.metricPoints], [4, 2, 10]);
    assert.deepEqual(back.verified.mismatches, []);
  });

  it('builds a report site straight from the mlflow.db', async () => {
    const dir = fixtureCopy();
    const out = join(tempDir(), 'site');
    const summary = await buildReport({ store: `sqlite:///${join(dir, 'mlflow.db')}`, out });
    assert.equal(summary.runs, 3, 'the three active runs');
    assert.ok(existsSync(join(out, 'index.html')));
    assert.ok(
      readdirSync(out, { recursive: true }).some((f) => String(f).includes('da15620b15ac477b91e04afdff9c63cd')),
    );
  });
});
