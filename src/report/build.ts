/**
 * The report pipeline, start to end: collect -> view models -> (chart specs, in the page) -> render -> write.
 * Runs are processed a few at a time and their histories dropped once written, so memory stays flat with store size.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Experiment, Run } from '../core/entities.js';
import { TracklabError } from '../core/errors.js';
import { Tracker } from '../tracker.js';
import { normalizeModel, sourceFromTracker, type RegisteredModelData, type ReportSource } from './collect.js';
import { DRAWN_POINTS } from '../core/history-pack.js';
import { dependencyFile, packageRoot } from './locate.js';
import { SAFE_ID, sitePaths } from './paths.js';
import { assertNoSecrets, redactMap, redactRun, redactText } from './redact.js';
import { formatShort } from './format.js';
import { companionLoss, mainMetric } from './main-metric.js';
import { modelPage, registrations, type VersionRunInfo } from './registry-view-model.js';
import { createRenderer, type Renderer } from './render.js';
import { runKey, writeRunFiles, type RunFilesContext } from './run-files.js';
import { comparePage, experimentPage, indexPage, type ExperimentData } from './view-models.js';
import { reportMessages as msg } from './messages.js';
import { createSiteWriter, type Manifest, type SiteWriter } from './write.js';

export interface BuildOptions {
  /** store folder or URI; default: the tracker's default store */
  store?: string;
  /** output folder; default `site` */
  out?: string;
  title?: string;
  /** experiment names or ids; default all active experiments */
  experiments?: string[];
  /** replace secret-looking values (default true) */
  redact?: boolean;
  /** progress bar on stderr when it is a terminal */
  progress?: boolean;
  /** reuse the files of runs that did not change since the last build into `out` */
  incremental?: boolean;
  /** read from this source instead of opening a store (tests, other backends) */
  source?: ReportSource;
  /** the tracklab package folder (holding templates/); found automatically */
  packageDir?: string;
  /** artifacts larger than this are listed but not copied (default 20 MB) */
  maxArtifactBytes?: number;
  /** points per metric series drawn in the page (default 1000); the CSV always has all */
  displayPoints?: number;
  /** a build date shown in the footer; off by default so builds are byte-identical */
  builtAt?: string;
}

export interface BuildSummary {
  pages: number;
  runs: number;
  ms: number;
  bytes: number;
  out: string;
}

/** Runs whose files are written at once: one run's reads and writes wait on the disk while another's encode. */
export const RUN_CONCURRENCY = 4;
const VENDOR = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js'];

/**
 * Builds the static report site.
 *
 * @example
 * const summary = await buildReport({ store: 'tracklab', out: 'site', title: 'Iris experiments' });
 * console.log(formatSummary(summary)); // "report: 12 pages, 8 runs, 0.4 s, 1.3 MB -> site"
 */
export async function buildReport(options: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();
  const source = options.source ?? sourceFromTracker(await Tracker.open(options.store ? { store: options.store } : {}));
  try {
    const out = path.resolve(options.out ?? 'site');
    const { pages, runs, bytes } = await buildSite(source, out, options);
    return { pages, runs, bytes, out, ms: Math.round(performance.now() - started) };
  } finally {
    if (!options.source) await source.close?.();
  }
}

/** One line for the CLI. */
export function formatSummary(s: BuildSummary, cwd = process.cwd()): string {
  const mb = s.bytes / (1024 * 1024);
  const size = mb >= 1 ? `${mb.toFixed(1)} MB` : `${(s.bytes / 1024).toFixed(1)} KB`;
  const where = path.relative(cwd, s.out) || '.';
  return `report: ${s.pages} pages, ${s.runs} runs, ${(s.ms / 1000).toFixed(1)} s, ${size} -> ${where}`;
}

interface Loaded {
  experiment: Experiment;
  runs: Run[];
}

async function loadExperiments(
  source: ReportSource,
  wanted: readonly string[] | undefined,
  redact: boolean,
): Promise<Loaded[]> {
  const all = (await source.listExperiments()).filter((e) => e.lifecycleStage === 'active');
  let chosen = all;
  if (wanted && wanted.length > 0) {
    chosen = [];
    for (const w of wanted) {
      const hit = all.find((e) => e.name === w) ?? all.find((e) => e.id === w);
      if (!hit) throw new TracklabError('RESOURCE_DOES_NOT_EXIST', msg.noExperiment(w));
      if (!chosen.includes(hit)) chosen.push(hit);
    }
  }
  chosen = chosen
    .filter((e) => SAFE_ID.test(e.id))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  const loaded: Loaded[] = [];
  for (const e of chosen) {
    const runs = (await source.listRuns(e.id)).filter((r) => r.lifecycleStage === 'active' && SAFE_ID.test(r.id));
    const experiment = redact ? { ...e, name: redactText(e.name), tags: redactMap(e.tags) } : e;
    loaded.push({ experiment, runs: redact ? runs.map(redactRun) : runs });
  }
  return loaded;
}

async function loadModels(source: ReportSource, redact: boolean): Promise<RegisteredModelData[] | null> {
  if (!source.listRegisteredModels) return null;
  const models = (await source.listRegisteredModels()).map(normalizeModel);
  if (!redact) return models;
  return models.map((m) => ({
    ...m,
    description: redactText(m.description),
    tags: redactMap(m.tags),
    versions: m.versions.map((v) => ({
      ...v,
      description: redactText(v.description),
      source: redactText(v.source),
      tags: redactMap(v.tags),
    })),
    history: m.history.map((h) => ({ ...h, ...(h.comment ? { comment: redactText(h.comment) } : {}) })),
  }));
}

/** Where a run sits among the others: by id, and each parent's children in start order. */
interface RunIndex {
  runsById: Map<string, Run>;
  childrenOf: Map<string, Run[]>;
}

function indexRuns(runs: readonly Run[]): RunIndex {
  const runsById = new Map(runs.map((r) => [r.id, r]));
  const childrenOf = new Map<string, Run[]>();
  for (const r of runs) {
    if (!r.parentRunId || !runsById.has(r.parentRunId)) continue;
    const list = childrenOf.get(r.parentRunId);
    if (list) list.push(r);
    else childrenOf.set(r.parentRunId, [r]);
  }
  for (const kids of childrenOf.values()) kids.sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : 1));
  return { runsById, childrenOf };
}

/** What every phase of a build shares. */
interface SiteContext extends RunIndex {
  source: ReportSource;
  writer: SiteWriter;
  renderer: Renderer;
  redact: boolean;
  options: BuildOptions;
}

/**
 * The site: each run's files, then the pages that list runs (experiments, index, compare) and the model pages, then
 * the assets and the manifest.
 */
async function buildSite(
  source: ReportSource,
  out: string,
  options: BuildOptions,
): Promise<{ pages: number; runs: number; bytes: number }> {
  const redact = options.redact ?? true;
  const root = packageRoot(options.packageDir);
  const templatesDir = path.join(root, 'templates');
  const renderer = createRenderer(templatesDir, options.title ?? 'tracklab report', options.builtAt);
  const writer = await createSiteWriter(out);
  const experiments = await loadExperiments(source, options.experiments, redact);
  const models = await loadModels(source, redact);
  const allRuns = experiments.flatMap((e) => e.runs);
  const ctx: SiteContext = { source, writer, renderer, redact, options, ...indexRuns(allRuns) };
  const runEntries = await writeAllRuns(experiments, ctx, registrations(models ?? []));
  const pages = allRuns.length + (await writeListPages(ctx, experiments, models));
  await writeAssets(writer, root, templatesDir);
  await writer.write('.nojekyll', '');
  const { bytes } = await writer.finish(runEntries, redact);
  // The last line: nothing published may still hold a known secret pattern. Files kept from a build that scanned its
  // own were checked then; scanning the whole site again made an incremental rebuild mostly regular expressions.
  if (redact) assertNoSecrets(out, writer.previous?.scanned ? writer.written() : undefined);
  return { pages, runs: allRuns.length, bytes };
}

/** The experiment pages, the index, the compare page and the model pages; returns how many. */
async function writeListPages(
  ctx: SiteContext,
  experiments: readonly Loaded[],
  models: RegisteredModelData[] | null,
): Promise<number> {
  const { renderer, writer } = ctx;
  let pages = 0;
  const page = async (rel: string, html: string): Promise<void> => {
    await writer.write(rel, html);
    pages++;
  };
  for (const { experiment, runs } of experiments) {
    const vm = experimentPage(experiment, runs);
    const frame = { root: '../', pageTitle: experiment.name, charts: drawsCurves(vm.data) };
    await page(sitePaths.experiment(experiment.id), renderer.render('experiment', vm, frame));
  }
  const idx = { ...indexPage(experiments, models ?? []), hasRegistry: models !== null };
  await page(sitePaths.index, renderer.render('index', idx, { root: '', pageTitle: 'Experiments', charts: false }));
  // Its runs are in the address: its run index is in <head>, where compare-boot.js reads it and starts loading vega
  // and the runs the address names before the page script has arrived.
  const compare = { headData: comparePage(experiments) };
  await page(
    sitePaths.compare,
    renderer.render('compare', {}, { root: '', pageTitle: 'Compare runs', charts: false, ...compare }),
  );
  const published = new Set(ctx.runsById.keys());
  const info = versionRunInfo(experiments, ctx.runsById);
  const history = ctx.source.capabilities?.registryHistory !== false;
  for (const m of models ?? []) {
    const vm = modelPage(m, published, info, history);
    await page(
      sitePaths.model(m.name),
      renderer.render('model', vm, { root: '../', pageTitle: m.name, charts: false }),
    );
  }
  return pages;
}

/** A progress bar on stderr for a build of many runs, when asked for and stderr is a terminal. */
function progressBar(options: BuildOptions, runs: number): cliProgress.SingleBar | null {
  if (!options.progress || !process.stderr.isTTY || runs <= 20) return null;
  return new cliProgress.SingleBar(
    { stream: process.stderr, format: 'report [{bar}] {value}/{total} runs', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

/** Every run's files, RUN_CONCURRENCY runs at a time; returns the manifest's entry of each run. */
async function writeAllRuns(
  experiments: readonly Loaded[],
  ctx: SiteContext,
  registered: RunFilesContext['registered'],
): Promise<Manifest['runs']> {
  const jobs = experiments.flatMap(({ experiment, runs }) => runs.map((run) => ({ run, experiment })));
  const bar = progressBar(ctx.options, jobs.length);
  bar?.start(jobs.length, 0);
  const entries: Manifest['runs'] = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { run, experiment } = jobs[next++]!;
      const runCtx = runFilesContext(ctx, experiment.name, registered);
      entries[run.id] = await writeOrKeepRun(runCtx, run, ctx.options.incremental === true);
      bar?.increment();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(RUN_CONCURRENCY, jobs.length) }, worker));
  } finally {
    bar?.stop();
  }
  return entries;
}

function runFilesContext(
  ctx: SiteContext,
  experimentName: string,
  registered: RunFilesContext['registered'],
): RunFilesContext {
  const { source, writer, renderer, runsById, childrenOf, redact, options } = ctx;
  return {
    ...{ source, writer, renderer, runsById, childrenOf, experimentName, redact, registered },
    maxArtifactBytes: options.maxArtifactBytes ?? 20 * 1024 * 1024,
    // the points a store packs at compaction: a default build copies those packs
    displayPoints: options.displayPoints ?? DRAWN_POINTS,
  };
}

/**
 * Writes a run's files, or in an incremental build keeps those of the previous build when nothing the run's pages
 * show has changed (same key) and they are all still there. Returns the run's manifest entry.
 */
async function writeOrKeepRun(ctx: RunFilesContext, run: Run, incremental: boolean): Promise<Manifest['runs'][string]> {
  const { writer } = ctx;
  const listing = await ctx.source.listArtifacts(run.id);
  const key = runKey(ctx, run, listing);
  const before = incremental ? writer.previous?.runs[run.id] : undefined;
  if (before?.key === key && before.files.every((f) => existsSync(path.join(writer.out, f)))) {
    for (const f of before.files) writer.keep(f);
    return before;
  }
  return { key, files: (await writeRunFiles(ctx, run, listing)).sort() };
}

/** A model version's run as the model page shows it: name, status and its experiment's main metrics. */
function versionRunInfo(
  experiments: readonly Loaded[],
  runsById: ReadonlyMap<string, Run>,
): (runId: string) => VersionRunInfo | null {
  const keysOf = new Map(
    experiments.map(({ experiment, runs }) => {
      const main = mainMetric(experiment, runs);
      return [experiment.id, [main?.key, companionLoss(runs, main)].filter((k): k is string => !!k)];
    }),
  );
  return (runId) => {
    const run = runsById.get(runId);
    if (!run) return null;
    const keys = keysOf.get(run.experimentId) ?? [];
    return {
      name: run.name || run.id,
      status: run.status,
      metrics: keys
        .filter((k) => run.metrics[k] !== undefined)
        .map((key) => ({ key, value: formatShort(run.metrics[key]) })),
    };
  };
}

async function writeAssets(writer: SiteWriter, root: string, templatesDir: string): Promise<void> {
  for (const name of ['report.js', 'theme.js', 'compare-boot.js', 'report.css']) {
    await writer.write(sitePaths.asset(name), await readFile(path.join(templatesDir, 'assets', name)));
  }
  for (const request of VENDOR) {
    const file = dependencyFile(root, request);
    await writer.write(sitePaths.asset(path.basename(file)), await readFile(file));
  }
}

/**
 * True when the experiment page draws history curves as soon as it opens, so vega is worth preloading: a preload the
 * page does not use makes Chromium log a warning.
 */
function drawsCurves(data: ExperimentData): boolean {
  return data.main !== null && Object.keys(data.dataFiles).length > 0;
}
