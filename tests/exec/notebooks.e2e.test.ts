/**
 * The example notebooks, run headless through a real Jupyter server and the tracklab kernel; then the store is checked.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { execNotebook } from '../../src/exec/exec-notebook.js';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';

/** A display's text/plain fallback (one string, or the lines nbformat allows). */
const plainOf = (o: object): string => {
  const plain = (o as { data?: Record<string, string | string[]> }).data?.['text/plain'] ?? '';
  return typeof plain === 'string' ? plain : plain.join('');
};

describe('example notebooks', () => {
  let dir: string;
  let store: string;
  before(async () => {
    dir = tempDir();
    store = join(dir, 'store');
  });
  const exec = async (name: string, params: string[] = []) => {
    const result = await execNotebook({ notebook: join('notebooks', name), out: join(dir, name), store, params });
    assert.equal(result.ok, true, result.error);
  };

  it('notebooks/ holds the three examples', async () => {
    assert.deepEqual((await readdir('notebooks')).filter((f) => f.endsWith('.ipynb')).sort(), [
      '01-iris-classifier.ipynb',
      '02-hyperparameter-sweep.ipynb',
      '03-register-best-model.ipynb',
    ]);
  });

  it('01: the classifier logs one tracked run with params, metrics, the model and its source', async () => {
    await exec('01-iris-classifier.ipynb', ['nEstimators=30']);
    const tracker = await Tracker.open({ store });
    const [run] = (await tracker.searchRuns({ experiments: ['iris-classifier'] })).runs;
    assert.equal(run?.status, 'FINISHED');
    assert.equal(run?.params.n_estimators, '30');
    assert.ok((run?.metrics.accuracy ?? 0) > 0.8, `accuracy ${run?.metrics.accuracy}`);
    assert.equal(run?.tags['mlflow.source.type'], 'NOTEBOOK');
    const artifacts = (await tracker.listArtifacts(run.id)).map((a) => a.path);
    for (const a of ['model', 'notebook-cell.ts', '01-iris-classifier.ipynb'])
      assert.ok(artifacts.includes(a), `${a} in ${artifacts.join(', ')}`);
    await tracker.close();
  });

  it('02: the sweep logs a parent run with one nested run per setting', async () => {
    await exec('02-hyperparameter-sweep.ipynb', ['trees=[5, 20]']);
    const tracker = await Tracker.open({ store });
    const runs = (await tracker.searchRuns({ experiments: ['iris-sweep'] })).runs;
    const parent = runs.find((r) => r.name === 'sweep')!;
    const children = runs.filter((r) => r.parentRunId === parent.id);
    assert.deepEqual(children.map((r) => r.name).sort(), ['rf-20-0.5', 'rf-20-1', 'rf-5-0.5', 'rf-5-1']);
    assert.ok(children.every((r) => r.status === 'FINISHED' && typeof r.metrics.accuracy === 'number'));
    assert.equal((await tracker.getMetricHistory(parent.id, 'sweep_accuracy')).length, 4);
    const top = Math.max(...children.map((r) => r.metrics.accuracy!));
    assert.equal(children.find((r) => r.name === parent.tags.best_run)?.metrics.accuracy, top);
    assert.equal(parent.metrics.best_accuracy, top);
    await tracker.close();

    // the children end quietly; the parent's summary and its %runs row speak for them
    const nb = JSON.parse(await readFile(join(dir, '02-hyperparameter-sweep.ipynb'), 'utf8')) as Notebook;
    const shown = (marker: string): string => {
      const c = nb.cells.find((x) => x.cell_type === 'code' && [x.source].flat().join('').includes(marker));
      return (c?.outputs ?? []).map((o) => ('text' in o ? [o.text].flat().join('') : plainOf(o))).join('\n');
    };
    const sweep = shown('%end_run --quiet');
    assert.equal(sweep.match(/ended run rf-/g)?.length, 4, sweep);
    const bestName = children.find((r) => r.metrics.accuracy === top)!.name;
    assert.match(sweep, new RegExp(`4 child runs \\(4 FINISHED\\); best: highest accuracy [\\d.]+ in ${bestName}`));
    assert.match(shown('%runs'), new RegExp(`^sweep .* 4 \\(best: highest accuracy [\\d.]+ in ${bestName}\\)`, 'm'));
  });

  it('03: the best model is registered, in Production, with the champion alias', async () => {
    await exec('03-register-best-model.ipynb');
    const tracker = await Tracker.open({ store });
    const runs = (await tracker.searchRuns({ experiments: ['iris-models'], orderBy: ['metrics.accuracy DESC'] })).runs;
    assert.equal(runs.length, 3);
    const model = await tracker.getRegisteredModel('iris-classifier');
    assert.equal(model.versions.length, 1);
    const v = model.versions[0]!;
    assert.equal(v.stage, 'Production');
    assert.deepEqual(v.aliases, ['champion']);
    assert.equal(runs.find((r) => r.id === v.runId)?.metrics.accuracy, runs[0]!.metrics.accuracy);
    await tracker.close();
  });
});
