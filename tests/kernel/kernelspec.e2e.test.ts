/**
 * `tracklab kernel install` with Jupyter's real kernelspec tool: named kernels, no silent replacement, the JUPYTER_PATH
 * hint.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { installKernel, uninstallKernel } from '../../src/kernel/kernelspec.js';
import { tempDir } from '../helpers.js';

describe('kernel install', () => {
  it("installs a named kernel beside others, refuses to replace another tracklab's, and says to set JUPYTER_PATH", async () => {
    const prefix = tempDir();
    const jupyterDir = join(prefix, 'share', 'jupyter');
    const a = await installKernel({ prefix, name: 'course-a' });
    assert.equal(a.hint, `Jupyter looks there only with JUPYTER_PATH set: export JUPYTER_PATH=${jupyterDir}`);
    const b = await installKernel({ prefix, name: 'course-b', displayName: 'Course B' });
    const spec = (n: string) =>
      readFile(join(jupyterDir, 'kernels', n, 'kernel.json'), 'utf8').then(
        (t) => JSON.parse(t) as { display_name: string; argv: string[] },
      );
    assert.equal((await spec('course-a')).display_name, 'TypeScript (course-a)');
    assert.equal((await spec(b.name)).display_name, 'Course B');
    // another project's tracklab registered under the same name
    const other = await spec('course-a');
    other.argv[1] = '/elsewhere/node_modules/tracklab/dist/kernel/kernel-main.js';
    await writeFile(join(jupyterDir, 'kernels', 'course-a', 'kernel.json'), JSON.stringify(other));
    await assert.rejects(
      installKernel({ prefix, name: 'course-a' }),
      /a kernelspec named "course-a" already runs \/elsewhere\/node_modules\/tracklab\/dist\/kernel\/kernel-main\.js; pass --name/,
    );
    await installKernel({ prefix, name: 'course-a', replace: true });
    assert.notEqual((await spec('course-a')).argv[1], other.argv[1]);
    await installKernel({ prefix, name: 'course-a' }); // the same tracklab again: fine
    await assert.rejects(installKernel({ prefix, name: 'bad name' }), /kernel name "bad name" is invalid/);
    await uninstallKernel({ prefix, name: 'course-b' });
    await assert.rejects(uninstallKernel({ prefix, name: 'course-b' }), /no course-b kernelspec/);
  });
});
