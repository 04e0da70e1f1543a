/** Inline displays: charts readable on dark themes with full legends, plain-text fallbacks, the throttled live view. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActiveRun } from '../../src/active-run.js';
import { metricBarSpec, metricLineSpec, renderSvg } from '../../src/kernel/charts.js';
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

describe('bar charts of metrics logged once', () => {
  it('draw each bar about 20 px tall, below the title and above the axis', async () => {
    const bars = [1, 0.9, 0.5].map((value, i) => ({ label: `run-${i} (0000000${i})`, value }));
    const svg = await renderSvg(metricBarSpec('accuracy', bars));
    const heights = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/g)].map((m) =>
      Number(m[1]),
    );
    assert.equal(heights.length, 3);
    for (const h of heights) assert.ok(h >= 15, `bar ${h} px tall`);
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

  it('turns a quietly ended run into one line with its latest values, in place', () => {
    const writes: { data: Record<string, string>; id: string; update: boolean }[] = [];
    const live = createLiveView({ write: (data, id, update) => writes.push({ data, id, update }), now: () => 0 });
    live.metric(run, 'acc', 0.5, 0);
    live.flush();
    live.metric(run, 'acc', 0.75, 1);
    live.metric(run, 'loss', 0.2, 0);
    assert.equal(live.ended(run, 'ended run fit (abcdef01) FINISHED'), true);
    assert.deepEqual(
      writes.map((w) => [w.id, w.update]),
      [
        ['tracklab-live-abcdef0123456789', false],
        ['tracklab-live-abcdef0123456789', true],
      ],
    );
    assert.equal(writes[1]!.data['text/plain'], 'ended run fit (abcdef01) FINISHED: acc = 0.75, loss = 0.2');
    assert.equal(
      writes[1]!.data['text/html'],
      '<div class="tracklab-live"><p>ended run fit (abcdef01) FINISHED: acc <b>0.75</b>, loss <b>0.2</b></p></div>',
    );
    const other = { id: 'ffff', name: 'quiet', isEnded: false } as unknown as ActiveRun;
    assert.equal(live.ended(other, 'ended run quiet (ffff) FINISHED'), false, 'no metrics, no display: caller says it');
    live.metric(other, 'x', 1, 0);
    assert.equal(live.ended(other, 'ended run quiet (ffff) FINISHED'), true);
    assert.equal(writes.at(-1)!.update, false, 'a run never drawn gets its line as a new display');
  });
});
