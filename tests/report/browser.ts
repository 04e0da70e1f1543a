/** Browser-test helpers: Debian's Chromium through playwright-core, a static server under a subpath, page watchers. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Debian's Chromium, headless; `extraArgs` go after the default switches (a repeated switch: the last one wins). */
export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown',
};

/** Serves `dir` at http://127.0.0.1:<port><prefix>, like GitHub Pages serves a project site. */
export async function serve(dir: string, prefix = '/proj/'): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Watch {
  errors: string[];
  /** console warnings, e.g. Chromium's about a preloaded file the page did not use */
  warnings: string[];
  dialogs: string[];
  foreign: string[];
}

/** Records console errors, page errors, CSP violations, dialogs and requests leaving the site's origin. */
export function watch(page: Page, base: string): Watch {
  const w: Watch = { errors: [], warnings: [], dialogs: [], foreign: [] };
  const origin = base.startsWith('file:') ? 'file:' : new URL(base).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
    if (m.type() === 'warning') w.warnings.push(m.text());
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    const u = r.url();
    const ok =
      origin === 'file:'
        ? u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')
        : u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:');
    if (!ok) w.foreign.push(u);
  });
  return w;
}

/** Waits until every chart container on the page is drawn or failed. */
export async function chartsSettled(page: Page, selector = '.chart', timeout = 15000): Promise<void> {
  // Charts below the first screen are drawn when they near the viewport.
  const lazy = page.locator('section.charts, #chart-parallel');
  if (await lazy.count()) await lazy.last().scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (sel) => {
      const charts = Array.from(document.querySelectorAll(sel)).filter((c) => (c as HTMLElement).offsetParent !== null);
      return charts.length > 0 && charts.every((c) => c.getAttribute('data-chart'));
    },
    selector,
    { timeout },
  );
}

/** Opens a notebook in the classic Jupyter UI, waits until its kernel is connected, and clicks Cell > Run All. */
export async function openAndRunAll(page: Page, notebookUrl: string): Promise<void> {
  await page.goto(notebookUrl);
  await page.waitForFunction(
    () =>
      (
        window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }
      ).Jupyter?.notebook?.kernel?.is_connected() === true,
    undefined,
    { timeout: 60_000 },
  );
  await page.click('#celllink');
  await page.click('#run_all_cells a');
}
