/**
 * Charts for inline displays, rendered to SVG on the kernel side with vega-lite + vega, so they show in every front end
 * and survive nbconvert. User text (run names, metric keys) is only ever data or a title; fields are synthetic.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface LineSeries {
  label: string;
  points: readonly { step: number; value: number }[];
}

/** A vega-lite spec: one line per run, step on x. Non-finite values are dropped (vega cannot plot them). */
export function metricLineSpec(title: string, series: readonly LineSeries[]): TopLevelSpec {
  const values = series.flatMap((s) =>
    s.points.filter((p) => Number.isFinite(p.value)).map((p) => ({ x: p.step, y: p.value, r: s.label })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 220,
    data: { values },
    mark: { type: 'line', point: values.length <= 60 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'step' },
      y: { field: 'y', type: 'quantitative', title, scale: { zero: false } },
      color: { field: 'r', type: 'nominal', title: 'run' },
    },
  };
}

/** A bar chart of one value per run (for metrics logged once, at a single step). */
export function metricBarSpec(title: string, bars: readonly { label: string; value: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    data: { values: bars.filter((b) => Number.isFinite(b.value)).map((b) => ({ r: b.label, y: b.value })) },
    mark: 'bar',
    encoding: {
      y: { field: 'r', type: 'nominal', title: 'run', sort: null },
      x: { field: 'y', type: 'quantitative', title },
      color: { field: 'r', type: 'nominal', legend: null },
    },
  };
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
  const themed = { ...spec, config: { ...THEME_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(themed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
