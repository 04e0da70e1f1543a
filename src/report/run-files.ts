/** Builds and writes everything that belongs to one run: its page, data file, history chunks and artifacts. */
import { createHash } from 'node:crypto';
import type { ArtifactEntry, Run } from '../core/entities.js';
import {
  makePreview,
  previewKind,
  publishedPath,
  isTextLike,
  readManifestView,
  type ModelManifestView,
  type Preview,
} from './artifacts.js';
import type { ReportSource } from './collect.js';
import { formatBytes } from './format.js';
import { hrefOf, sitePaths } from './paths.js';
import { HISTORY_FORMAT } from '../core/pack-format.js';
import { publishHistories, runDataScript } from './publish-histories.js';
import { redactText } from './redact.js';
import type { Renderer } from './render.js';
import { runPage, type ArtifactItem, type PublishedRunData } from './run-view-model.js';
import { safeJson } from './safe-json.js';
import { encodeValue } from './format.js';
import type { SiteWriter } from './write.js';

export interface RunFilesContext {
  source: ReportSource;
  writer: SiteWriter;
  renderer: Renderer;
  runsById: ReadonlyMap<string, Run>;
  childrenOf: ReadonlyMap<string, Run[]>;
  experimentName: string;
  redact: boolean;
  maxArtifactBytes: number;
  displayPoints: number;
  /** run id -> how it is registered in the model registry */
  registered: ReadonlyMap<string, { text: string; href: string; stageClass: string }[]>;
}

/** The incremental-build key: changes whenever anything shown on the run's page would change. */
export function runKey(ctx: RunFilesContext, run: Run, artifacts: readonly ArtifactEntry[]): string {
  const parent = run.parentRunId ? ctx.runsById.get(run.parentRunId) : undefined;
  const children = (ctx.childrenOf.get(run.id) ?? []).map((c) => [c.id, c.name, c.status]);
  const input = safeJson([
    run,
    ctx.experimentName,
    parent?.name ?? null,
    children,
    artifacts,
    ctx.redact,
    ctx.maxArtifactBytes,
    ctx.displayPoints,
    ctx.renderer.hash,
    ctx.registered.get(run.id) ?? [],
    HISTORY_FORMAT,
  ]);
  return createHash('sha256').update(input).digest('hex').slice(0, 32);
}

/** Writes the run's files and returns their site paths. */
export async function writeRunFiles(
  ctx: RunFilesContext,
  run: Run,
  listing: readonly ArtifactEntry[],
): Promise<string[]> {
  const files: string[] = [];
  const put = async (rel: string, data: string | Uint8Array): Promise<void> => {
    await ctx.writer.write(rel, data);
    files.push(rel);
  };
  const keys = Object.keys(run.metricSummaries).sort();
  const histories = await publishHistories(ctx.source, run.id, keys, ctx.displayPoints);
  for (const file of histories.files) await put(sitePaths.runChunk(file.rel), file.bytes);
  const parent = run.parentRunId ? ctx.runsById.get(run.parentRunId) : undefined;
  const data: PublishedRunData = {
    id: run.id,
    name: run.name,
    experiment: ctx.experimentName,
    href: hrefOf(sitePaths.run(run.id)),
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime,
    user: run.user,
    parent: parent ? { id: parent.id, name: parent.name || parent.id } : null,
    params: run.params,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([k, v]) => [k, encodeValue(v)])),
    histories: histories.published,
  };
  await put(sitePaths.runData(run.id), runDataScript(data, histories.texts));
  const { items, models } = await publishArtifacts(ctx, run, listing, put);
  const vm = runPage({
    run,
    experimentName: ctx.experimentName,
    runsById: ctx.runsById,
    children: ctx.childrenOf.get(run.id) ?? [],
    artifacts: items,
    models,
    registered: ctx.registered.get(run.id) ?? [],
    summaries: ctx.source.capabilities?.metricSummaries !== false,
  });
  const html = ctx.renderer.render('run', vm, {
    root: '../',
    pageTitle: run.name,
    charts: hasCurves(run),
    dataScripts: [vm.dataHref],
  });
  await put(sitePaths.run(run.id), html);
  return files;
}

async function publishArtifacts(
  ctx: RunFilesContext,
  run: Run,
  listing: readonly ArtifactEntry[],
  put: (rel: string, data: string | Uint8Array) => Promise<void>,
): Promise<{ items: ArtifactItem[]; models: ModelManifestView[] }> {
  const items: ArtifactItem[] = [];
  const models: ModelManifestView[] = [];
  for (const entry of [...listing].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (entry.isDir) {
      items.push({ path: entry.path, isDir: true, size: 0, href: null, preview: null });
      continue;
    }
    const pub = publishedPath(entry.path);
    if (pub === null) {
      items.push({
        path: entry.path,
        isDir: false,
        size: entry.size,
        href: null,
        preview: null,
        note: 'not published: unsafe path',
      });
      continue;
    }
    if (entry.size > ctx.maxArtifactBytes) {
      items.push({
        path: entry.path,
        isDir: false,
        size: entry.size,
        href: null,
        preview: null,
        note: `not published: larger than ${formatBytes(ctx.maxArtifactBytes)}`,
      });
      continue;
    }
    let body: Buffer | string = await ctx.source.readArtifact(run.id, entry.path);
    const textLike = isTextLike(entry.path);
    if (ctx.redact && textLike) body = redactText(body.toString('utf8'));
    const rel = sitePaths.artifact(run.id, pub);
    await put(rel, body);
    const kind = previewKind(entry.path, entry.size);
    let preview: Preview | null = null;
    if (kind === 'image') preview = { kind: 'image' };
    else if (kind === 'read') preview = makePreview(entry.path, body.toString());
    if (entry.path === 'tracklab-model.json' || entry.path.endsWith('/tracklab-model.json')) {
      const m = readManifestView(entry.path, body.toString());
      if (m) models.push(m);
    }
    items.push({
      path: entry.path,
      isDir: false,
      size: entry.size,
      href: hrefOf(`${run.id}/artifacts/${pub}`),
      preview,
    });
  }
  return { items, models };
}

/** A run page draws curves (and so preloads vega) when a metric has more than one point, or may have. */
function hasCurves(run: Run): boolean {
  return Object.values(run.metricSummaries).some((m) => m.count !== 1);
}
