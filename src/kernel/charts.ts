/**
 * Charts for inline displays, rendered to SVG on the kernel side with vega-lite + vega, so they show in every front end
 * and survive nbconvert. The specs are the report's (src/charts): the same colours, non-finite markers and number
 * formats in a notebook as on the site. User text (run names, metric keys) is only ever data or a title.
 */
import type { TopLevelSpec } from 'vega-lite';
import { historySpec, runStyle, singleValueSpec, type ChartSeries, type HistoryLine } from '../charts/index.js';

export interface LineSeries {
  label: string;
  points: readonly { step: number; value: number }[];
}

const nonFiniteName = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** A history as the shared specs take it: x by step; NaN and infinities become gaps with a marker. */
function toChartSeries(points: LineSeries['points']): ChartSeries {
  const bad = points
    .filter((p) => !Number.isFinite(p.value))
    .map((p): [number, string] => [p.step, nonFiniteName(p.value)]);
  return {
    steps: points.map((p) => p.step),
    t0: 0,
    times: points.map(() => 0),
    values: points.map((p) => (Number.isFinite(p.value) ? p.value : null)),
    total: points.length,
    ...(bad.length > 0 ? { nonFinite: bad } : {}),
  };
}

const toLines = (series: readonly LineSeries[]): HistoryLine[] =>
  series.map((s, i) => ({ label: s.label, series: toChartSeries(s.points), style: runStyle(i) }));

/** One line per run, step on x, a legend of runs; non-finite points are marked, not dropped silently. */
export function metricLineSpec(title: string, series: readonly LineSeries[]): TopLevelSpec {
  return historySpec({ title, series: toLines(series), x: 'step', width: 420, height: 220, legend: true });
}

/** A bar chart of one value per run (for metrics logged once, at a single step). */
export function metricBarSpec(title: string, bars: readonly { label: string; value: number }[]): TopLevelSpec {
  return singleValueSpec(
    title,
    toLines(bars.map((b) => ({ label: b.label, points: [{ step: 0, value: b.value }] }))),
    420,
  );
}

/**
 * Colours that read on light and dark notebook themes: a transparent background (no white box on a dark page), mid-grey
 * text and axes, full legend labels (run names are not cut at 160 px).
 */
export const THEME_CONFIG = {
  background: 'transparent',
  view: { stroke: '#8888' },
  title: { color: '#888' },
  axis: { labelColor: '#888', titleColor: '#888', domainColor: '#888', tickColor: '#888', gridColor: '#8884' },
  legend: { labelColor: '#888', titleColor: '#888', labelLimit: 0 },
} as const;

/** Renders a vega-lite spec to an SVG string (vega and vega-lite are loaded on first use: ~0.2 s). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // The specs' own config (fitted axes, no view frame) keeps its layout; colours come from the notebook theme.
  const own = (spec as { config?: { axis?: object } }).config ?? {};
  const config = { ...THEME_CONFIG, ...own, axis: { ...THEME_CONFIG.axis, ...own.axis }, view: THEME_CONFIG.view };
  const themed = { ...spec, config } as TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(themed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
