import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vega from 'vega';
import {
  barValues,
  barsSummary,
  chooseDims,
  OTHER_COLOR,
  parallelData,
  scatterData,
  type ChartRun,
} from '../../src/charts/index.js';
import { barsFrameSpec, barsInput } from '../../templates/client/bars-vega.js';
import { fastInterpreter } from '../../templates/client/fast-expr.js';
import { parallelFrameSpec, parallelInput, type ParallelFrame } from '../../templates/client/parallel-vega.js';
import { nearestDot } from '../../templates/client/point-hover.js';
import { scatterFrameSpec, scatterInput, type ScatterFrame } from '../../templates/client/scatter-vega.js';
import { HOSTILE } from '../report/fixtures.js';
import { hostileChartRuns } from './chart-runs.js';

const runs: ChartRun[] = hostileChartRuns();
const loss = { kind: 'metric', key: 'val loss: top/1' } as const;
const ab = { kind: 'metric', key: 'a.b' } as const;

/** Runs a spec with its data as the page does, in Node: the view (for its scales) and its SVG. */
async function render(spec: Record<string, unknown>, input: { data: Record<string, unknown[]>; signals?: object }) {
  const view = new vega.View(vega.parse(spec, undefined, { ast: true }), {
    renderer: 'none',
    expr: fastInterpreter,
  } as never);
  for (const [name, values] of Object.entries(input.data)) view.change(name, vega.changeset().insert(values));
  for (const [name, value] of Object.entries(input.signals ?? {})) view.signal(name, value);
  await view.runAsync();
  const svg = await view.toSVG();
  return { view, svg };
}

/** The specs never carry user text into an expression: only into titles (plain text) and data. */
function assertNoUserTextInExpressions(spec: unknown): void {
  const exprs = JSON.stringify(spec).match(/"(signal|test|expr)":"[^"]*"/g) ?? [];
  for (const e of exprs) assert.ok(!/img|constructor|val loss/.test(e), e);
}

test('scatter data: numbers on a log axis when they span two decades, text as sorted categories', () => {
  const numeric = scatterData(runs, { kind: 'param', key: 'lr' }, loss);
  assert.equal(numeric.xScale, 'linear', 'one decade');
  assert.deepEqual(
    numeric.points.map((p) => [p.x, p.y]),
    [
      [0.1, 0.5],
      [0.01, 0.3],
    ],
    'a run without a finite y is left out',
  );
  assert.equal(scatterData(runs, { kind: 'param', key: 'lr' }, ab).xScale, 'log', 'two decades');
  const text = scatterData(runs, { kind: 'param', key: 'model' }, loss);
  assert.equal(text.xScale, 'point');
  assert.deepEqual(text.categories, ['rf', HOSTILE.template].sort());
});

for (const [name, x, y] of [
  ['log', { kind: 'param', key: 'lr' }, ab],
  ['linear', { kind: 'param', key: 'lr' }, loss],
  ['point', { kind: 'param', key: 'model' }, loss],
] as const) {
  test(`scatter (${name} x): the page's pixels are where vega's scales put the values; axes show real values`, async () => {
    const data = scatterData(runs, x, y);
    assert.equal(data.xScale, name);
    const frame: ScatterFrame = { width: 500, height: 280, xScale: data.xScale, xTitle: 'x', yTitle: 'y' };
    const { input, dots } = scatterInput(data, frame, (l) => (l === 'plain' ? '#123456' : undefined));
    const spec = scatterFrameSpec(frame);
    assertNoUserTextInExpressions(spec);
    const { view, svg } = await render(spec, input);
    const scale = (name: string) => view.scale(name) as (v: number | string) => number;
    const [sx, sy] = [scale('x'), scale('y')];
    data.points.forEach((p, i) => {
      assert.ok(Math.abs(sx(p.x) - dots[i]!.x) < 0.01, `x of ${p.r}`);
      assert.ok(Math.abs(sy(p.y) - dots[i]!.y) < 0.01, `y of ${p.r}`);
    });
    assert.equal((svg.match(/<path[^>]*stroke-linecap="round"/g) ?? []).length, input.data.dots.length);
    const labels = [...svg.matchAll(/role-axis-label[^]*?<\/g>/g)].map((m) => [...m[0].matchAll(/>([^<]+)<\/text>/g)]);
    assert.ok(labels.length === 2 && labels.every((l) => l.length >= 2), 'both axes have tick values');
    view.finalize();
  });
}

test('scatter dots: one path per colour, grey first; the read-out finds the nearest point within reach', () => {
  const data = scatterData(runs, { kind: 'param', key: 'lr' }, ab);
  const frame: ScatterFrame = { width: 500, height: 280, xScale: data.xScale, xTitle: 'params.lr', yTitle: 'a.b' };
  const { input, dots } = scatterInput(data, frame, (l) => (l === 'plain' ? '#123456' : undefined));
  assert.deepEqual(
    input.data.dots.map((d) => d.c),
    [OTHER_COLOR, '#123456'],
  );
  const plain = dots.find((d) => d.label === 'plain')!;
  assert.deepEqual(plain.rows, [
    ['params.lr', '1'],
    ['a.b', '1'],
  ]);
  assert.equal(nearestDot(dots, plain.x + 3, plain.y - 3), plain);
  assert.equal(nearestDot(dots, plain.x + 40, plain.y), null);
});

test('parallel data: each axis on its own range with real tick values, categories by rank, colour values', () => {
  const dims = chooseDims(runs);
  const { axes, lines } = parallelData(runs, dims, ab);
  const lr = axes.find((a) => a.title === 'params.lr')!;
  assert.deepEqual(
    lr.ticks.map((t) => t.t),
    ['0.01', '0.505', '1'],
  );
  assert.deepEqual(
    axes.map((a) => a.title),
    dims.map((d) => `${d.kind === 'param' ? 'params' : 'metrics'}.${d.key}`),
    'dimension order kept',
  );
  const model = axes.find((a) => a.title === 'params.model')!;
  assert.equal(model.ticks.length, 2);
  assert.deepEqual(
    lines.map((l) => l.c),
    [undefined, 2, 1],
    'NaN has no colour value',
  );
  assert.equal(lines[2]!.ys[axes.indexOf(model)], null, 'no value: no point on that axis');
});

test('parallel coordinates: one path per run, tick values and titles as text, a colour legend in real values', async () => {
  const dims = chooseDims(runs);
  const frame: ParallelFrame = {
    width: 900,
    height: 260,
    axes: dims.length,
    colorTitle: 'metrics.a.b',
    ink: { fg: '#111', muted: '#666' },
  };
  const input = parallelInput(parallelData(runs, dims, ab), frame);
  const spec = parallelFrameSpec(frame);
  assertNoUserTextInExpressions(spec);
  const { view, svg } = await render(spec, input);
  assert.equal(input.data.lines!.length, runs.length);
  assert.match(svg, />0\.505</);
  assert.match(svg, />params\.lr</);
  assert.ok(svg.includes(`stroke="${OTHER_COLOR}"`), 'a run without a colour value is grey');
  assert.match(svg, /role-legend[^]*metrics\.a\.b/, 'the legend names the colour');
  assert.ok(!svg.includes('<img'), 'user text is escaped');
  const tips = input.data.lines!.map((l) => (l as { tip: Record<string, string> }).tip);
  assert.deepEqual(tips.find((t) => t['run'] === 'plain')!['params.lr'], '1');
  view.finalize();
});

test('bars: best first in the metric direction, run colours, grey for the rest', async () => {
  const values = barValues(runs, 'val loss: top/1', { higherIsBetter: false });
  assert.deepEqual(
    values.map((v) => v.y),
    [0.3, 0.5],
  );
  const input = barsInput(values, 'val loss: top/1', (l) => (l === values[0]!.r ? '#123456' : undefined));
  const spec = barsFrameSpec({ width: 500, rows: values.length, metric: 'val loss: top/1' });
  assertNoUserTextInExpressions(spec);
  const { view, svg } = await render(spec, input);
  const fills = [...svg.matchAll(/<path[^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
  assert.deepEqual(fills.slice(0, 2), ['#123456', OTHER_COLOR]);
  assert.match(svg, /metrics\.val loss: top\/1/);
  view.finalize();
});

test('bars: a FAILED or KILLED run ranks after the finished ones, is named so, and is never called best', async () => {
  const run = (label: string, acc: number, status?: string): ChartRun => ({
    id: label,
    label,
    params: {},
    metrics: { acc },
    ...(status ? { status } : {}),
  });
  const values = barValues(
    [
      run('ok', 0.8, 'FINISHED'),
      run('crashed', 0.99, 'FAILED'),
      run('live', 0.7, 'RUNNING'),
      run('stopped', 0.95, 'KILLED'),
      run('crashed (failed)', 0.5),
    ],
    'acc',
  );
  assert.deepEqual(
    values.map((v) => [v.r, v.status]),
    [
      ['ok', undefined],
      ['live', undefined],
      ['crashed (failed)', undefined],
      ['crashed', 'FAILED'],
      ['stopped', 'KILLED'],
    ],
  );
  assert.equal(barsSummary(values), ' Best: ok (0.8). 2 failed or killed runs are listed last.');
  assert.equal(barsSummary(values.slice(0, 1)), ' Best: ok (0.8).');
  assert.equal(barsSummary(values.slice(4)), ' 1 failed or killed run is listed last.');
  const input = barsInput(values, 'acc', (l) => (l === 'crashed' ? '#123456' : undefined));
  // labels stay distinct even when a finished run's own name looks like another run's marked one
  assert.deepEqual(input.signals.labels, [
    'ok',
    'live',
    'crashed (failed)',
    'crashed (failed) (2)',
    'stopped (killed)',
  ]);
  assert.equal(input.data.bars[3]!.c, '#123456', 'the colour follows the run, not its marked label');
  assert.deepEqual(input.data.bars[3]!.tip, { run: 'crashed', status: 'FAILED', 'metrics.acc': '0.99' });
  const { view, svg } = await render(barsFrameSpec({ width: 500, rows: values.length, metric: 'acc' }), input);
  assert.match(svg, />stopped \(killed\)</);
  view.finalize();
});
