/** Inline displays: charts readable on dark themes with full legends, plain-text fallbacks, the throttled live view. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveRun } from '../../src/active-run.js';
import { metricLineSpec, renderSvg } from '../../src/kernel/charts.js';
import { toPlainText, table } from '../../src/kernel/html.js';
import { createLiveView } from '../../src/kernel/live-view.js';

describe('charts', () => {
  it('have no white background, grey text, and legends with whole run names', async () => {
    const long = 'a-rather-long-run-name-from-a-sweep-lr-0.001 (1a2b3c4d)';
    const svg = await renderSvg(
      metricLineSpec('loss', [
        {
          label: long,
          points: [
            { step: 0, value: 1 },
            { step: 1, value: 0.5 },
          ],
        },
        {
          label: 'short (5e6f7a8b)',
          points: [
            { step: 0, value: 2 },
            { step: 1, value: 1 },
          ],
        },
      ]),
    );
    assert.doesNotMatch(svg, /fill="(white|#fff|#ffffff)"/i, 'no white box behind the chart');
    assert.match(svg, /fill="#888"/);
    assert.ok(svg.includes(long.replace(/&/g, '&amp;')), 'the whole legend label');
  });
});

describe('plain-text fallbacks', () => {
  it('turn an HTML table into lines of text', () => {
    const html = `<p><b>run &lt;1&gt;</b></p>${table(
      ['metric', 'latest'],
      [
        ['acc', '0.9'],
        ['loss', '0.1'],
      ],
      'Metrics',
    )}`;
    assert.equal(toPlainText(html), 'run <1>\nMetrics\nmetric  latest\nacc  0.9\nloss  0.1');
  });
});

describe('live view', () => {
  const run = { id: 'abcdef0123456789', name: 'fit', isEnded: false } as unknown as ActiveRun;
  it('updates one display in place, at most once per interval, with an HTML table and text', () => {
    let clock = 0;
    const writes: { data: Record<string, string>; id: string; update: boolean }[] = [];
    const live = createLiveView({
      write: (data, id, update) => writes.push({ data, id, update }),
      intervalMs: 250,
      now: () => clock,
    });
    for (let i = 0; i < 10_000; i++) {
      clock = i; // 1 ms per point: 10 s of training
      live.metric(run, 'loss', 1 / (i + 1), i);
    }
    assert.ok(writes.length >= 35 && writes.length <= 41, `${writes.length} updates for 10 s at <= 4 per second`);
    assert.equal(writes[0]!.update, false);
    assert.ok(writes.slice(1).every((w) => w.update && w.id === writes[0]!.id));
    live.flush();
    const last = writes.at(-1)!.data;
    assert.match(last['text/plain']!, /^fit \(abcdef01\) running\n {2}loss = 0\.0001 at step 9999$/);
    assert.match(last['text/html']!, /<svg width="120" height="24"[^>]*><polyline fill="none" stroke="currentColor"/);
    const n = writes.length;
    live.flush();
    assert.equal(writes.length, n, 'nothing new, nothing sent');
  });
});
