import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import * as vl from 'vega-lite';
import * as vega from 'vega';
import { barsSpec, chooseDims, historySpec, parallelSpec, scatterSpec, uniqueLabels, type ChartRun } from '../../src/report/chart-specs.js';
import { toSeries } from '../../src/report/downsample.js';
import { HOSTILE } from './fixtures.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('vega-lite/vega-lite-schema.json');
const ajv = new Ajv.default({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

const runs: ChartRun[] = uniqueLabels<ChartRun>([
  { id: 'a', label: HOSTILE.name, params: { lr: '0.1', model: 'rf', [HOSTILE.metricKeys[1]!]: 'x' }, metrics: { 'val loss: top/1': 0.5, 'a.b': 'NaN' } },
  { id: 'b', label: HOSTILE.name, params: { lr: '0.01', model: HOSTILE.template }, metrics: { 'val loss: top/1': 0.3, 'a.b': 2 } },
  { id: 'c', label: 'plain', params: { lr: '1' }, metrics: { 'val loss: top/1': 'Infinity', 'a.b': 1 } },
]);

const series = toSeries('val loss: top/1', Array.from({ length: 50 }, (_, i) => ({ step: i, timestamp: 1e12 + i, value: i === 7 ? Number.NaN : 1 / (i + 1) })));

const specs = {
  history: historySpec({ title: 'val loss: top/1', series: [{ label: runs[0]!.label, series }, { label: runs[1]!.label, series }], x: 'step', smoothing: 0.6 }),
  historyTime: historySpec({ title: 'a.b', series: [{ label: 'r', series }], x: 'time' }),
  scatterNumeric: scatterSpec(runs, { kind: 'param', key: 'lr' }, { kind: 'metric', key: 'val loss: top/1' }),
  scatterNominal: scatterSpec(runs, { kind: 'param', key: 'model' }, { kind: 'metric', key: 'a.b' }),
  parallel: parallelSpec(runs, chooseDims(runs)),
  bars: barsSpec(runs, 'a.b'),
};

for (const [name, spec] of Object.entries(specs)) {
  test(`${name}: valid vega-lite, user text never in a field name, draws marks`, async () => {
    assert.ok(validate(spec), JSON.stringify(validate.errors?.slice(0, 3)));
    const fields = JSON.stringify((spec as { encoding?: unknown }).encoding).match(/"field":"[^"]*"/g) ?? [];
    for (const f of fields) assert.match(f, /^"field":"[a-z]"$/);
    const compiled = vl.compile(spec).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), { renderer: 'none', expr: (await import('vega-interpreter')).expressionInterpreter } as never);
    const svg = await view.toSVG();
    view.finalize();
    assert.match(svg, /<path|<circle|<rect/);
    assert.ok(!svg.includes('<script'));
  });
}

test('labels are made unique so two runs with one name stay apart', () => {
  assert.deepEqual(runs.map((r) => r.label), [HOSTILE.name, `${HOSTILE.name} (2)`, 'plain']);
});

test('non-finite metric values are left out of charts', () => {
  const bars = barsSpec(runs, 'val loss: top/1') as { data: { values: { y: number }[] } };
  assert.deepEqual(bars.data.values.map((v) => v.y), [0.5, 0.3]);
  const h = specs.history as { data: { values: { y: number }[] } };
  assert.ok(h.data.values.every((v) => Number.isFinite(v.y)));
});

test('parallel coordinates keep dimension order without a sort expression', () => {
  const p = specs.parallel as { data: { values: { d: string }[] }; encoding: { x: { sort: unknown } } };
  assert.equal(p.encoding.x.sort, null);
  const order = [...new Set(p.data.values.map((v) => v.d))];
  assert.deepEqual(order, chooseDims(runs).map((d) => `${d.kind === 'param' ? 'params' : 'metrics'}.${d.key}`));
});
