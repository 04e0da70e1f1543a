/** %compare of two 100,000-point runs draws a downsampled line per run: the notebook stays small. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareRunsHtml } from '../../src/kernel/runtime-views.js';
import { Tracker } from '../../src/tracker.js';
import { tempDir } from '../helpers.js';

const N = 100_000;
let tracker: Tracker;
before(async () => {
  tracker = await Tracker.open({ store: join(tempDir(), 'store') });
  for (const name of ['long-a', 'long-b']) {
    const run = await tracker.startRun({ experiment: 'long', name });
    for (let i = 0; i < N; i++) run.logMetric('loss', 1 / (i + 1) + (name === 'long-b' ? 0.01 : 0), { step: i });
    await run.end();
  }
});
after(async () => {
  await tracker.close();
});

describe('%compare of long runs', () => {
  it('keeps each line to a few hundred points, with the first and last step', async () => {
    const out = await compareRunsHtml(tracker, ['long-a', 'long-b'], ['loss'], 'long');
    assert.equal(out.svgs.length, 1);
    const svg = out.svgs[0]!;
    const bytes = out.html.length + svg.length;
    assert.ok(bytes < 150_000, `display of ${bytes} bytes`);
    // each run's line is one path in a line mark group (the marks carry no per-point text)
    const paths = [...svg.matchAll(/<g class="mark-line[^>]*><path[^>]*?d="M([^"]+)"/g)];
    assert.ok(svg.includes('long-a') && svg.includes('long-b'), 'both runs in the legend');
    const segments = paths.map((m) => m[1]!.split('L').length);
    assert.ok(segments.length >= 2, `lines drawn: ${segments.join(', ')}`);
    assert.ok(Math.max(...segments) <= 500, `points per line: ${segments.join(', ')}`);
  });
});
