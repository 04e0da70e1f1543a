/**
 * The real Notebook UI (Debian's jupyter-notebook 6.4) in Debian's Chromium, with the tracklab kernel from dist/:
 * what a student sees when running cells, clicking %report's link, and which file their runs record as the source.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startJupyterServer, type JupyterServer } from '../../src/exec/jupyter-server.js';
import { defaultPython, writeKernelSpec } from '../../src/kernel/kernelspec.js';
import { Tracker } from '../../src/tracker.js';
import { hasChromium, launch, openAndRunAll, watch } from '../report/browser.js';
import { codeCell, trackedNotebook } from '../notebook-fixture.js';

const CELLS = [
  '%experiment ui\n%start_run baseline',
  'for (let e = 0; e < 3; e++) {\n  %log_metric acc=0.8+e/20\n}\n%end_run --quiet',
  '%report --out site --title "UI test"',
];

async function writeNotebook(file: string): Promise<void> {
  await writeFile(file, JSON.stringify(trackedNotebook(CELLS.map((source, i) => codeCell(`c${i}`, source)))));
}

const outputText = (page: Page, i: number): Promise<string> =>
  page.evaluate(
    (n) =>
      Array.from(document.querySelectorAll('.cell')[n]?.querySelectorAll('.output_area') ?? [])
        .map((o) => o.textContent ?? '')
        .join('\n'),
    i,
  );

describe('the Notebook UI', { skip: hasChromium ? false : 'Chromium (/usr/bin/chromium) is not installed' }, () => {
  let dir: string;
  let server: JupyterServer;
  let browser: Browser;
  before(async () => {
    // not tempDir(): its cleanup, registered inside a hook, would run as soon as the hook ends
    dir = mkdtempSync(join(tmpdir(), 'tracklab-jupyter-'));
    await mkdir(join(dir, 'work'));
    await writeNotebook(join(dir, 'work', 'student.ipynb'));
    await writeKernelSpec(join(dir, 'share', 'jupyter'));
    server = await startJupyterServer({
      python: defaultPython(),
      rootDir: join(dir, 'work'),
      env: {
        ...process.env,
        JUPYTER_PATH: join(dir, 'share', 'jupyter'),
        JUPYTER_RUNTIME_DIR: join(dir, 'rt'),
        TRACKLAB_STORE: join(dir, 'store'),
      },
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows one line for %start_run, opens a styled report from %report, and records the notebook file', async () => {
    const page = await browser.newPage();
    await openAndRunAll(page, `${server.url}/notebooks/student.ipynb?token=${server.token}`);
    await page
      .waitForFunction(
        () => (document.querySelectorAll('.cell')[2]?.querySelector('.output_area')?.textContent ?? '') !== '',
        undefined,
        { timeout: 120_000 },
      )
      .catch(() => undefined);
    const texts = await Promise.all(CELLS.map((_, i) => outputText(page, i)));
    assert.match(texts[2] ?? '', /open the report/, texts.join('\n---\n'));

    assert.match(
      await outputText(page, 0),
      /^experiment: ui \(id \d+\)\s*started run baseline \([0-9a-f]{8}\) in experiment ui\s*$/,
    );
    // a quiet end replaces the live view with one line and the latest values
    assert.match(await outputText(page, 1), /^\s*ended run baseline \([0-9a-f]{8}\) FINISHED: acc 0\.9\s*$/);

    const [report] = await Promise.all([page.waitForEvent('popup'), page.click('.cell:nth-child(3) .output_area a')]);
    const w = watch(report, report.url());
    await report.waitForLoadState('load');
    assert.match(report.url(), /^http:\/\/127\.0\.0\.1:\d+\/index\.html$/);
    const styled = await report.evaluate(() => Array.from(document.styleSheets).some((s) => s.cssRules.length > 0));
    assert.equal(styled, true, "the site's stylesheet applies");
    assert.match(await report.title(), /UI test/);
    assert.deepEqual(w.errors, []);

    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const [run] = (await tracker.searchRuns({ experiments: ['ui'] })).runs;
    assert.equal(run?.tags['mlflow.source.name'], join(dir, 'work', 'student.ipynb'));
    assert.deepEqual(
      (await tracker.getMetricHistory(run.id, 'acc')).map((p) => p.step),
      [0, 1, 2],
    );
    await tracker.close();
  });
});
