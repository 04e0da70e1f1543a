/**
 * End to end through a real Jupyter server (Debian's notebook 6.4) and the real `tracklab` kernel from dist/
 * (built by `npm ci` / `npm run build`): tracklab exec with parameters and with a failing cell, the kernel's
 * lifecycle over @jupyterlab/services, and kernelspec install / uninstall.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { CellExecutionError, execNotebook } from '../../src/exec/exec-notebook.js';
import { startJupyterServer, type JupyterServer } from '../../src/exec/jupyter-server.js';
import {
  defaultPython,
  installKernel,
  kernelMainPath,
  uninstallKernel,
  writeKernelSpec,
} from '../../src/kernel/kernelspec.js';
import { addNotebookCommands } from '../../src/cli/notebook-commands.js';
import { createCliContext } from '../../src/cli/context.js';
import type { Notebook } from '../../src/exec/notebook-format.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';

const run = promisify(execFile);
const PARAMS_NB = 'tests/fixtures/kernel-params.ipynb';
const FAILING_NB = 'tests/fixtures/kernel-failing.ipynb';
const readNb = async (file: string): Promise<Notebook> => JSON.parse(await readFile(file, 'utf8')) as Notebook;
/** What a cell printed: its streams, and its value (execute_result) as a line. */
const text = (nb: Notebook, i: number): string =>
  (nb.cells[i]!.outputs ?? [])
    .map((o) =>
      o.output_type === 'stream'
        ? o.text
        : o.output_type === 'execute_result'
          ? `${String(o.data['text/plain'])}\n`
          : '',
    )
    .join('');
const errorOf = (nb: Notebook, i: number): string =>
  (nb.cells[i]!.outputs ?? []).map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : '')).join('');

describe('tracklab exec', () => {
  it('runs a notebook with parameters, tags its runs and attaches the executed notebook', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.ipynb');
    const result = await execNotebook({
      notebook: PARAMS_NB,
      out,
      store: join(dir, 'store'),
      params: ['lr=0.25', 'epochs=2', 'label=tuned', 'layers=[3, 3]'],
    });
    assert.deepEqual(result, { ok: true, out, cellsRun: 4 });
    const nb = await readNb(out);
    assert.deepEqual(nb.cells[1]!.metadata.tags, ['injected-parameters']);
    assert.equal(text(nb, 3), 'lr=0.25 epochs=2 label=tuned\n');
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const { runs } = await tracker.searchRuns({ experiments: ['exec-params'] });
    assert.equal(runs.length, 1);
    const r = runs[0]!;
    assert.equal(r.name, 'tuned-run');
    assert.equal(r.status, 'FINISHED');
    assert.deepEqual(r.params, { lr: '0.25', epochs: '2', layers: '[3,3]' });
    assert.deepEqual(
      (await tracker.getMetricHistory(r.id, 'loss')).map((p) => p.value),
      [0.25, 0.125],
    );
    assert.equal(r.tags['mlflow.source.type'], 'NOTEBOOK');
    assert.equal(r.tags['mlflow.source.name'], join(process.cwd(), PARAMS_NB));
    assert.equal(r.tags['tracklab.exec.notebook'], join(process.cwd(), PARAMS_NB));
    assert.deepEqual(JSON.parse(r.tags['tracklab.exec.params']!), {
      lr: 0.25,
      epochs: 2,
      label: 'tuned',
      layers: [3, 3],
    });
    const attached = JSON.parse((await tracker.readArtifact(r.id, 'out.ipynb')).toString()) as Notebook;
    assert.equal(text(attached, 3), 'lr=0.25 epochs=2 label=tuned\n');
    await tracker.close();
  });

  it('stops at a failing cell with its number and error text, marks the run FAILED and still writes the notebook', async () => {
    const dir = tempDir();
    const out = join(dir, 'failed.ipynb');
    const program = new Command().exitOverride().option('--store <dir>');
    addNotebookCommands(
      program,
      createCliContext(() => program.opts<{ store?: string }>().store),
    );
    const error = await program
      .parseAsync(['node', 'tracklab', '--store', join(dir, 'store'), 'exec', FAILING_NB, '--out', out])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof CellExecutionError, String(error));
    assert.match(error.message, /^tracklab: cell 2 failed: Error: the answer is wrong: 41/);
    assert.equal(error.code, 'EXECUTION_FAILED');
    assert.equal(error.result.failedCell, 2);
    const nb = await readNb(out);
    assert.equal(errorOf(nb, 1), 'Error: the answer is wrong: 41');
    assert.ok(nb.cells[1]!.outputs!.some((o) => o.output_type === 'error'));
    assert.deepEqual(nb.cells[2]!.outputs, []);
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const [r] = (await tracker.searchRuns({ experiments: ['exec-failing'] })).runs;
    assert.equal(r?.status, 'FAILED');
    assert.equal(r?.metrics.never, undefined);
    assert.match(r?.tags['tracklab.error'] ?? '', /cell 2 failed: Error: the answer is wrong: 41/);
    assert.ok((await tracker.listArtifacts(r.id)).some((a) => a.path === 'failed.ipynb'));
    await tracker.close();
  });

  it('draws %compare charts that survive nbconvert to HTML', async () => {
    const dir = tempDir();
    const out = join(dir, 'compare.ipynb');
    const result = await execNotebook({
      notebook: 'tests/fixtures/kernel-compare.ipynb',
      out,
      store: join(dir, 'store'),
    });
    assert.equal(result.ok, true, result.error);
    await run(defaultPython(), ['-m', 'nbconvert', '--to', 'html', '--output-dir', dir, out]);
    const html = await readFile(join(dir, 'compare.html'), 'utf8');
    const images = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1]!, 'base64').toString('utf8'),
    );
    assert.ok(images.length >= 1, 'a chart image in the HTML export');
    assert.match(images[0]!, /^<svg[\s\S]*<path[\s\S]*<\/svg>$/, 'with its marks');
    assert.match(images[0]!, /first/);
  });

  it('refuses an undeclared parameter before starting anything', async () => {
    const t0 = Date.now();
    await assert.rejects(execNotebook({ notebook: PARAMS_NB, params: ['fixed=2'] }), /"fixed" is declared with const/);
    await assert.rejects(execNotebook({ notebook: PARAMS_NB, params: ['typo=2'] }), /parameter "typo" is not declared/);
    assert.ok(Date.now() - t0 < 3000);
  });

  it("the CLI exits with status 9 (EXECUTION_FAILED) on a failing cell and prints the cell's error in one line", async () => {
    const cli = 'dist/cli/main.js';
    const dir = tempDir();
    const err = await run(process.execPath, [
      cli,
      '--store',
      join(dir, 'store'),
      'exec',
      FAILING_NB,
      '--out',
      join(dir, 'o.ipynb'),
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err?.code, 9);
    assert.match(err.stderr, /^tracklab: cell 2 failed: Error: the answer is wrong: 41$/m);
  });
});

describe('the tracklab kernel over @jupyterlab/services', () => {
  let server: JupyterServer;
  let dir: string;
  before(async () => {
    // not tempDir(): its cleanup, registered inside a hook, would run as soon as the hook ends
    dir = mkdtempSync(join(tmpdir(), 'tracklab-jupyter-'));
    await writeKernelSpec(join(dir, 'share', 'jupyter'));
    server = await startJupyterServer({
      python: defaultPython(),
      rootDir: process.cwd(),
      env: {
        ...process.env,
        JUPYTER_PATH: join(dir, 'share', 'jupyter'),
        JUPYTER_RUNTIME_DIR: join(dir, 'rt'),
        TRACKLAB_STORE: join(dir, 'store'),
      },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers kernel_info, runs magics, completes, and ends an open run KILLED at shutdown', async () => {
    const services = await import('@jupyterlab/services');
    const serverSettings = services.ServerConnection.makeSettings({
      baseUrl: server.url,
      wsUrl: server.url.replace('http', 'ws'),
      token: server.token,
    });
    const debug = console.debug;
    console.debug = () => undefined;
    const manager = new services.KernelManager({ serverSettings });
    const kernel = await manager.startNew({ name: 'tracklab' });
    try {
      await kernel.info;
      const info = await kernel.requestKernelInfo();
      assert.equal((info?.content as { implementation: string }).implementation, 'tracklab');
      const streams: string[] = [];
      const future = kernel.requestExecute({
        code: '%experiment live\n%start_run open-run\nconst z = 2\n%log_metric z=z\nz * 21',
      });
      future.onIOPub = (m) => {
        if (m.header.msg_type === 'stream') streams.push((m.content as { text: string }).text);
        if (m.header.msg_type === 'execute_result')
          streams.push(`=${(m.content as { data: Record<string, string> }).data['text/plain']}`);
      };
      assert.equal((await future.done).content.status, 'ok');
      assert.match(streams.join(''), /started run open-run .*\n=42$/s);
      const completion = await kernel.requestComplete({ code: '%log_metric a=1\nz.toFix', cursor_pos: 23 });
      assert.deepEqual((completion.content as { matches: string[] }).matches, ['toFixed']);
      await kernel.shutdown();
    } finally {
      kernel.dispose();
      manager.dispose();
      console.debug = debug;
    }
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const [r] = (await tracker.searchRuns({ experiments: ['live'] })).runs;
    assert.equal(r?.status, 'KILLED');
    assert.equal(r?.metrics.z, 2);
    await tracker.close();
  });
});

describe('the plain tslab kernel', () => {
  it('logs a run with the API imported by hand', async () => {
    const dir = tempDir();
    await mkdir(join(dir, 'node_modules'));
    await symlink(process.cwd(), join(dir, 'node_modules', 'tracklab'));
    const prefix = join(dir, 'prefix');
    await run(process.execPath, [
      'node_modules/tslab/bin/tslab',
      'install',
      `--python=${defaultPython()}`,
      `--binary=${join(process.cwd(), 'node_modules', '.bin', 'tslab')}`,
      `--prefix=${prefix}`,
    ]);
    const notebook = join(dir, 'plain.ipynb');
    await writeFile(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            id: 'a',
            cell_type: 'code',
            metadata: {},
            execution_count: null,
            outputs: [],
            source: [
              "import { Tracker } from 'tracklab';\n",
              "const tracker = await Tracker.open({ store: './store' });\n",
              "const run = await tracker.startRun({ experiment: 'plain-tslab', name: 'by-hand' });\n",
              "run.logMetric('acc', 0.9);\n",
              'await run.end();\n',
              '(await tracker.getRun(run.id)).metrics.acc',
            ],
          },
        ],
      }),
    );
    const saved = process.env['JUPYTER_PATH'];
    process.env['JUPYTER_PATH'] = join(prefix, 'share', 'jupyter');
    try {
      const result = await execNotebook({ notebook, kernel: 'tslab', out: join(dir, 'out.ipynb') });
      assert.equal(result.ok, true, result.error);
    } finally {
      if (saved === undefined) delete process.env['JUPYTER_PATH'];
      else process.env['JUPYTER_PATH'] = saved;
    }
    assert.equal(text(await readNb(join(dir, 'out.ipynb')), 0), '0.9\n');
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const [r] = (await tracker.searchRuns({ experiments: ['plain-tslab'] })).runs;
    assert.equal(r?.name, 'by-hand');
    await tracker.close();
  });
});

describe('kernelspec', () => {
  it('installs into a prefix, points at the compiled kernel, and uninstalls', async () => {
    const prefix = tempDir();
    await installKernel({ prefix });
    const specFile = join(prefix, 'share', 'jupyter', 'kernels', 'tracklab', 'kernel.json');
    const spec = JSON.parse(await readFile(specFile, 'utf8')) as {
      argv: string[];
      display_name: string;
      language: string;
    };
    assert.deepEqual(spec.argv, [process.execPath, kernelMainPath(), '--config-path', '{connection_file}']);
    assert.match(kernelMainPath(), /dist[/\\]kernel[/\\]kernel-main\.js$/);
    assert.equal(spec.display_name, 'TypeScript (tracklab)');
    assert.equal(spec.language, 'typescript');
    const { stdout } = await run(defaultPython(), ['-m', 'jupyter', 'kernelspec', 'list'], {
      env: { ...process.env, JUPYTER_PATH: join(prefix, 'share', 'jupyter') },
    });
    assert.match(stdout, /tracklab\s+.*kernels[/\\]tracklab/);
    await uninstallKernel({ prefix });
    assert.equal(existsSync(specFile), false);
  });
});
