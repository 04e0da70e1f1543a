/**
 * What the harness's browser costs the compare page: the same site measured alternately in the tests' Chromium and in
 * one without the address bar's popup (quiet-browser.ts), 9 pairs, both clocks (bench: goto called to data-drawn seen;
 * page: navigation start to data-drawn set). Run: node --import tsx bench/browser-ui-cost.ts [site dir]
 * (default bench/out/report-compare-site, which bench/report.ts builds).
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launch, serve } from '../tests/report/browser.js';
import { launchQuiet } from './quiet-browser.js';

const site = process.argv[2] ?? 'bench/out/report-compare-site';
const html = readFileSync(`${site}/compare.html`, 'utf8');
const ids = (JSON.parse(/"index":(\[.*?\])/.exec(html)![1]!) as { id: string }[]).map((e) => e.id).join(',');
const stock = await launch();
const quiet = await launchQuiet();
const srv = await serve(site, '/t/');
const DRAWN_AT = `new MutationObserver((_, o) => { if (document.getElementById('history-charts')?.hasAttribute('data-drawn')) { window.__drawnAt = performance.now(); o.disconnect(); } }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });`;
async function one(b: Browser): Promise<[number, number]> {
  const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(DRAWN_AT);
  const t = performance.now();
  await page.goto(`${srv.base}compare.html#runs=${ids}`, { waitUntil: 'commit' });
  await page.waitForSelector('#history-charts[data-drawn]');
  const bench = performance.now() - t;
  const p = await page.evaluate(() => (window as unknown as { __drawnAt: number }).__drawnAt);
  await page.close();
  return [bench, p];
}
const r: Record<string, number[][]> = { stock: [], quiet: [] };
for (let i = 0; i < 9; i++) {
  r['stock']!.push((await one(stock)).map(Math.round));
  r['quiet']!.push((await one(quiet)).map(Math.round));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const k of ['stock', 'quiet']) {
  const [bench, page] = [0, 1].map((j) => Math.round(med(r[k]!.map((x) => x[j]!))));
  console.log(`${k} Chromium: bench clock ${bench} ms, page clock ${page} ms; pairs ${JSON.stringify(r[k])}`);
}
await stock.close();
await quiet.close();
await srv.close();
