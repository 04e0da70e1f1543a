/** Phase 2 for one run page (and its data file). Pure. */
import type { Run } from '../core/entities.js';
import { summaryKnown, TAGS, UNKNOWN_SUMMARY } from '../core/entities.js';
import type { ModelManifestView, Preview } from './artifacts.js';
import { formatBytes, formatDuration, formatNumber, formatTime, isSafeUrl } from './format.js';
import { renderMarkdown } from './markdown.js';
import { hrefOf, sitePaths } from './paths.js';
import type { Series } from './downsample.js';
import type { PublishedHistories } from './publish-histories.js';
import { runUser } from './view-models.js';
import { reproductionView } from './reproduction-view.js';

export interface ArtifactItem {
  path: string;
  isDir: boolean;
  size: number;
  /** relative link from the run page, or null when not published */
  href: string | null;
  preview: Preview | null;
  /** why there is no link, e.g. "larger than 10 MB" */
  note?: string;
}

export interface RunPageInput {
  run: Run;
  experimentName: string;
  /** all runs of the site by id, for parent and children names */
  runsById: ReadonlyMap<string, Run>;
  children: readonly Run[];
  artifacts: readonly ArtifactItem[];
  models: readonly ModelManifestView[];
  registered: readonly { text: string; href: string; stageClass: string }[];
  /** false when the store keeps only each metric's latest value: min, max and points show "—" */
  summaries?: boolean;
}

const KNOWN_HOSTS: Record<string, (path: string, sha: string) => string> = {
  'github.com': (p, sha) => `https://github.com/${p}/commit/${sha}`,
  'gitlab.com': (p, sha) => `https://gitlab.com/${p}/-/commit/${sha}`,
  'bitbucket.org': (p, sha) => `https://bitbucket.org/${p}/commits/${sha}`,
  'codeberg.org': (p, sha) => `https://codeberg.org/${p}/commit/${sha}`,
};

/** The commit's web page when the remote is a known host (https or scp-style ssh remotes), else null. */
export function commitUrl(repoUrl: string | undefined, sha: string | undefined): string | null {
  if (!repoUrl || !sha || !/^[0-9a-f]{7,64}$/i.test(sha)) return null;
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[\w.-]+@)([\w.-]+)(?::\d+)?[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/i.exec(
      repoUrl.trim(),
    );
  if (!m) return null;
  const make = KNOWN_HOSTS[(m[1] as string).toLowerCase()];
  return make ? make(m[2] as string, sha.toLowerCase()) : null;
}

/** The commit a run was made from, linked to its web page on a known host; null when no commit was recorded. */
function gitView(tags: Readonly<Record<string, string>>) {
  const commit = tags[TAGS.gitCommit];
  if (!commit) return null;
  const repo = tags[TAGS.gitRepoURL];
  return { commit, href: commitUrl(repo, commit), branch: tags[TAGS.gitBranch] ?? '', repo: repo ?? '' };
}

/** One row per metric: latest value, min, max and points, "—" where the store keeps no summaries (`known` false). */
function metricRows(run: Run, keys: readonly string[], known: boolean) {
  return keys.map((key) => {
    const s = run.metricSummaries[key];
    const unknown = !known || (s !== undefined && !summaryKnown(s));
    return {
      key,
      latest: formatNumber(run.metrics[key] ?? s?.value),
      min: unknown ? UNKNOWN_SUMMARY : formatNumber(s?.min),
      max: unknown ? UNKNOWN_SUMMARY : formatNumber(s?.max),
      steps: unknown ? UNKNOWN_SUMMARY : s ? String(s.count) : '',
      lastStep: s ? String(s.step) : '',
    };
  });
}

/** The run's tags but its note (shown as text above them), sorted; a safe URL value becomes a link. */
function tagRows(tags: Readonly<Record<string, string>>) {
  return Object.keys(tags)
    .filter((k) => k !== TAGS.note)
    .sort()
    .map((key) => {
      const value = tags[key] ?? '';
      return { key, value, href: isSafeUrl(value) ? value : null };
    });
}

const link = (run: Run | undefined, id: string): { name: string; href: string | null; status: string } =>
  run ? { name: run.name, href: hrefOf(`${run.id}.html`), status: run.status } : { name: id, href: null, status: '' };

export function runPage(input: RunPageInput) {
  const { run } = input;
  const tags = run.tags;
  const metricKeys = Object.keys(run.metricSummaries).sort();
  const parentId = run.parentRunId;
  return {
    id: run.id,
    name: run.name,
    experiment: { name: input.experimentName, href: `../${hrefOf(sitePaths.experiment(run.experimentId))}` },
    status: run.status,
    start: formatTime(run.startTime),
    end: formatTime(run.endTime),
    duration: formatDuration(run.endTime === null ? null : run.endTime - run.startTime),
    user: runUser(run),
    source: { name: tags[TAGS.sourceName] ?? '', type: tags[TAGS.sourceType] ?? '' },
    git: gitView(tags),
    params: Object.keys(run.params)
      .sort()
      .map((key) => ({ key, value: run.params[key] ?? '' })),
    metrics: metricRows(run, metricKeys, input.summaries !== false),
    tags: tagRows(tags),
    summariesNote:
      input.summaries === false
        ? 'Min, max and points: — (this store keeps only the latest value of each metric; the charts show its history).'
        : '',
    noteHtml: tags[TAGS.note] ? renderMarkdown(tags[TAGS.note] ?? '') : '',
    datasets: run.inputs.map((d) => ({
      name: d.name,
      digest: d.digest,
      context: d.context ?? '',
      sourceType: d.sourceType,
      source: d.source,
    })),
    reproduction: reproductionView(run, input.runsById),
    parent: parentId ? link(input.runsById.get(parentId), parentId) : null,
    children: input.children.map((c) => link(c, c.id)),
    artifacts: input.artifacts.map((a) => ({
      ...a,
      sizeText: a.isDir ? '' : formatBytes(a.size),
      depth: a.path.split('/').length - 1,
    })),
    models: input.models,
    hasMetrics: metricKeys.length > 0,
    dataHref: `../${hrefOf(sitePaths.runData(run.id))}`,
    registered: input.registered,
  };
}

export type RunPageView = ReturnType<typeof runPage>;

/** The run's data file: what the run page and the compare page chart. */
export interface RunData {
  id: string;
  name: string;
  experiment: string;
  href: string;
  params: Record<string, string>;
  status: string;
  startTime: number;
  endTime: number | null;
  user: string;
  parent: { id: string; name: string } | null;
  metrics: Record<string, number | string>;
  /** the histories the page loaded (history-data.ts): those it draws, at most the display size each */
  series: Series[];
}

/** A run's data file (`data/runs/<id>.js`): the run, and where each of its history chunks is. */
export type PublishedRunData = Omit<RunData, 'series'> & { histories: PublishedHistories };
