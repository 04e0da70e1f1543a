/**
 * What a newcomer does: `npm pack` tracklab, `npm i` the tarball into a new npm project, `tracklab kernel install`, and
 * run a notebook through the installed package with Jupyter's nbconvert (the kernelspec the user installed) and with
 * `tracklab exec`. The notebook imports 'tracklab', uses Node's types (`process`, `Buffer`, `setTimeout`) and magics.
 * The tarball's dependencies come from npm's cache when it has them (CI's `npm ci` fills it), else from the registry.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { defaultPython } from '../../src/kernel/kernelspec.js';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { repoRoot, tempDir } from '../helpers.js';
import { codeCell, trackedNotebook } from '../notebook-fixture.js';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, maxBuffer: 1 << 26, env: npmEnv() });
// npm must not take this repo's own settings (e.g. a workspace) for the new project's
const npmEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) delete env[key];
  return env;
};

const NOTEBOOK = trackedNotebook([
  codeCell(
    'imports',
    "import { activeRun, TRACKLAB_VERSION } from 'tracklab';\n" +
      "const pid: number = process.pid;\nconst home: string | undefined = process.env['HOME'];\n" +
      "const bytes: Buffer = Buffer.from('tracklab');\nbytes.length",
  ),
  codeCell(
    'train',
    '%experiment fresh\n%start_run first\nconst cfg = { lr: 0.1, epochs: 3 };\n%log_params cfg\n' +
      'for (let e = 0; e < cfg.epochs; e++) {\n  await new Promise<void>((r) => setTimeout(r, 2));\n' +
      "  %log_metric loss=1/(e+1)\n}\nawait activeRun().setTag('pid', String(pid));\n%end_run",
  ),
  codeCell('report', '%report --out site --title Fresh\nTRACKLAB_VERSION'),
]);

/** Packs this repo (dist/ as built) and installs the tarball into a new npm project; undefined when npm is offline. */
async function freshProject(t: { skip(reason: string): void }): Promise<string | undefined> {
  assert.ok(existsSync(join(repoRoot, 'dist', 'cli', 'main.js')), 'build first: npm run build');
  const dir = tempDir('tracklab-fresh-');
  const packed = await npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', dir, repoRoot], dir);
  const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);
  const project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'newcomer', version: '1.0.0', private: true }));
  try {
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], project);
  } catch (e) {
    const reachable = await npm(['ping'], project).then(
      () => true,
      () => false,
    );
    if (reachable) throw e;
    // the cache lacks a dependency and the registry cannot be reached: nothing here can install the package
    t.skip('npm cannot install the tarball: its cache lacks a dependency and `npm ping` cannot reach the registry');
    return undefined;
  }
  return project;
}

const outputsText = (nb: Notebook, i: number): string => JSON.stringify(nb.cells[i]?.outputs ?? []);

async function assertRan(nb: Notebook, store: string): Promise<void> {
  assert.deepEqual(
    nb.cells.map((c) => c.execution_count),
    [1, 2, 3],
  );
  assert.match(outputsText(nb, 0), /"8"/, 'Buffer.from(...).length is shown');
  assert.doesNotMatch(JSON.stringify(nb.cells), /"output_type":"error"/);
  assert.match(outputsText(nb, 2), /open the report/);
  const tracker = await Tracker.open({ store });
  const [r] = (await tracker.searchRuns({ experiments: ['fresh'] })).runs;
  assert.equal(r?.status, 'FINISHED');
  assert.deepEqual(r?.params, { lr: '0.1', epochs: '3' });
  assert.equal(r?.metricSummaries.loss?.step, 2);
  assert.match(r?.tags.pid ?? '', /^\d+$/);
  await tracker.close();
}

describe('a fresh npm project that installs the packed tarball', () => {
  it('installs the kernel and runs a notebook through nbconvert and tracklab exec', { timeout: 900_000 }, async (t) => {
    const project = await freshProject(t);
    if (!project) return;
    const bin = join(project, 'node_modules', '.bin', 'tracklab');
    const installed = await run(bin, ['kernel', 'install', '--prefix', '.jupyter'], { cwd: project });
    assert.match(installed.stdout, /JUPYTER_PATH=/);
    const notebooks = join(project, 'notebooks');
    await mkdir(notebooks);
    await writeFile(join(notebooks, 'first.ipynb'), JSON.stringify(NOTEBOOK));

    const jupyterPath = join(project, '.jupyter', 'share', 'jupyter');
    const store = join(project, 'store-nbconvert');
    const env = { ...npmEnv(), JUPYTER_PATH: jupyterPath, TRACKLAB_STORE: store };
    const args = ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--output', 'nbconvert.ipynb', 'first.ipynb'];
    await run(defaultPython(), args, { cwd: notebooks, env });
    await assertRan(JSON.parse(await readFile(join(notebooks, 'nbconvert.ipynb'), 'utf8')) as Notebook, store);
    assert.ok(existsSync(join(notebooks, 'site', 'index.html')), '%report wrote the site');

    const execStore = join(project, 'store-exec');
    const execEnv = { ...npmEnv(), TRACKLAB_STORE: execStore };
    await run(bin, ['exec', 'notebooks/first.ipynb', '--out', 'notebooks/exec.ipynb'], { cwd: project, env: execEnv });
    await assertRan(JSON.parse(await readFile(join(notebooks, 'exec.ipynb'), 'utf8')) as Notebook, execStore);
    const listed = await run(bin, ['--store', execStore, 'runs', 'list', '--experiment', 'fresh'], { cwd: project });
    assert.match(listed.stdout, /first/);
  });
});
