import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import * as vl from 'vega-lite';
import * as vega from 'vega';
import {
  barValues,
  historySpec,
  mostVaryingParam,
  runStyle,
  singleValueSpec,
  type ChartRun,
} from '../../src/charts/index.js';
import { toSeries } from '../../src/report/downsample.js';
import { HOSTILE } from '../report/fixtures.js';
import { hostileChartRuns } from './chart-runs.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('vega-lite/vega-lite-schema.json');
const ajv = new Ajv.default({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

const runs: ChartRun[] = hostileChartRuns();

const series = toSeries(
  'val loss: top/1',
  Array.from({ length: 50 }, (_, i) => ({ step: i, timestamp: 1e12 + i, value: i === 7 ? Number.NaN : 1 / (i + 1) })),
);

const styles = [runStyle(0), runStyle(11)];
const specs = {
  history: historySpec({
    title: 'val loss: top/1',
    series: [
      { label: runs[0]!.label, series, style: styles[0]! },
      { label: runs[1]!.label, series, style: styles[1]! },
    ],
    x: 'step',
    smoothing: 0.6,
  }),
  historyTime: historySpec({ title: 'a.b', series: [{ label: 'r', series }], x: 'time' }),
  historyRelative: historySpec({ title: 'a.b', series: [{ label: 'r', series }], x: 'relative' }),
  single: singleValueSpec('rmse', [
    { label: 'a', series: toSeries('rmse', [{ step: 0, timestamp: 1, value: 0.3 }]) },
    { label: 'b', series: toSeries('rmse', [{ step: 0, timestamp: 1, value: 0.2 }]) },
  ]),
};

type Spec = { data?: { values: Record<string, unknown>[] }; layer?: Spec[]; encoding?: unknown };
const layers = (spec: unknown): Spec[] => {
  const s = spec as Spec;
  return s.layer ? s.layer.flatMap(layers) : [s];
};

for (const [name, spec] of Object.entries(specs)) {
  test(`${name}: valid vega-lite, user text never in a field name, draws marks`, async () => {
    assert.ok(validate(spec), JSON.stringify(validate.errors?.slice(0, 3)));
    const fields = layers(spec).flatMap((l) => JSON.stringify(l.encoding ?? {}).match(/"field":"[^"]*"/g) ?? []);
    assert.ok(fields.length > 0);
    for (const f of fields) assert.match(f, /^"field":"[a-z]"$/);
    const compiled = vl.compile(spec).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
      renderer: 'none',
      expr: (await import('vega-interpreter')).expressionInterpreter,
    } as never);
    const svg = await view.toSVG();
    view.finalize();
    assert.match(svg, /<path|<circle|<rect/);
    assert.ok(!svg.includes('<script'));
  });
}

test('labels are made unique so two runs with one name stay apart', () => {
  assert.deepEqual(
    runs.map((r) => r.label),
    [HOSTILE.name, `${HOSTILE.name} (2)`, 'plain'],
  );
});

test('non-finite values are not drawn as lines but marked where a run first went non-finite', () => {
  assert.deepEqual(
    barValues(runs, 'val loss: top/1').map((v) => v.y),
    [0.5, 0.3],
  );
  const lines = layers(specs.history)[0]!.data!.values;
  assert.ok(lines.every((v) => Number.isFinite(v['y'])));
  const marks = layers(specs.history)[1]!.data!.values;
  assert.deepEqual(
    marks.map((m) => m['x']),
    [7, 7],
  );
  assert.match(String(marks[0]!['v']), /^NaN from step 7 \(1 points\)$/);
});

test('each run keeps its colour and dash: ten distinct colours, then dashes', () => {
  const colors = Array.from({ length: 10 }, (_, i) => runStyle(i).color);
  assert.equal(new Set(colors).size, 10);
  assert.deepEqual(runStyle(0).dash, []);
  assert.equal(runStyle(10).color, runStyle(0).color);
  assert.notDeepEqual(runStyle(10).dash, runStyle(0).dash);
  const enc = layers(specs.history)[0]!.encoding as {
    color: { scale: { range: string[] } };
    strokeDash: { scale: { range: number[][] } };
  };
  assert.deepEqual(enc.color.scale.range, [styles[0]!.color, styles[1]!.color]);
  assert.deepEqual(enc.strokeDash.scale.range, [styles[0]!.dash, styles[1]!.dash]);
});

test('the scatter defaults to the param that moves the main metric most', () => {
  const sweep: ChartRun[] = [0, 1, 2, 3].map((i) => ({
    id: String(i),
    label: String(i),
    params: { seed: String(i % 2), lr: String(i < 2 ? 0.1 : 0.001) },
    metrics: { acc: i < 2 ? 0.5 + i * 0.01 : 0.9 },
  }));
  assert.equal(mostVaryingParam(sweep, 'acc'), 'lr');
  assert.equal(mostVaryingParam([], 'acc'), null);
});

test('axes use 4 significant digits, never 0.000000', () => {
  assert.ok(JSON.stringify(specs.single).includes('.4~g'));
  assert.ok(!JSON.stringify(specs.history).includes('.6f'));
});
