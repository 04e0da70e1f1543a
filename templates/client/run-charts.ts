/**
 * Draws the charts of one value per run (scatter, parallel coordinates, bars) on the experiment and compare pages:
 * the data from src/charts/run-charts.ts, turned into pixels and a shared vega frame; a redraw with the same frame
 * only swaps the data.
 */
import {
  barValues,
  barsSummary,
  dimTitle,
  parallelData,
  scatterData,
  type ChartRun,
  type ColorOf,
  type Dim,
} from '../../src/charts/index.js';
import { barsFrameSpec, barsInput, type BarsFrame } from './bars-vega.js';
import { drawInFrame, fitWidth, ink } from './draw.js';
import { parallelFrameSpec, parallelInput, type ParallelFrame } from './parallel-vega.js';
import { attachPointHover, type HoverDot } from './point-hover.js';
import { scatterFrameSpec, scatterInput, type ScatterFrame } from './scatter-vega.js';

const dotsOf = new WeakMap<HTMLElement, HoverDot[]>();

/**
 * A scatter of `y` against `x`, one point per run; the pointer reads out the nearest run. Each chart's description
 * (its text alternative) says what it shows.
 */
export async function drawScatter(
  node: HTMLElement,
  runs: readonly ChartRun[],
  axes: { x: Dim; y: Dim },
  colorOf?: ColorOf,
): Promise<void> {
  const data = scatterData(runs, axes.x, axes.y);
  const [xTitle, yTitle] = [dimTitle(axes.x), dimTitle(axes.y)];
  const frame: ScatterFrame = { width: fitWidth(node, 640), height: 280, xScale: data.xScale, xTitle, yTitle };
  const { input, dots } = scatterInput(data, frame, colorOf);
  const figure = node.closest('figure');
  if (!dotsOf.has(node) && figure) attachPointHover(figure, node, () => dotsOf.get(node) ?? []);
  dotsOf.set(node, dots);
  const description = `Scatter of ${data.points.length} runs: ${yTitle} against ${xTitle}.`;
  await drawInFrame(node, `scatter ${JSON.stringify(frame)}`, () => scatterFrameSpec(frame), { ...input, description });
}

/** Parallel coordinates of `dims`, coloured by `colorBy` (a viridis scale with its legend) or by run colour. */
export async function drawParallel(
  node: HTMLElement,
  runs: readonly ChartRun[],
  dims: readonly Dim[],
  color: { by?: Dim; of?: ColorOf },
): Promise<void> {
  const data = parallelData(runs, dims, color.by);
  const frame: ParallelFrame = {
    width: fitWidth(node, 1400),
    height: 260,
    axes: dims.length,
    ink: ink(),
    ...(color.by ? { colorTitle: dimTitle(color.by) } : {}),
  };
  const by = color.by ? `, coloured by ${dimTitle(color.by)}` : '';
  const description = `Parallel coordinates of ${runs.length} runs across ${dims.map(dimTitle).join(', ')}${by}.`;
  const input = { ...parallelInput(data, frame, color.of), description };
  await drawInFrame(node, `parallel ${JSON.stringify(frame)}`, () => parallelFrameSpec(frame), input);
}

/** The latest value of `metric` per run as bars, best first; FAILED and KILLED runs after the rest, named so. */
export async function drawBars(
  node: HTMLElement,
  runs: readonly ChartRun[],
  metric: string,
  opts: { higherIsBetter: boolean; colorOf?: ColorOf },
): Promise<void> {
  const values = barValues(runs, metric, { higherIsBetter: opts.higherIsBetter });
  const frame: BarsFrame = { width: fitWidth(node, 560), rows: values.length, metric };
  const description = `Latest ${metric} of ${values.length} runs, best first.${barsSummary(values)}`;
  const input = { ...barsInput(values, metric, opts.colorOf), description };
  await drawInFrame(node, `bars ${JSON.stringify(frame)}`, () => barsFrameSpec(frame), input);
}
