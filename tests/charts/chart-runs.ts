import { uniqueLabels, type ChartRun } from '../../src/charts/index.js';
import { HOSTILE } from '../report/fixtures.js';

/** Three runs for the chart tests: hostile labels and keys, a NaN and an Infinity among the metrics. */
export const hostileChartRuns = (): ChartRun[] =>
  uniqueLabels<ChartRun>([
    {
      id: 'a',
      label: HOSTILE.name,
      params: { lr: '0.1', model: 'rf', [HOSTILE.metricKeys[1]!]: 'x' },
      metrics: { 'val loss: top/1': 0.5, 'a.b': 'NaN' },
    },
    {
      id: 'b',
      label: HOSTILE.name,
      params: { lr: '0.01', model: HOSTILE.template },
      metrics: { 'val loss: top/1': 0.3, 'a.b': 2 },
    },
    { id: 'c', label: 'plain', params: { lr: '1' }, metrics: { 'val loss: top/1': 'Infinity', 'a.b': 1 } },
  ]);
