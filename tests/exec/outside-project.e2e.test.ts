/**
 * A notebook in a folder outside any npm project (no package.json, no node_modules above it), run by the real tracklab
 * kernel: `import 'tracklab'` type-checks and runs against the kernel's own copy, and Node's globals are typed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { execNotebook } from '../../src/exec/exec-notebook.js';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';
import { codeCell, trackedNotebook } from '../notebook-fixture.js';

describe('a notebook outside an npm project', () => {
  it('imports tracklab and uses Node globals with their types', async () => {
    const dir = tempDir();
    for (let d = dir; d !== dirname(d); d = dirname(d)) {
      assert.ok(!existsSync(join(d, 'node_modules', 'tracklab')), `${d} must not hold tracklab for this test`);
    }
    const notebook = join(dir, 'loose.ipynb');
    const nb = trackedNotebook([
      codeCell('a', "import { activeRun, TRACKLAB_VERSION } from 'tracklab';\nconst pid: number = process.pid;"),
      codeCell(
        'b',
        '%%track loose --experiment outside\nawait new Promise<void>((r) => setTimeout(r, 5));\n' +
          "await activeRun().setTag('pid', String(pid));\n%log_metric ok=1\nTRACKLAB_VERSION",
      ),
    ]);
    await writeFile(notebook, JSON.stringify(nb));
    const out = join(dir, 'out.ipynb');
    const result = await execNotebook({ notebook, out, store: join(dir, 'store') });
    assert.equal(result.ok, true, result.error);
    const saved = JSON.parse(await readFile(out, 'utf8')) as Notebook;
    const value = saved.cells[1]!.outputs?.find((o) => o.output_type === 'execute_result');
    assert.match(String(value?.output_type === 'execute_result' ? value.data['text/plain'] : ''), /^\d+\.\d+\.\d+/);
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const [run] = (await tracker.searchRuns({ experiments: ['outside'] })).runs;
    assert.equal(run?.metrics.ok, 1);
    assert.match(run?.tags.pid ?? '', /^\d+$/);
    await tracker.close();
  });
});
