/** The store reads behind %runs, %compare, %register_model, %report and the %end_run summary, as HTML / SVG / text. */
import { dirname, join, relative, resolve } from 'node:path';
import { summaryKnown, UNKNOWN_SUMMARY, type Run } from '../core/entities.js';
import { invalid, notFound, TracklabError } from '../core/errors.js';
import { defaultStorePath } from '../store/resolve-store.js';
import type { SampledPoint } from '../core/history-sample.js';
import { reproduceCommand } from '../core/reproduction.js';
import type { Tracker } from '../tracker.js';
import { metricBarSpec, metricLineSpec, renderSvg, type LineSeries } from './charts.js';
import { buildReport as buildSite, formatSummary } from '../report/index.js';
import { formatNumber as fmt, formatRunDuration as duration, formatTime as time } from '../core/format.js';
import { escapeHtml as esc } from '../core/html-escape.js';
import { table } from './html.js';
import { MAGICS } from '../magics/magic-specs.js';
import { kernelMessages as msg } from './messages.js';

/** One line of help per magic. */
export function lsmagicText(): string {
  return MAGICS.filter((m) => !m.hidden)
    .map((m) => `${m.usage}\n    ${m.help}`)
    .join('\n');
}

/** The %end_run summary: status, duration, params and latest metrics. */
export function runSummary(run: Run, summaries = true): string {
  const head =
    `<p><b>${esc(run.name)}</b> <code>${esc(shortId(run.id))}</code> ${esc(run.status)} in ${esc(duration(run.startTime, run.endTime))}` +
    ` (experiment ${esc(run.experimentName)})</p>`;
  const params = Object.entries(run.params).map(([k, v]) => [k, v]);
  // a store that keeps only the latest value (an MLflow server) cannot count points: "—"
  const metrics = Object.entries(run.metricSummaries).map(([k, s]) => [
    k,
    fmt(s.value),
    s.step,
    summaries && summaryKnown(s) ? s.count : UNKNOWN_SUMMARY,
  ]);
  return (
    head +
    `<p>Re-create it: <code>${esc(reproduceCommand(run.id))}</code></p>` +
    (params.length ? table(['param', 'value'], params, 'Params') : '') +
    (metrics.length ? table(['metric', 'latest', 'step', 'points'], metrics, 'Metrics') : '')
  );
}

export interface RunsQuery {
  experiments: string[] | undefined;
  filter: string | undefined;
  orderBy: string[] | undefined;
  maxResults: number | undefined;
  /** the active experiment, shown when no --experiment is given */
  defaultExperiment: string | undefined;
}

/** The %runs table: one row per run, its latest metrics then its params as columns, and its parent. */
export async function runsHtml(tracker: Tracker, q: RunsQuery): Promise<string> {
  const experiments = q.experiments ?? (q.defaultExperiment === undefined ? undefined : [q.defaultExperiment]);
  const { runs: all } = await tracker.searchRuns({
    ...(experiments ? { experiments } : {}),
    ...(q.filter ? { filter: q.filter } : {}),
    ...(q.orderBy ? { orderBy: q.orderBy } : {}),
    maxResults: 50000,
  });
  if (all.length === 0) return '<p>No runs match.</p>';
  const runs = all.slice(0, q.maxResults ?? 50);
  const names = new Map(all.map((r) => [r.id, r.name]));
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const rows = runs.map((r) => [
    r.name,
    { html: `<code>${esc(shortId(r.id))}</code>` },
    r.parentRunId ? (names.get(r.parentRunId) ?? shortId(r.parentRunId)) : '',
    r.experimentName,
    r.status,
    time(r.startTime),
    duration(r.startTime, r.endTime),
    ...metricKeys.map((k) => fmt(r.metrics[k])),
    ...paramKeys.map((k) => r.params[k]),
  ]);
  const headers = [
    'run',
    'id',
    'parent',
    'experiment',
    'status',
    'started',
    'duration',
    ...metricKeys.map((k) => `metrics.${k}`),
    ...paramKeys.map((k) => `params.${k}`),
  ];
  const caption =
    runs.length === all.length
      ? `${all.length} run${all.length === 1 ? '' : 's'}`
      : `showing ${runs.length} of ${all.length} runs (--max-results N shows more)`;
  return table(headers, rows, caption);
}

/** The 8-character id prefix displays show; %compare and %register_model accept it. */
export const shortId = (id: string): string => id.slice(0, 8);

/**
 * A run by id, unique id prefix (as displays show them) or unique name (in `experiment` first, then anywhere).
 * Throws when a prefix or name matches several runs, listing them.
 */
export async function resolveRun(tracker: Tracker, ref: string, experiment?: string): Promise<Run> {
  try {
    return await tracker.getRun(ref);
  } catch (e) {
    // not a run id, or no such run: try it as a run name; a damaged store or an I/O error stays an error
    const isNameNotId =
      e instanceof TracklabError && (e.code === 'INVALID_PARAMETER_VALUE' || e.code === 'RESOURCE_DOES_NOT_EXIST');
    if (!isNameNotId) throw e;
  }
  const scopes = experiment === undefined ? [undefined] : [[experiment], undefined];
  for (const experiments of scopes) {
    const { runs } = await tracker.searchRuns({ ...(experiments ? { experiments } : {}), maxResults: 50000 });
    const byId = ref.length >= 4 ? runs.filter((r) => r.id.startsWith(ref)) : [];
    const found = byId.length > 0 ? byId : runs.filter((r) => r.name === ref);
    if (found.length > 1) {
      throw invalid(
        msg.ambiguousRef(
          ref,
          found.slice(0, 6).map((r) => `${r.name} ${shortId(r.id)} (${time(r.startTime)})`),
        ),
      );
    }
    if (found[0]) return found[0];
  }
  throw notFound(msg.runNotFound(ref));
}

/** %compare: a params diff table and one SVG chart per metric (long histories downsampled for the chart). */
export async function compareRunsHtml(
  tracker: Tracker,
  refs: string[],
  metrics: string[] | undefined,
  experiment?: string,
): Promise<{ html: string; svgs: string[] }> {
  if (refs.length < 2) throw new TracklabError('INVALID_PARAMETER_VALUE', msg.compareNeedsTwo());
  const runs: Run[] = [];
  for (const ref of refs) runs.push(await resolveRun(tracker, ref, experiment));
  const labels = runs.map((r) => `${r.name} (${shortId(r.id)})`);
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const rows = keys.map((k) => {
    const vals = runs.map((r) => r.params[k]);
    const differs = new Set(vals).size > 1;
    return [differs ? { html: `<b>${esc(k)}</b>` } : k, ...vals];
  });
  const html = table(['param', ...labels], rows, 'Params (differences in bold)');
  const metricKeys = metrics ?? [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const svgs: string[] = [];
  for (const key of metricKeys) {
    const series: LineSeries[] = [];
    for (const [i, r] of runs.entries()) {
      const sampled =
        r.metrics[key] === undefined
          ? []
          : (await tracker.getMetricHistory(r.id, key, { maxPoints: COMPARE_BUCKETS })).points;
      series.push({ label: labels[i]!, points: envelope(sampled) });
    }
    const single = series.every((s) => s.points.length <= 1);
    const spec = single
      ? metricBarSpec(
          key,
          series.filter((s) => s.points[0]).map((s) => ({ label: s.label, value: s.points[0]!.value })),
        )
      : metricLineSpec(key, series);
    svgs.push(await renderSvg(spec));
  }
  return { html, svgs };
}

/**
 * A bucket of many points is drawn as its min and max (in that order), so spikes show however long the series; a
 * bucket of one point as that point. Non-finite values cannot be drawn and are left out.
 */
function envelope(buckets: readonly SampledPoint[]): { step: number; value: number }[] {
  const out: { step: number; value: number }[] = [];
  for (const b of buckets) {
    const values = b.count > 1 && b.min !== b.max ? [b.min, b.max] : [b.value];
    for (const value of values) if (Number.isFinite(value)) out.push({ step: b.step, value });
  }
  return out;
}

/** Buckets read per run and metric: at most two points each are drawn. */
const COMPARE_BUCKETS = 250;

export interface MagicRegisterOptions {
  run: string | undefined;
  path: string | undefined;
  alias: string | undefined;
  stage: string | undefined;
  best: string | undefined;
  experiment: string | undefined;
}

/** %register_model: registers `runs:/<run>/<path>` and optionally moves it to a stage and sets an alias. */
export async function registerModelFromMagic(
  tracker: Tracker,
  name: string,
  o: MagicRegisterOptions & { defaultRunId: string | undefined },
): Promise<string> {
  const path = o.path ?? 'model';
  const run =
    o.run !== undefined
      ? await resolveRun(tracker, o.run, o.experiment)
      : o.best !== undefined
        ? await bestRun(tracker, o.best, path, o.experiment)
        : o.defaultRunId !== undefined
          ? await tracker.getRun(o.defaultRunId)
          : undefined;
  if (!run) throw new TracklabError('INVALID_PARAMETER_VALUE', msg.noRunForModel());
  const { version } = await tracker.registerModel(`runs:/${run.id}/${path}`, name);
  const done = [`registered ${name} version ${version} from run ${run.name} (${run.id})`];
  if (o.stage !== undefined) {
    const before = (await tracker.getRegisteredModel(name)).versions.filter(
      (v) => v.stage === canonicalStage(o.stage!),
    );
    const moved = await tracker.transitionStage(name, version, o.stage, { archiveExisting: true });
    const archived = before.filter((v) => v.version !== version).map((v) => `v${v.version}`);
    done.push(`stage ${moved.stage}${archived.length ? ` (archived ${archived.join(', ')})` : ''}`);
  }
  if (o.alias !== undefined) {
    await tracker.setAlias(name, o.alias, version);
    done.push(`alias @${o.alias}`);
  }
  return done.join(', ');
}

async function bestRun(
  tracker: Tracker,
  orderBy: string,
  path: string,
  experiment: string | undefined,
): Promise<Run | undefined> {
  const { runs } = await tracker.searchRuns({
    ...(experiment ? { experiments: [experiment] } : {}),
    orderBy: [orderBy],
    maxResults: 100,
  });
  for (const run of runs) {
    const top = path.split('/')[0]!;
    if ((await tracker.listArtifacts(run.id)).some((a) => a.path === top)) return run;
  }
  return undefined;
}

export interface NotebookReportOptions {
  out: string | undefined;
  experiment: string | undefined;
  title: string | undefined;
}

/** Where %report writes by default: `site/` in the project folder (beside the default store), as the CLI does. */
export const defaultSiteDir = (): string => join(dirname(defaultStorePath()), 'site');

/** %report: builds the static site (incrementally). */
export async function buildNotebookReport(
  tracker: Tracker,
  o: NotebookReportOptions,
): Promise<{ dir: string; href: string; summary: string }> {
  const dir = resolve(o.out ?? defaultSiteDir());
  const summary = await buildSite({
    store: tracker.storeUri,
    out: dir,
    incremental: true,
    ...(o.experiment === undefined ? {} : { experiments: [o.experiment] }),
    ...(o.title === undefined ? {} : { title: o.title }),
  });
  const href = relative(process.cwd(), resolve(dir, 'index.html')).split('\\').join('/');
  return { dir, href, summary: formatSummary(summary) };
}

/** The line %report shows: the summary and a link that opens the site in a new tab. */
export function reportLink(summary: string, href: string): string {
  return `<p>${esc(summary)}: <a href="${esc(encodeURI(href))}" target="_blank" rel="noopener">open the report</a></p>`;
}

/** %store: which store, experiment and run the magics use. */
export function storeText(
  uri: string,
  experiment: string | undefined,
  run: { name: string; id: string } | undefined,
): string {
  return [
    `store: ${uri}`,
    `experiment: ${experiment ?? 'Default (none set; %experiment <name> sets one)'}`,
    `active run: ${run ? `${run.name} (${shortId(run.id)})` : 'none'}`,
  ].join('\n');
}

/** The %end_run summary of a run by id. */
export async function runSummaryOf(tracker: Tracker, id: string): Promise<string> {
  return runSummary(await tracker.getRun(id), tracker.capabilities.metricSummaries);
}

const canonicalStage = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

/** Experiment names and recent run names, for tab completion. */
export async function knownNames(tracker: Tracker): Promise<{ experiments: string[]; runs: string[] }> {
  const experiments = (await tracker.listExperiments()).map((e) => e.name);
  const { runs } = await tracker.searchRuns({ maxResults: 200 });
  return { experiments, runs: runs.map((r) => r.name) };
}
