/**
 * Phase 2: view models for the index, experiment and compare pages. Pure: plain data in, plain data out, already
 * formatted, sorted and linked (relative links), so templates only place values and tests need no disk.
 */
import type { Experiment, Run } from '../core/entities.js';
import { TAGS, unfinished } from '../core/entities.js';
import type { RegisteredModelData } from './collect.js';
import { encodeValue, formatNumber, formatShort, formatTime } from './format.js';
import { bestRun, companionLoss, mainMetric, type MainMetric } from './main-metric.js';
import { cellFor, columnsFor, orderRows, type TableCell, type Column } from './table-model.js';
import { hrefOf, sitePaths } from './paths.js';

export type { TableCell, Column, ColumnGroup } from './table-model.js';
export { columnsFor, isSystemTag, shorten } from './table-model.js';
export { mainMetric } from './main-metric.js';
export type { MainMetric } from './main-metric.js';

export interface RunRow {
  id: string;
  name: string;
  href: string;
  status: string;
  /** 0 for top-level runs, 1 for children shown under their parent */
  depth: number;
  parentId: string;
  best: boolean;
  cells: (TableCell & { hidden: boolean })[];
}

/** What the page script needs: Run-shaped records (for the searchRuns filter) with non-finite metrics encoded. */
export interface ClientRun extends Omit<Run, 'metrics' | 'metricSummaries'> {
  metrics: Record<string, number | string>;
  href: string;
}

/**
 * Rows rendered into the HTML: more than a first screen of the table shows; the script renders its table pages and
 * every later view from the page data. The browser lays out these rows in one task while the page loads, so fewer
 * rows keep that task short; the page script draws as many first (FIRST_ROWS in templates/client/experiment-page.ts).
 */
export const INITIAL_ROWS = 24;
/** Tags too large or too private for the page data; they are on the run page. */
const HEAVY_TAGS = new Set([TAGS.note, TAGS.logModelHistory]);

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Parents first (newest first, then id), each followed by its children (oldest first). Orphans count as top level. */
export function orderRuns(runs: readonly Run[]): { run: Run; depth: number }[] {
  return orderRows(runs, { sort: null, flat: false });
}

/** The best FINISHED run by the main metric; kept under its old name for callers. */
export const bestValue = bestRun;

export function toClientRun(run: Run, root: string): ClientRun {
  const { metricSummaries: _summaries, metrics, inputs: _inputs, tags, ...rest } = run;
  const encoded: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(metrics)) encoded[k] = encodeValue(v);
  const light = Object.fromEntries(Object.entries(tags).filter(([k]) => !HEAVY_TAGS.has(k as never)));
  return { ...rest, tags: light, inputs: [], metrics: encoded, href: root + hrefOf(sitePaths.run(run.id)) };
}

export interface ExperimentPage {
  experiment: { id: string; name: string };
  runCount: number;
  columns: Column[];
  hiddenCount: number;
  rows: RunRow[];
  more: number;
  main: MainMetric | null;
  best: { value: string; full: string; name: string; href: string } | null;
  failedCount: number;
  data: ExperimentData;
}

/** The experiment page's data island, read by the page script. */
export interface ExperimentData {
  experiment: { id: string; name: string };
  columns: Column[];
  runs: ClientRun[];
  main: MainMetric | null;
  loss: string | null;
  bestId: string | null;
  /** run id -> data file, for the history charts */
  dataFiles: Record<string, string>;
  /** tags every run has with the same value (system tags mostly), written once and left out of each run's tags */
  commonTags: Record<string, string>;
}

/** Tags all `runs` share with one value; with one run there is nothing to share. */
function sharedTags(runs: readonly ClientRun[]): Record<string, string> {
  const [first, ...rest] = runs;
  if (!first || rest.length === 0) return {};
  return Object.fromEntries(Object.entries(first.tags).filter(([k, v]) => rest.every((r) => r.tags[k] === v)));
}

/** The page data's runs with their shared tags written once. */
function withCommonTags(runs: ClientRun[]): { runs: ClientRun[]; commonTags: Record<string, string> } {
  const commonTags = sharedTags(runs);
  const keys = Object.keys(commonTags);
  if (keys.length === 0) return { runs, commonTags };
  const slim = runs.map((r) => {
    const tags = { ...r.tags };
    for (const k of keys) delete tags[k];
    return { ...r, tags };
  });
  return { runs: slim, commonTags };
}

export function experimentPage(experiment: Experiment, runs: readonly Run[]): ExperimentPage {
  const root = '../';
  const main = mainMetric(experiment, runs);
  const columns = columnsFor(runs, main);
  const best = main ? bestRun(runs, main) : null;
  const ordered = orderRows(runs, { sort: null, flat: false });
  const rows = ordered.slice(0, INITIAL_ROWS).map(({ run, depth }) => ({
    id: run.id,
    name: run.name,
    href: root + hrefOf(sitePaths.run(run.id)),
    status: run.status,
    depth,
    parentId: depth > 0 ? (run.parentRunId ?? '') : '',
    best: run.id === best?.run.id,
    cells: columns.map((c) => ({ ...cellFor(run, c), hidden: !!c.hidden })),
  }));
  const exp = { id: experiment.id, name: experiment.name };
  return {
    experiment: exp,
    runCount: runs.length,
    columns,
    hiddenCount: columns.filter((c) => c.hidden).length,
    rows,
    more: Math.max(0, ordered.length - rows.length),
    main,
    best: best
      ? {
          value: formatShort(best.value),
          full: formatNumber(best.value),
          name: best.run.name || best.run.id,
          href: root + hrefOf(sitePaths.run(best.run.id)),
        }
      : null,
    failedCount: runs.filter((r) => unfinished(r.status)).length,
    data: {
      experiment: exp,
      columns,
      ...withCommonTags(ordered.map(({ run }) => toClientRun(run, root))),
      main,
      loss: companionLoss(runs, main),
      bestId: best?.run.id ?? null,
      dataFiles: Object.fromEntries(
        runs
          .filter((r) => Object.keys(r.metrics).length > 0)
          .map((r) => [r.id, root + hrefOf(sitePaths.runData(r.id))]),
      ),
    },
  };
}

export interface IndexPage {
  experiments: {
    id: string;
    name: string;
    href: string;
    runCount: number;
    lastActivity: string;
    mainMetric: string;
    best: string;
    bestFull: string;
    bestRunHref: string;
    bestRunName: string;
  }[];
  models: {
    name: string;
    href: string;
    versionCount: number;
    aliases: string;
    latestStage: string;
    stages: { stage: string; stageClass: string; versions: string }[];
  }[];
}

export function indexPage(
  experiments: readonly { experiment: Experiment; runs: readonly Run[] }[],
  models: readonly RegisteredModelData[],
): IndexPage {
  return {
    experiments: experiments.map(({ experiment, runs }) => {
      const main = mainMetric(experiment, runs);
      const best = main ? bestRun(runs, main) : null;
      const last = Math.max(experiment.lastUpdateTime || 0, ...runs.map((r) => r.endTime ?? r.startTime));
      return {
        id: experiment.id,
        name: experiment.name,
        href: hrefOf(sitePaths.experiment(experiment.id)),
        runCount: runs.length,
        lastActivity: formatTime(last),
        mainMetric: main ? `${main.key} (${main.higherIsBetter ? 'max' : 'min'})` : '',
        best: best ? formatShort(best.value) : '',
        bestFull: best ? formatNumber(best.value) : '',
        bestRunHref: best ? hrefOf(sitePaths.run(best.run.id)) : '',
        bestRunName: best ? best.run.name || best.run.id : '',
      };
    }),
    models: [...models]
      .sort((a, b) => byString(a.name, b.name))
      .map((m) => {
        const latest = [...m.versions].sort((a, b) => Number(b.version) - Number(a.version))[0];
        return {
          name: m.name,
          href: hrefOf(sitePaths.model(m.name)),
          versionCount: m.versions.length,
          aliases: Object.keys(m.aliases)
            .sort(byString)
            .map((a) => `@${a}`)
            .join(' '),
          latestStage: latest ? `v${latest.version} ${latest.stage}` : '',
          stages: stagesInUse(m),
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

const STAGE_ORDER = ['Production', 'Staging', 'Archived', 'None'];

/** Every stage in use, most important first, with its versions: `Production v2`, `Staging v4`. */
export function stagesInUse(m: RegisteredModelData): { stage: string; stageClass: string; versions: string }[] {
  const by = new Map<string, string[]>();
  for (const v of [...m.versions].sort((a, b) => Number(b.version) - Number(a.version))) {
    const stage = v.stage || 'None';
    by.set(stage, [...(by.get(stage) ?? []), `v${v.version}`]);
  }
  const rank = (s: string): number => (STAGE_ORDER.indexOf(s) + 5) % 5;
  return [...by.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || byString(a[0], b[0]))
    .filter(([stage]) => stage !== 'None' || by.size === 1)
    .map(([stage, versions]) => ({ stage, stageClass: stageClass(stage), versions: versions.join(', ') }));
}

/** CSS class of a stage badge. */
export const stageClass = (stage: string): string => `stage-${(stage || 'none').toLowerCase().replace(/[^a-z]/g, '')}`;

/** The user shown for a run: the run's user, else tag mlflow.user. */
export const runUser = (run: Run): string => run.user || run.tags[TAGS.user] || '';
