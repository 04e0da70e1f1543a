/** Latest values as horizontal bars, best first: a vega spec of a few dozen rects, parsed once per size and metric. */
import { NUM } from '../../src/charts/common.js';
import { uniqueLabels } from '../../src/charts/common.js';
import { OTHER_COLOR, shortValue, type BarValue, type ColorOf } from '../../src/charts/run-charts.js';
import { VEGA_SCHEMA } from './scatter-vega.js';

/** Room for the run names left of the bars. */
const LABEL_ROOM = 190;

export interface BarsFrame {
  /** width of the whole chart */
  width: number;
  rows: number;
  metric: string;
}

/** The spec: an empty `bars` data set, the run names (the band domain, in bar order) as a signal. */
export function barsFrameSpec(f: BarsFrame): Record<string, unknown> {
  return {
    $schema: VEGA_SCHEMA,
    width: Math.max(120, f.width - LABEL_ROOM),
    height: Math.max(40, f.rows * 18),
    autosize: { type: 'pad' },
    title: { text: `metrics.${f.metric}`, anchor: 'start', fontSize: 13, frame: 'group' },
    signals: [{ name: 'labels', value: [] }],
    data: [{ name: 'bars', values: [] }],
    scales: [
      { name: 'y', type: 'band', domain: { signal: 'labels' }, range: 'height', paddingInner: 0.1, paddingOuter: 0.05 },
      { name: 'x', type: 'linear', domain: { data: 'bars', field: 'y' }, range: 'width', zero: true, nice: true },
    ],
    axes: [
      { orient: 'left', scale: 'y', labelLimit: 180, ticks: false },
      {
        orient: 'bottom',
        scale: 'x',
        title: f.metric,
        grid: true,
        format: NUM,
        tickCount: { signal: 'ceil(width/60)' },
      },
    ],
    marks: [
      {
        type: 'rect',
        aria: false,
        from: { data: 'bars' },
        encode: {
          update: {
            x: { scale: 'x', field: 'y' },
            x2: { scale: 'x', value: 0 },
            y: { scale: 'y', field: 'r' },
            height: { scale: 'y', band: 1 },
            fill: { field: 'c' },
            fillOpacity: { value: 1 },
            tooltip: { field: 'tip' },
          },
          hover: { fillOpacity: { value: 0.75 } },
        },
      },
    ],
  };
}

/**
 * The bars with their colours and read-outs, and their order. A FAILED or KILLED run's row says so in its name, so a
 * high value of a run that did not finish is never read as the best.
 */
export function barsInput(values: readonly BarValue[], metric: string, colorOf?: ColorOf) {
  const rows = uniqueLabels(
    values.map((v) => ({ v, label: v.status === undefined ? v.r : `${v.r} (${v.status.toLowerCase()})` })),
  );
  const bars = rows.map(({ v, label }) => ({
    r: label,
    y: v.y,
    c: colorOf?.(v.r) ?? OTHER_COLOR,
    tip: { run: v.r, ...(v.status ? { status: v.status } : {}), [`metrics.${metric}`]: shortValue(v.y) },
  }));
  return { data: { bars }, signals: { labels: bars.map((b) => b.r) } };
}
