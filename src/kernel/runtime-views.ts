/** The store reads behind %runs, %compare, %register_model, %report and the %end_run summary, as HTML / SVG / text. */
import { relative, resolve } from 'node:path';
import type { Run } from '../core/entities.js';
import { notFound, TracklabError } from '../core/errors.js';
import { reproduceCommand } from '../core/reproduction.js';
import type { Tracker } from '../tracker.js';
import { metricBarSpec, metricLineSpec, renderSvg, type LineSeries } from './charts.js';
import { buildReport, formatSummary } from '../report/index.js';
import { formatNumber as fmt, formatRunDuration as duration, formatTime as time } from '../core/format.js';
import { escapeHtml as esc } from '../core/html-escape.js';
import { table } from './html.js';
import { MAGICS } from '../magics/magic-specs.js';
import { kernelMessages as msg } from './messages.js';

/** One line of help per magic. */
export function lsmagicText(): string {
  return MAGICS.filter((m) => !m.hidden).map((m) => `${m.usage}\n    ${m.help}`).join('\n');
}

/** The %end_run summary: status, duration, params and latest metrics. */
export function runSummary(run: Run): string {
  const head = `<p><b>${esc(run.name)}</b> <code>${esc(run.id)}</code> ${esc(run.status)} in ${esc(duration(run.startTime, run.endTime))}` +
    ` (experiment ${esc(run.experimentName)})</p>`;
  const params = Object.entries(run.params).map(([k, v]) => [k, v]);
  const metrics = Object.entries(run.metricSummaries).map(([k, s]) => [k, fmt(s.value), s.step, s.count]);
  return head + `<p>Re-create it: <code>${esc(reproduceCommand(run.id))}</code></p>` +
    (params.length ? table(['param', 'value'], params, 'Params') : '') +
    (metrics.length ? table(['metric', 'latest', 'step', 'points'], metrics, 'Metrics') : '');
}

export interface RunsQuery {
  experiments: string[] | undefined;
  filter: string | undefined;
  orderBy: string[] | undefined;
  maxResults: number | undefined;
}

/** The %runs table: one row per run, its params and latest metrics as columns. */
export async function runsHtml(tracker: Tracker, q: RunsQuery): Promise<string> {
  const { runs } = await tracker.searchRuns({
    ...(q.experiments ? { experiments: q.experiments } : {}),
    ...(q.filter ? { filter: q.filter } : {}),
    ...(q.orderBy ? { orderBy: q.orderBy } : {}),
    maxResults: q.maxResults ?? 50,
  });
  if (runs.length === 0) return '<p>No runs match.</p>';
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const rows = runs.map((r) => [
    r.name, { html: `<code>${esc(r.id.slice(0, 8))}</code>` }, r.experimentName, r.status, time(r.startTime),
    duration(r.startTime, r.endTime), ...paramKeys.map((k) => r.params[k]), ...metricKeys.map((k) => fmt(r.metrics[k])),
  ]);
  const headers = ['run', 'id', 'experiment', 'status', 'started', 'duration',
    ...paramKeys.map((k) => `params.${k}`), ...metricKeys.map((k) => `metrics.${k}`)];
  return table(headers, rows, `${runs.length} run${runs.length === 1 ? '' : 's'}`);
}

/** A run by id, else the newest run with that name (in `experiment` first, then anywhere). */
export async function resolveRun(tracker: Tracker, ref: string, experiment?: string): Promise<Run> {
  try {
    return await tracker.getRun(ref);
  } catch (e) {
    // not a run id, or no such run: try it as a run name; a damaged store or an I/O error stays an error
    const isNameNotId = e instanceof TracklabError && (e.code === 'INVALID_PARAMETER_VALUE' || e.code === 'RESOURCE_DOES_NOT_EXIST');
    if (!isNameNotId) throw e;
  }
  const scopes = experiment === undefined ? [undefined] : [[experiment], undefined];
  for (const experiments of scopes) {
    const { runs } = await tracker.searchRuns({ ...(experiments ? { experiments } : {}), maxResults: 50000 });
    const found = runs.find((r) => r.name === ref);
    if (found) return found;
  }
  throw notFound(msg.runNotFound(ref));
}

/** %compare: a params diff table and one SVG chart per metric. */
export async function compareRunsHtml(tracker: Tracker, refs: string[], metrics: string[] | undefined, experiment?: string): Promise<{ html: string; svgs: string[] }> {
  if (refs.length < 2) throw new TracklabError('INVALID_PARAMETER_VALUE', msg.compareNeedsTwo());
  const runs: Run[] = [];
  for (const ref of refs) runs.push(await resolveRun(tracker, ref, experiment));
  const labels = runs.map((r) => `${r.name} (${r.id.slice(0, 8)})`);
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
    for (const [i, r] of runs.entries()) series.push({ label: labels[i]!, points: r.metrics[key] === undefined ? [] : await tracker.getMetricHistory(r.id, key) });
    const single = series.every((s) => s.points.length <= 1);
    const spec = single
      ? metricBarSpec(key, series.filter((s) => s.points[0]).map((s) => ({ label: s.label, value: s.points[0]!.value })))
      : metricLineSpec(key, series);
    svgs.push(await renderSvg(spec));
  }
  return { html, svgs };
}

export interface MagicRegisterOptions {
  run: string | undefined;
  path: string | undefined;
  alias: string | undefined;
  stage: string | undefined;
  best: string | undefined;
  experiment: string | undefined;
}

/** %register_model: registers `runs:/<run>/<path>` and optionally moves it to a stage and sets an alias. */
export async function registerModelFromMagic(tracker: Tracker, name: string, o: MagicRegisterOptions & { defaultRunId: string | undefined }): Promise<string> {
  const path = o.path ?? 'model';
  const run = o.run !== undefined ? await resolveRun(tracker, o.run, o.experiment)
    : o.best !== undefined ? await bestRun(tracker, o.best, path, o.experiment)
      : o.defaultRunId !== undefined ? await tracker.getRun(o.defaultRunId) : undefined;
  if (!run) throw new TracklabError('INVALID_PARAMETER_VALUE', msg.noRunForModel());
  const { version } = await tracker.registerModel(name, `runs:/${run.id}/${path}`);
  const done = [`registered ${name} version ${version} from run ${run.name} (${run.id})`];
  if (o.stage !== undefined) {
    await tracker.transitionStage(name, version, o.stage, { archiveExisting: true });
    done.push(`stage ${o.stage}`);
  }
  if (o.alias !== undefined) {
    await tracker.setAlias(name, o.alias, version);
    done.push(`alias @${o.alias}`);
  }
  return done.join(', ');
}

async function bestRun(tracker: Tracker, orderBy: string, path: string, experiment: string | undefined): Promise<Run | undefined> {
  const { runs } = await tracker.searchRuns({ ...(experiment ? { experiments: [experiment] } : {}), orderBy: [orderBy], maxResults: 100 });
  for (const run of runs) {
    const top = path.split('/')[0]!;
    if ((await tracker.listArtifacts(run.id)).some((a) => a.path === top)) return run;
  }
  return undefined;
}

/** %report: builds the static site and links to it. */
export async function buildReportLink(tracker: Tracker, out: string | undefined): Promise<string> {
  const dir = resolve(out ?? 'site');
  const summary = await buildReport({ store: tracker.storeUri, out: dir, incremental: true });
  const href = relative(process.cwd(), resolve(dir, 'index.html')).split('\\').join('/');
  return `<p>${esc(formatSummary(summary))}: <a href="${esc(encodeURI(href))}" target="_blank">open index.html</a></p>`;
}
