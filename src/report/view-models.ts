/**
 * Phase 2: view models for the index, experiment and compare pages. Pure: plain data in, plain data out, already
 * formatted, sorted and linked (relative links), so templates only place values and tests need no disk.
 */
import type { Experiment, Run } from '../core/entities.js';
import { TAGS } from '../core/entities.js';
import type { RegisteredModelData } from './collect.js';
import { encodeValue, formatDuration, formatNumber, formatTime } from './format.js';
import { hrefOf, sitePaths } from './paths.js';

export type ColumnGroup = 'attr' | 'param' | 'metric' | 'tag';

export interface Column {
  group: ColumnGroup;
  key: string;
  label: string;
}

export interface Cell {
  text: string;
  /** full text when `text` was shortened */
  title?: string;
  numeric?: boolean;
}

export interface RunRow {
  id: string;
  name: string;
  href: string;
  status: string;
  /** 0 for top-level runs, 1 for children shown under their parent */
  depth: number;
  parentId: string;
  cells: Cell[];
}

/** What the page script needs: Run-shaped records (for the searchRuns filter) with non-finite metrics encoded. */
export interface ClientRun extends Omit<Run, 'metrics' | 'metricSummaries'> {
  metrics: Record<string, number | string>;
  href: string;
}

export interface MainMetric {
  key: string;
  higherIsBetter: boolean;
}

const ATTR_COLUMNS: Column[] = [
  { group: 'attr', key: 'name', label: 'Run' },
  { group: 'attr', key: 'status', label: 'Status' },
  { group: 'attr', key: 'duration', label: 'Duration' },
  { group: 'attr', key: 'start', label: 'Start' },
  { group: 'attr', key: 'user', label: 'User' },
];

const MAX_CELL = 160;
const LOWER_IS_BETTER = /loss|err|rmse|mse|mae|mape|perplexity|latency|time|cost/i;

/** Tags that are shown elsewhere (run name, note, source) are not table columns. */
export const isSystemTag = (key: string): boolean => key.startsWith('mlflow.') || key.startsWith('tracklab.');

export function shorten(text: string, max = MAX_CELL): Cell {
  return text.length > max ? { text: `${text.slice(0, max - 1)}…`, title: text } : { text };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The experiment's main metric: experiment tag `tracklab.report.mainMetric` (`acc` or `loss:min`), else the metric
 * most runs logged (ties: alphabetical). Names like loss/error/rmse are minimized, everything else maximized.
 */
export function mainMetric(experiment: Experiment, runs: readonly Run[]): MainMetric | null {
  const tag = experiment.tags['tracklab.report.mainMetric'];
  if (tag) {
    const m = /^(.*?)(?::(min|max))?$/.exec(tag.trim());
    const key = m?.[1] ?? tag;
    return { key, higherIsBetter: m?.[2] ? m[2] === 'max' : !LOWER_IS_BETTER.test(key) };
  }
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))[0];
  return best ? { key: best[0], higherIsBetter: !LOWER_IS_BETTER.test(best[0]) } : null;
}

export function bestValue(runs: readonly Run[], metric: MainMetric): { value: number; run: Run } | null {
  let out: { value: number; run: Run } | null = null;
  for (const run of runs) {
    const v = run.metrics[metric.key];
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!out || (metric.higherIsBetter ? v > out.value : v < out.value)) out = { value: v, run };
  }
  return out;
}

/** Parents first (newest first, then id), each followed by its children (oldest first). Orphans count as top level. */
export function orderRuns(runs: readonly Run[]): { run: Run; depth: number }[] {
  const ids = new Set(runs.map((r) => r.id));
  const parentOf = (r: Run): string | null => (r.parentRunId && ids.has(r.parentRunId) && r.parentRunId !== r.id ? r.parentRunId : null);
  const children = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const r of runs) {
    const p = parentOf(r);
    if (p) children.set(p, [...(children.get(p) ?? []), r]);
    else top.push(r);
  }
  top.sort((a, b) => b.startTime - a.startTime || byString(a.id, b.id));
  const out: { run: Run; depth: number }[] = [];
  const visit = (r: Run, depth: number): void => {
    out.push({ run: r, depth: Math.min(depth, 1) });
    const kids = (children.get(r.id) ?? []).sort((a, b) => a.startTime - b.startTime || byString(a.id, b.id));
    for (const k of kids) visit(k, depth + 1);
  };
  for (const r of top) visit(r, 0);
  return out;
}

export function columnsFor(runs: readonly Run[]): Column[] {
  const keys = (pick: (r: Run) => Record<string, unknown>, skip: (k: string) => boolean = () => false): string[] =>
    [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].filter((k) => !skip(k)).sort(byString);
  return [
    ...ATTR_COLUMNS,
    ...keys((r) => r.params).map((key) => ({ group: 'param' as const, key, label: key })),
    ...keys((r) => r.metrics).map((key) => ({ group: 'metric' as const, key, label: key })),
    ...keys((r) => r.tags, isSystemTag).map((key) => ({ group: 'tag' as const, key, label: key })),
  ];
}

function cellFor(run: Run, col: Column): Cell {
  switch (col.group) {
    case 'attr':
      if (col.key === 'name') return shorten(run.name);
      if (col.key === 'status') return { text: run.status };
      if (col.key === 'duration') return { text: formatDuration(run.endTime === null ? null : run.endTime - run.startTime), numeric: true };
      if (col.key === 'start') return { text: formatTime(run.startTime) };
      return shorten(run.user);
    case 'param':
      return shorten(run.params[col.key] ?? '');
    case 'metric':
      return { text: formatNumber(run.metrics[col.key]), numeric: true };
    case 'tag':
      return shorten(run.tags[col.key] ?? '');
  }
}

export function toClientRun(run: Run, root: string): ClientRun {
  const { metricSummaries: _summaries, metrics, ...rest } = run;
  const encoded: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) encoded[k] = encodeValue(v);
  return { ...rest, metrics: encoded, href: root + hrefOf(sitePaths.run(run.id)) };
}

export interface ExperimentPage {
  experiment: { id: string; name: string };
  runCount: number;
  columns: Column[];
  rows: RunRow[];
  main: MainMetric | null;
  best: string;
  data: { experiment: { id: string; name: string }; columns: Column[]; runs: ClientRun[]; main: MainMetric | null };
}

export function experimentPage(experiment: Experiment, runs: readonly Run[]): ExperimentPage {
  const root = '../';
  const columns = columnsFor(runs);
  const ordered = orderRuns(runs);
  const rows = ordered.map(({ run, depth }) => ({
    id: run.id,
    name: run.name,
    href: root + hrefOf(sitePaths.run(run.id)),
    status: run.status,
    depth,
    parentId: depth > 0 ? (run.parentRunId ?? '') : '',
    cells: columns.map((c) => cellFor(run, c)),
  }));
  const main = mainMetric(experiment, runs);
  const best = main ? bestValue(runs, main) : null;
  const exp = { id: experiment.id, name: experiment.name };
  return {
    experiment: exp,
    runCount: runs.length,
    columns,
    rows,
    main,
    best: best ? formatNumber(best.value) : '',
    data: { experiment: exp, columns, runs: ordered.map(({ run }) => toClientRun(run, root)), main },
  };
}

export interface IndexPage {
  experiments: { id: string; name: string; href: string; runCount: number; lastActivity: string; mainMetric: string; best: string; bestRunHref: string }[];
  models: { name: string; href: string; versionCount: number; aliases: string; latestStage: string }[];
}

export function indexPage(experiments: readonly { experiment: Experiment; runs: readonly Run[] }[], models: readonly RegisteredModelData[]): IndexPage {
  return {
    experiments: experiments.map(({ experiment, runs }) => {
      const main = mainMetric(experiment, runs);
      const best = main ? bestValue(runs, main) : null;
      const last = Math.max(experiment.lastUpdateTime || 0, ...runs.map((r) => r.endTime ?? r.startTime));
      return {
        id: experiment.id,
        name: experiment.name,
        href: hrefOf(sitePaths.experiment(experiment.id)),
        runCount: runs.length,
        lastActivity: formatTime(last),
        mainMetric: main ? `${main.key} (${main.higherIsBetter ? 'max' : 'min'})` : '',
        best: best ? formatNumber(best.value) : '',
        bestRunHref: best ? hrefOf(sitePaths.run(best.run.id)) : '',
      };
    }),
    models: [...models].sort((a, b) => byString(a.name, b.name)).map((m) => {
      const latest = [...m.versions].sort((a, b) => Number(b.version) - Number(a.version))[0];
      return {
        name: m.name,
        href: hrefOf(sitePaths.model(m.name)),
        versionCount: m.versions.length,
        aliases: Object.keys(m.aliases).sort(byString).map((a) => `@${a}`).join(' '),
        latestStage: latest ? `v${latest.version} ${latest.stage}` : '',
      };
    }),
  };
}

/** The compare page is one static page; it reads the selection from its URL and loads each run's data file. */
export function comparePage(experiments: readonly { experiment: Experiment; runs: readonly Run[] }[]): {
  index: { id: string; name: string; experiment: string; data: string; href: string }[];
} {
  const index = experiments.flatMap(({ experiment, runs }) =>
    orderRuns(runs).map(({ run }) => ({
      id: run.id,
      name: run.name,
      experiment: experiment.name,
      data: hrefOf(sitePaths.runData(run.id)),
      href: hrefOf(sitePaths.run(run.id)),
    })),
  );
  return { index };
}

/** The user shown for a run: the run's user, else tag mlflow.user. */
export const runUser = (run: Run): string => run.user || run.tags[TAGS.user] || '';
