/**
 * The experiment page's charts: training curves of the main metric (and a loss) for the top runs near the top of the
 * page, then scatter (most telling param against the main metric), latest values and parallel coordinates coloured
 * by the main metric. All follow the filter; top runs keep one colour in the curves, the bars and the table.
 */
import { unfinished, type Run } from '../../src/core/entities.js';
import {
  chooseDims,
  dimTitle,
  mostVaryingParam,
  runStyle,
  uniqueLabels,
  type ChartRun,
  type ColorOf,
  type Dim,
} from '../../src/charts/index.js';
import { higherIsBetterFor } from '../../src/report/main-metric.js';
import type { ExperimentData } from '../../src/report/view-models.js';
import { byId, fillSelect, nextTask } from './dom.js';
import { isDark } from './draw.js';
import { historyCharts, type Line } from './history-charts.js';
import { loadRunData } from './run-data.js';
import { drawBars, drawParallel, drawScatter } from './run-charts.js';

/** Curves are drawn for at most this many runs; more lines than this are unreadable. */
export const TOP_RUNS = 10;

export const toChartRuns = (
  runs: readonly {
    id: string;
    name: string;
    params: Record<string, string>;
    metrics: Record<string, number | string>;
    status?: string;
  }[],
): ChartRun[] =>
  uniqueLabels(
    runs.map((r) => ({
      id: r.id,
      label: r.name || r.id,
      params: r.params,
      metrics: r.metrics,
      ...(r.status !== undefined ? { status: r.status } : {}),
    })),
  );

export function dimOptions(runs: readonly ChartRun[]): { all: Dim[]; metrics: Dim[] } {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))]
    .sort()
    .map((key) => ({ kind: 'param' as const, key }));
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))]
    .sort()
    .map((key) => ({ kind: 'metric' as const, key }));
  return { all: [...params, ...metrics], metrics };
}

export const dimFromValue = (v: string): Dim => ({ kind: v.startsWith('p:') ? 'param' : 'metric', key: v.slice(2) });
export const dimToValue = (d: Dim): string => `${d.kind === 'param' ? 'p' : 'm'}:${d.key}`;

const PARALLEL_MAX = 150;

function rankChartRuns(runs: readonly ChartRun[], key: string, higherIsBetter: boolean): ChartRun[] {
  const v = (r: ChartRun): number => Number(r.metrics[key]);
  return runs.filter((r) => Number.isFinite(v(r))).sort((a, b) => (higherIsBetter ? v(b) - v(a) : v(a) - v(b)));
}

/** Runs ranked by the main metric in its better direction, FAILED and KILLED after the rest (no value: left out). */
export function rankRuns(runs: readonly Run[], key: string, higherIsBetter: boolean): Run[] {
  const late = (r: Run): number => (unfinished(r.status) ? 1 : 0);
  return runs
    .filter((r) => Number.isFinite(r.metrics[key]))
    .sort(
      (a, b) =>
        late(a) - late(b) ||
        (higherIsBetter
          ? (b.metrics[key] as number) - (a.metrics[key] as number)
          : (a.metrics[key] as number) - (b.metrics[key] as number)) ||
        (a.id < b.id ? -1 : 1),
    );
}

/**
 * Sets up every chart; returns the function the table calls with the runs that pass the filter. `onColors` receives
 * the colour of each run drawn in the curves, for the table's swatches.
 */
export function setupExperimentCharts(
  data: ExperimentData,
  all: readonly Run[],
  onColors: (colors: [string, string][]) => void,
): (runs: Run[]) => void {
  const main = data.main;
  const chartRuns = toChartRuns(data.runs);
  const labelOf = new Map(chartRuns.map((r) => [r.id, r.label]));
  const colorByLabel = new Map<string, string>();
  const curves = curveSection(data, labelOf, (colors) => {
    colorByLabel.clear();
    for (const [id, c] of colors) colorByLabel.set(labelOf.get(id) ?? id, c);
    onColors(colors);
  });
  // The charts below the table get their menus in a later task: ranking the params of 1,000 runs takes a while.
  const others = nextTask().then(() => otherCharts(data, chartRuns, (label) => colorByLabel.get(label)));
  let lastKey = '';
  return (runs) => {
    const key = runs.map((r) => r.id).join(',');
    if (key === lastKey) return;
    lastKey = key;
    const ids = new Set(key.split(','));
    const ranked = main ? rankRuns(runs, main.key, main.higherIsBetter) : [];
    void curves(ranked, runs.length, all.length)
      .then(() => others)
      .then((draw) => draw(chartRuns.filter((r) => ids.has(r.id))));
  };
}

function curveSection(
  data: ExperimentData,
  labelOf: ReadonlyMap<string, string>,
  onColors: (c: [string, string][]) => void,
) {
  const section = byId('curves');
  const box = byId('history-charts');
  const note = byId('curves-note');
  const main = data.main;
  let generation = 0;
  return async (ranked: Run[], shown: number, total: number): Promise<void> => {
    const mine = ++generation;
    if (!section || !box || !main) return;
    const top = ranked.slice(0, TOP_RUNS).filter((r) => data.dataFiles[r.id]);
    section.hidden = top.length === 0;
    if (top.length === 0) return onColors([]);
    const styles = top.map((r, i): [string, ReturnType<typeof runStyle>] => [r.id, runStyle(i, isDark())]);
    onColors(styles.map(([id, s]) => [id, s.color]));
    if (note) {
      const of = shown < total ? `${shown} filtered runs` : `${total} runs`;
      note.textContent =
        ranked.length > top.length
          ? `Top ${top.length} of ${of} by ${main.key} (${main.higherIsBetter ? 'highest' : 'lowest'} first).`
          : `All ${top.length} runs with ${main.key}, best first.`;
    }
    const keys = [main.key, ...(data.loss ? [data.loss] : [])];
    const loaded = await Promise.all(
      top.map((r) => loadRunData(r.id, data.dataFiles[r.id] as string, keys).catch(() => null)),
    );
    if (mine !== generation) return;
    const byKey = new Map<string, Line[]>();
    loaded.forEach((d, i) => {
      if (!d) return;
      for (const s of d.series) {
        if (!keys.includes(s.key)) continue;
        byKey.set(s.key, [
          ...(byKey.get(s.key) ?? []),
          {
            label: labelOf.get(d.id) ?? d.name,
            series: s,
            style: (styles[i] as [string, ReturnType<typeof runStyle>])[1],
          },
        ]);
      }
    });
    await historyCharts(box, byKey, keys)();
  };
}

type Draw = (runs: readonly ChartRun[]) => void;

/** The scatter and bars menus, filled with every dimension; they start on the telling param and the main metric. */
function chartSelects(allRuns: readonly ChartRun[], mainKey: string) {
  const { all: dims, metrics } = dimOptions(allRuns);
  const xs = byId<HTMLSelectElement>('scatter-x');
  const ys = byId<HTMLSelectElement>('scatter-y');
  const bars = byId<HTMLSelectElement>('bars-metric');
  const opt = (d: Dim): { value: string; label: string } => ({ value: dimToValue(d), label: dimTitle(d) });
  const telling = mostVaryingParam(allRuns, mainKey);
  const firstParam = dims.find((d) => d.kind === 'param') ?? dims[0] ?? { kind: 'metric', key: '' };
  if (xs) fillSelect(xs, dims.map(opt), telling ? `p:${telling}` : dimToValue(firstParam));
  if (ys) fillSelect(ys, metrics.map(opt), `m:${mainKey}`);
  if (bars)
    fillSelect(
      bars,
      metrics.map((m) => ({ value: m.key, label: dimTitle(m) })),
      mainKey,
    );
  return { xs, ys, bars, hasMetrics: metrics.length > 0 };
}

function scatterChart(xs: HTMLSelectElement | null, ys: HTMLSelectElement | null, colorOf: ColorOf): Draw {
  return (runs) => {
    const node = byId('chart-scatter');
    const axes = xs?.value && ys?.value ? { x: dimFromValue(xs.value), y: dimFromValue(ys.value) } : null;
    if (node && axes) void drawScatter(node, runs, axes, colorOf);
  };
}

function barChart(data: ExperimentData, select: HTMLSelectElement | null, colorOf: ColorOf): Draw {
  return (runs) => {
    const node = byId('chart-bars');
    const key = select?.value;
    if (!node || !key) return;
    const higherIsBetter = data.main?.key === key ? data.main.higherIsBetter : higherIsBetterFor(key);
    void drawBars(node, runs, key, { higherIsBetter, colorOf });
  };
}

/** Parallel coordinates of the best runs (a few hundred lines are already dense), coloured by the main metric. */
function parallelChart(data: ExperimentData): Draw {
  return (runs) => {
    const node = byId('chart-parallel');
    if (!node) return;
    const main: Dim | undefined = data.main ? { kind: 'metric', key: data.main.key } : undefined;
    const lines =
      main && runs.length > PARALLEL_MAX
        ? rankChartRuns(runs, main.key, data.main?.higherIsBetter ?? true).slice(0, PARALLEL_MAX)
        : runs;
    const caption = node.parentElement?.querySelector('figcaption');
    if (caption) {
      const what =
        lines.length < runs.length ? `the best ${lines.length} of ${runs.length} runs` : `${runs.length} runs`;
      caption.textContent = `Parallel coordinates of ${what}${main ? `, coloured by ${main.key}` : ''}`;
    }
    const chosen = chooseDims(lines, 6, 4, main?.key).filter(
      (d) => !(main && d.kind === 'metric' && d.key === main.key),
    );
    void drawParallel(node, lines, main ? [...chosen, main] : chosen, main ? { by: main } : {});
  };
}

/**
 * The charts below the table: scatter, bars and parallel coordinates. They are drawn when the section nears the
 * viewport (or before printing), so the table and curves are usable at once; then on every filter change.
 */
function otherCharts(data: ExperimentData, allRuns: readonly ChartRun[], colorOf: ColorOf) {
  const mainKey = data.main?.key ?? dimOptions(allRuns).metrics[0]?.key ?? '';
  const { xs, ys, bars, hasMetrics } = chartSelects(allRuns, mainKey);
  if (hasMetrics) byId('chart-controls')?.removeAttribute('hidden');
  else byId('more-charts')?.setAttribute('hidden', '');
  const scatter = scatterChart(xs, ys, colorOf);
  const barsOf = barChart(data, bars, colorOf);
  const parallel = parallelChart(data);
  let current: ChartRun[] = [];
  xs?.addEventListener('change', () => scatter(current));
  ys?.addEventListener('change', () => scatter(current));
  bars?.addEventListener('change', () => barsOf(current));
  let visible = false;
  let generation = 0;
  // Each chart prepares its marks in a task of its own: together they would be one long task.
  const drawAll = async (): Promise<void> => {
    const mine = ++generation;
    for (const chart of [scatter, barsOf, parallel]) {
      if (!hasMetrics || !visible || mine !== generation) return;
      chart(current);
      await nextTask();
    }
  };
  const show = (): void => {
    visible = true;
    void drawAll();
  };
  whenVisible(byId('more-charts'), show);
  window.addEventListener('beforeprint', show);
  return (runs: ChartRun[]): void => {
    current = runs;
    void drawAll();
  };
}

/** Runs `run` once when `node` nears the viewport, or before the page is printed. */
export function whenVisible(node: Element | null, run: () => void): void {
  if (!node || typeof IntersectionObserver === 'undefined') return void run();
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    io.disconnect();
    window.removeEventListener('beforeprint', once);
    run();
  };
  window.addEventListener('beforeprint', once);
  const io = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) once();
    },
    { rootMargin: '400px' },
  );
  io.observe(node);
}
