/**
 * History data in Chromium: pages draw from the drawn (sampled) chunks that come with a run's data file; the
 * full-resolution chunk loads only when a user downloads the CSV, and that CSV equals the logged values, over http and
 * from file://.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { Browser, Page } from 'playwright-core';
import { buildReport, createMemorySource } from '../../src/report/index.js';
import type { HistoryPoint } from '../../src/report/collect.js';
import { tempDir } from '../helpers.js';
import { chartsSettled, hasChromium, launch, serve } from './browser.js';
import { fixtureData, run, T0 } from './fixtures.js';

const LONG = 'longaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
/** A one-step spike inside a bucket whose last value is ordinary: only the bucket's range shows it. */
const SPIKE = 3333;
const special = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const long: Record<string, HistoryPoint[]> = {
  accuracy: Array.from({ length: 5000 }, (_, i) => ({
    step: i,
    timestamp: T0 + i * 10,
    value:
      i > 0 && i % 1250 === 0 ? special[i / 1250 - 1]! : i === SPIKE ? 5 : 1 - Math.exp(-i / 900) + 0.001 * Math.sin(i),
  })),
  loss: Array.from({ length: 300 }, (_, i) => ({ step: i * 2, timestamp: T0 + i, value: 1 / (i + 1) })),
  'lr, "warm"': [{ step: 0, timestamp: T0, value: 0.1 }],
};

/** The histories list of a run's data file, read by running it as the page does. */
function refsOf(out: string, id: string): { key: string; exact: boolean; points: number; full: string }[] {
  let refs: { key: string; exact: boolean; points: number; full: string }[] = [];
  const script = readFileSync(path.join(out, `data/runs/${id}.js`), 'utf8');
  // copied out of the script's context, so deepEqual compares plain values
  runInNewContext(script, {
    tracklabRunData: (d: { histories: { refs: typeof refs } }) => (refs = structuredClone(d.histories.refs)),
  });
  return refs;
}

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
      if (m && /\.f\d+$/.test(m[1]!)) chunks.push(m[1]!);
    });
    await page.goto(url);
    return { page, chunks };
  }

  test('run page: drawn from the sampled chunks; the CSV, built in the page, equals the logged values', async () => {
    assert.deepEqual(
      refsOf(out, LONG).map((r) => [r.key, r.exact, r.points, r.full]),
      [
        ['accuracy', false, 1000, `${LONG}.f0.js`],
        ['loss', true, 300, ''],
        ['lr, "warm"', true, 1, ''],
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
      assert.deepEqual(chunks, [], `${base}: drawn without loading a full-resolution chunk`);
      const accuracy = page.locator('[data-metric="accuracy"] svg');
      assert.equal(await accuracy.locator('.mark-path path[fill-opacity]').count(), 1, 'one range band');
      const ticks = await accuracy.locator('.role-axis-label text').allTextContents();
      assert.ok(
        Math.max(...ticks.map(Number).filter(Number.isFinite)) >= 4,
        `the spike is in view: ${ticks.join(' ')}`,
      );
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
      assert.equal(readFileSync(await download.path(), 'utf8'), expectedCsv(), base);
      assert.deepEqual(chunks, [`${LONG}.f0`], 'the full chunk loads for the CSV');
      await page.context().close();
    }
  });

  test('experiment page: draws the best runs without any full-resolution chunk', async () => {
    const { page, chunks } = await open(`${server.base}experiments/1.html`);
    await chartsSettled(page);
    const drawn = await page.$$eval('#history-charts .chart.history', (n) =>
      n.map((c) => c.getAttribute('data-metric')),
    );
    assert.ok(drawn.length > 0, 'history charts drawn');
    assert.equal(await page.locator('.chart[data-chart="error"]').count(), 0);
    assert.deepEqual(chunks, []);
    await page.context().close();
  });
});
