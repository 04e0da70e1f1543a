/**
 * Notebooks executed by Jupyter's own runner (nbconvert 6.5 / nbclient 0.7) with the tracklab kernel from dist/:
 * execution counts, error outputs, --allow-errors, and the notebook file recorded as the runs' source.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { defaultPython, writeKernelSpec } from '../../src/kernel/kernelspec.js';
import type { ErrorOutput, Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../kernel/helpers.js';

const run = promisify(execFile);

async function nbconvert(
  notebook: string,
  ...flags: string[]
): Promise<{ nb: Notebook; store: string; stderr: string }> {
  const dir = tempDir();
  const file = join(dir, 'student.ipynb');
  await copyFile(notebook, file);
  await writeKernelSpec(join(dir, 'share', 'jupyter'));
  const store = join(dir, 'store');
  const env = { ...process.env, JUPYTER_PATH: join(dir, 'share', 'jupyter'), TRACKLAB_STORE: store };
  const r = await run(
    defaultPython(),
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--output', 'out.ipynb', ...flags, file],
    { cwd: dir, env },
  ).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  const nb = JSON.parse(await readFile(join(dir, 'out.ipynb'), 'utf8').catch(() => '{"cells":[]}')) as Notebook;
  return { nb, store, stderr: r.stderr };
}

describe('nbconvert --execute with the tracklab kernel', () => {
  it('--allow-errors runs every cell after a failing one, with execution counts and a named error', async () => {
    const { nb, store } = await nbconvert('tests/fixtures/kernel-failing.ipynb', '--allow-errors');
    assert.deepEqual(
      nb.cells.map((c) => c.execution_count),
      [1, 2, 3],
    );
    const error = nb.cells[1]!.outputs!.find((o): o is ErrorOutput => o.output_type === 'error');
    assert.deepEqual(error && { ename: error.ename, evalue: error.evalue }, {
      ename: 'Error',
      evalue: 'the answer is wrong: 41',
    });
    const tracker = await Tracker.open({ store });
    const [r] = (await tracker.searchRuns({ experiments: ['exec-failing'] })).runs;
    assert.equal(r?.metrics.never, 1, 'the cell after the failure ran');
    assert.equal(
      r?.tags['mlflow.source.name'],
      join(store, '..', 'student.ipynb'),
      'the notebook file, not its folder',
    );
    await tracker.close();
  });

  it("without --allow-errors, stops with the error's name and message", async () => {
    const { stderr } = await nbconvert('tests/fixtures/kernel-failing.ipynb');
    assert.match(stderr, /Error: the answer is wrong: 41/);
    assert.doesNotMatch(stderr, /CellExecutionError <Error>:\s*$/m);
  });
});
