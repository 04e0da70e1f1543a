/**
 * The experiment page's charts: training curves of the main metric (and a loss) for the top runs near the top of the
 * page, then scatter (most telling param against the main metric), latest values and parallel coordinates coloured
 * by the main metric. All follow the filter; top runs keep one colour in the curves, the bars and the table.
 */
import type { Run } from '../../src/core/entities.js';
import {
  barsSpec,
  chooseDims,
  dimTitle,
  mostVaryingParam,
  parallelSpec,
  runStyle,
  scatterSpec,
  uniqueLabels,
  type ChartRun,
  type Dim,
} from '../../src/charts/index.js';
import { higherIsBetterFor } from '../../src/report/main-metric.js';
import type { ExperimentData } from '../../src/report/view-models.js';
import { byId, fillSelect } from './dom.js';
import { draw, fitWidth, isDark } from './draw.js';
import { historyCharts, type Line } from './history-charts.js';
import { loadRunData } from './run-data.js';

/** Curves are drawn for at most this many runs; more lines than this are unreadable. */
export const TOP_RUNS = 10;

export const toChartRuns = (
  runs: readonly {
    id: string;
    name: string;
    params: Record<string, string>;
    metrics: Record<string, number | string>;
  }[],
): ChartRun[] =>
  uniqueLabels(runs.map((r) => ({ id: r.id, label: r.name || r.id, params: r.params, metrics: r.metrics })));

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
  const unfinished = (r: Run): number => (r.status === 'FAILED' || r.status === 'KILLED' ? 1 : 0);
  return runs
    .filter((r) => Number.isFinite(r.metrics[key]))
    .sort(
      (a, b) =>
        unfinished(a) - unfinished(b) ||
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
  const others = otherCharts(data, chartRuns, (label) => colorByLabel.get(label));
  let lastKey = '';
  return (runs) => {
    const key = runs.map((r) => r.id).join(',');
    if (key === lastKey) return;
    lastKey = key;
    const ids = new Set(key.split(','));
    const ranked = main ? rankRuns(runs, main.key, main.higherIsBetter) : [];
    void curves(ranked, runs.length, all.length).then(() => others(chartRuns.filter((r) => ids.has(r.id))));
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

function otherCharts(
  data: ExperimentData,
  allRuns: readonly ChartRun[],
  colorOf: (label: string) => string | undefined,
) {
  const { all: dims, metrics } = dimOptions(allRuns);
  const xs = byId<HTMLSelectElement>('scatter-x');
  const ys = byId<HTMLSelectElement>('scatter-y');
  const bars = byId<HTMLSelectElement>('bars-metric');
  const opt = (d: Dim): { value: string; label: string } => ({ value: dimToValue(d), label: dimTitle(d) });
  const mainKey = data.main?.key ?? metrics[0]?.key ?? '';
  const telling = mostVaryingParam(allRuns, mainKey);
  if (xs)
    fillSelect(
      xs,
      dims.map(opt),
      telling
        ? `p:${telling}`
        : dimToValue(dims.find((d) => d.kind === 'param') ?? dims[0] ?? { kind: 'metric', key: '' }),
    );
  if (ys) fillSelect(ys, metrics.map(opt), `m:${mainKey}`);
  if (bars)
    fillSelect(
      bars,
      metrics.map((m) => ({ value: m.key, label: dimTitle(m) })),
      mainKey,
    );
  if (metrics.length > 0) byId('chart-controls')?.removeAttribute('hidden');
  else byId('more-charts')?.setAttribute('hidden', '');
  let current: ChartRun[] = [];
  const scatter = (): void => {
    const node = byId('chart-scatter');
    if (node && xs?.value && ys?.value)
      void draw(
        node,
        scatterSpec(
          current,
          dimFromValue(xs.value),
          dimFromValue(ys.value),
          { width: fitWidth(node, 640), height: 280 },
          colorOf,
        ),
      );
  };
  const barChart = (): void => {
    const node = byId('chart-bars');
    const hi =
      data.main && data.main.key === bars?.value ? data.main.higherIsBetter : higherIsBetterFor(bars?.value ?? '');
    if (node && bars?.value) void draw(node, barsSpec(current, bars.value, { higherIsBetter: hi, colorOf }));
  };
  const parallel = (): void => {
    const node = byId('chart-parallel');
    const main: Dim | undefined = data.main ? { kind: 'metric', key: data.main.key } : undefined;
    // A few hundred lines is already a dense picture; past that the best runs are drawn.
    const lines =
      main && current.length > PARALLEL_MAX
        ? rankChartRuns(current, main.key, data.main?.higherIsBetter ?? true).slice(0, PARALLEL_MAX)
        : current;
    const caption = node?.parentElement?.querySelector('figcaption');
    if (caption) {
      const what =
        lines.length < current.length ? `the best ${lines.length} of ${current.length} runs` : `${current.length} runs`;
      caption.textContent = `Parallel coordinates of ${what}${main ? `, coloured by ${main.key}` : ''}`;
    }
    const chosen = chooseDims(lines, 6, 4, main?.key).filter(
      (d) => !(main && d.kind === 'metric' && d.key === main.key),
    );
    if (node)
      void draw(
        node,
        parallelSpec(lines, main ? [...chosen, main] : chosen, fitWidth(node, 1400), main ? { colorBy: main } : {}),
      );
  };
  xs?.addEventListener('change', scatter);
  ys?.addEventListener('change', scatter);
  bars?.addEventListener('change', barChart);
  let visible = false;
  const drawAll = (): void => {
    if (metrics.length === 0 || !visible) return;
    scatter();
    barChart();
    parallel();
  };
  // Drawn when the section nears the viewport (or before printing), so the table and curves are usable at once.
  whenVisible(byId('more-charts'), () => {
    visible = true;
    drawAll();
  });
  window.addEventListener('beforeprint', () => {
    visible = true;
    drawAll();
  });
  return (runs: ChartRun[]): void => {
    current = runs;
    drawAll();
  };
}

function whenVisible(node: Element | null, run: () => void): void {
  if (!node || typeof IntersectionObserver === 'undefined') return void run();
  const io = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        run();
      }
    },
    { rootMargin: '400px' },
  );
  io.observe(node);
}
