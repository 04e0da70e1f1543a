/**
 * History data in Chromium: pages draw from the drawn (sampled) chunks and load only the metrics they show; the
 * full-resolution chunk loads when a user downloads the CSV, and that CSV equals the logged values, over http and
 * from file://.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildReport, createMemorySource } from '../../src/report/index.js';
import type { HistoryPoint } from '../../src/report/collect.js';
import { tempDir } from '../helpers.js';
import { chartsSettled, hasChromium, launch, serve } from './browser.js';
import { fixtureData, run, T0 } from './fixtures.js';

const LONG = 'longaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const special = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const long: Record<string, HistoryPoint[]> = {
  accuracy: Array.from({ length: 5000 }, (_, i) => ({
    step: i,
    timestamp: T0 + i * 10,
    value: i > 0 && i % 1250 === 0 ? special[i / 1250 - 1]! : 1 - Math.exp(-i / 900) + 0.001 * Math.sin(i),
  })),
  loss: Array.from({ length: 300 }, (_, i) => ({ step: i * 2, timestamp: T0 + i, value: 1 / (i + 1) })),
  'lr, "warm"': [{ step: 0, timestamp: T0, value: 0.1 }],
};

function expectedCsv(): string {
  const text = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  const q = (k: string): string => (/[",]/.test(k) ? `"${k.replace(/"/g, '""')}"` : k);
  const rows = ['key,step,timestamp,value'];
  for (const key of Object.keys(long).sort())
    for (const p of long[key]!) rows.push(`${q(key)},${p.step},${p.timestamp},${text(p.value)}`);
  return `${rows.join('\n')}\n`;
}

describe('history data in Chromium', { skip: !hasChromium && 'no /usr/bin/chromium' }, () => {
  let browser: Browser;
  let out: string;
  let server: { base: string; close: () => Promise<void> };

  before(async () => {
    const data = fixtureData();
    data.runs.push(run({ id: LONG, experimentId: '1', experimentName: 'iris', name: 'long' }, long));
    data.histories![LONG] = long;
    out = path.join(tempDir('tracklab-history-'), 'site');
    await buildReport({ source: createMemorySource(data), out });
    server = await serve(out, '/site/');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(url: string): Promise<{ page: Page; chunks: string[] }> {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    const chunks: string[] = [];
    page.on('request', (r) => {
      const m = /data\/runs\/(.+)\.js$/.exec(r.url());
      if (m && /\.[hf]\d+$/.test(m[1]!)) chunks.push(m[1]!);
    });
    await page.goto(url);
    return { page, chunks };
  }

  test('run page: drawn from the sampled chunks; the CSV, built in the page, equals the logged values', async () => {
    const refs = JSON.parse(readFileSync(path.join(out, `data/runs/${LONG}.js`), 'utf8').slice(16, -3)).histories;
    assert.deepEqual(
      refs.map((r: { key: string; exact: boolean; points: number }) => [r.key, r.exact, r.points]),
      [
        ['accuracy', false, 1000],
        ['loss', true, 300],
        ['lr, "warm"', true, 1],
      ],
    );
    for (const base of [server.base, `${pathToFileURL(out).href}/`]) {
      const { page, chunks } = await open(`${base}runs/${LONG}.html`);
      await chartsSettled(page);
      assert.equal(await page.locator('.chart[data-chart="error"]').count(), 0);
      assert.deepEqual(await page.$$eval('.chart.history', (n) => n.map((c) => c.getAttribute('data-metric'))), [
        'accuracy',
        'loss',
        'lr, "warm"',
      ]);
      assert.deepEqual(chunks.sort(), [`${LONG}.h0`, `${LONG}.h1`, `${LONG}.h2`], `${base}: no full chunk to draw`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
      assert.equal(readFileSync(await download.path(), 'utf8'), expectedCsv(), base);
      assert.ok(chunks.includes(`${LONG}.f0`), 'the full chunk loads for the CSV');
      await page.context().close();
    }
  });

  test('experiment page: loads only the chunks of the metrics it draws', async () => {
    const { page, chunks } = await open(`${server.base}experiments/1.html`);
    await chartsSettled(page);
    const drawn = await page.$$eval('#history-charts .chart.history', (n) =>
      n.map((c) => c.getAttribute('data-metric')),
    );
    assert.ok(drawn.length > 0 && drawn.length < 3, `draws ${drawn.join(', ')}`);
    const files = new Set(chunks.map((c) => c.split('.').pop()));
    assert.ok(chunks.length > 0 && ![...files].some((f) => f!.startsWith('f')), `loaded ${chunks.join(', ')}`);
    const longRefs = JSON.parse(readFileSync(path.join(out, `data/runs/${LONG}.js`), 'utf8').slice(16, -3)).histories;
    const wanted = longRefs.filter((r: { key: string }) => drawn.includes(r.key)).map((r: { draw: string }) => r.draw);
    for (const c of chunks.filter((x) => x.startsWith(LONG))) assert.ok(wanted.includes(`${c}.js`), c);
    await page.context().close();
  });
});
