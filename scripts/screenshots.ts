/**
 * The screenshot gallery: builds the report of the review store (tests/report/review-store.ts) and photographs every
 * page type in Debian's Chromium, light and dark at 1440x900 and light and dark on a 390x844 phone, into
 * docs/screenshots/. Run: node --import tsx scripts/screenshots.ts [--out dir]
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildReport, createMemorySource } from '../src/report/index.js';
import { modelSlug } from '../src/report/paths.js';
import { chartsSettled, launch, serve } from '../tests/report/browser.js';
import { reviewStore, SWEEP } from '../tests/report/review-store.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? path.resolve(process.argv[outArg + 1] as string) : path.join(ROOT, 'docs', 'screenshots');

/** Page types of the gallery, as site-relative addresses. */
export function galleryPages(data = reviewStore()): { name: string; rel: string }[] {
  const best = data.runs.find((r) => r.name === 'adam-lr0.003-bs32-do0.1') ?? data.runs[1]!;
  const versions = data.models![0]!.versions.map((v) => v.runId).join(',');
  return [
    { name: 'index', rel: 'index.html' },
    { name: 'experiment', rel: `experiments/${SWEEP}.html` },
    { name: 'run', rel: `runs/${best.id}.html` },
    { name: 'compare', rel: `compare.html#runs=${versions}` },
    { name: 'model', rel: `models/${modelSlug('mnist-classifier')}.html` },
  ];
}

export const VIEWPORTS = [
  { tag: 'desktop', width: 1440, height: 900 },
  { tag: 'phone', width: 390, height: 844 },
] as const;

async function shoot(browser: Browser, base: string): Promise<string[]> {
  const written: string[] = [];
  for (const vp of VIEWPORTS) {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        viewport: { width: vp.width, height: vp.height },
        colorScheme: scheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      for (const p of galleryPages()) {
        await page.goto(base + p.rel);
        if (p.name !== 'index' && p.name !== 'model')
          await chartsSettled(page, '#history-charts .chart, #chart-scatter').catch(() => undefined);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(150);
        const file = path.join(OUT, `${p.name}-${vp.tag}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: false });
        written.push(file);
      }
      await context.close();
    }
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'screenshots.ts')) {
  const site = path.join(mkdtempSync(path.join(tmpdir(), 'tracklab-gallery-')), 'site');
  await buildReport({
    source: createMemorySource(reviewStore()),
    out: site,
    title: 'tracklab review demo',
    packageDir: ROOT,
  });
  mkdirSync(OUT, { recursive: true });
  const server = await serve(site, '/gallery/');
  const browser = await launch();
  try {
    const files = await shoot(browser, server.base);
    console.log(`${files.length} screenshots in ${path.relative(process.cwd(), OUT) || '.'} (site: ${site})`);
  } finally {
    await browser.close();
    await server.close();
  }
}
