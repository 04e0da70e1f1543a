/** Phase 2 for registry pages: versions with stage and alias badges, the history as a timeline. Pure. */
import type { ModelHistoryEntry, RegisteredModelData } from './collect.js';
import { formatTime } from './format.js';
import { hrefOf, sitePaths } from './paths.js';
import { stageClass } from './view-models.js';

const compareHref = (ids: string[]): string => {
  const unique = [...new Set(ids)];
  return unique.length > 1 ? `../compare.html#runs=${unique.map(encodeURIComponent).join(',')}` : '';
};

const describe = (h: ModelHistoryEntry): string => {
  const v = h.version ? ` version ${h.version}` : '';
  if (h.alias) {
    if (h.from && h.to) return `${h.action}: alias @${h.alias} moved from version ${h.from} to ${h.to}`;
    if (h.to) return `${h.action}: alias @${h.alias} → version ${h.to}`;
    return `${h.action}${v}: alias @${h.alias}${h.from ? ` (was version ${h.from})` : ''}`;
  }
  if (h.from !== undefined && h.to !== undefined) return `${h.action}${v}: ${h.from} → ${h.to}`;
  if (h.to !== undefined) return `${h.action}${v}: stage ${h.to}`;
  return `${h.action}${v}`;
};

/** What a version row shows about its source run. */
export interface VersionRunInfo {
  name: string;
  status: string;
  /** main metrics of the run's experiment, formatted */
  metrics: { key: string; value: string }[];
}

/** How a run is registered: `mnist-classifier v2 (Production, @champion)`, one entry per version. */
export function registrations(
  models: readonly RegisteredModelData[],
): Map<string, { text: string; href: string; stageClass: string }[]> {
  const out = new Map<string, { text: string; href: string; stageClass: string }[]>();
  for (const m of models) {
    for (const v of m.versions) {
      if (!v.runId) continue;
      const aliases = [
        ...new Set([
          ...Object.entries(m.aliases)
            .filter(([, x]) => String(x) === v.version)
            .map(([a]) => a),
          ...v.aliases,
        ]),
      ].sort();
      const extra = [v.stage && v.stage !== 'None' ? v.stage : '', ...aliases.map((a) => `@${a}`)]
        .filter(Boolean)
        .join(', ');
      const entry = {
        text: `${m.name} v${v.version}${extra ? ` (${extra})` : ''}`,
        href: `../${hrefOf(sitePaths.model(m.name))}`,
        stageClass: stageClass(v.stage),
      };
      out.set(v.runId, [...(out.get(v.runId) ?? []), entry]);
    }
  }
  return out;
}

/**
 * The model page: versions newest first with their run's name and main metrics, a "compare these versions" link,
 * stage and alias badges, and the history as a timeline.
 */
export function modelPage(
  model: RegisteredModelData,
  publishedRuns: ReadonlySet<string>,
  runInfo: (runId: string) => VersionRunInfo | null = () => null,
  historyKept = true,
) {
  const versions = [...model.versions].sort(
    (a, b) => Number(b.version) - Number(a.version) || (a.version < b.version ? 1 : -1),
  );
  const aliasesOf = (version: string): string[] => {
    const fromMap = Object.entries(model.aliases)
      .filter(([, v]) => String(v) === version)
      .map(([a]) => a);
    return [...new Set([...fromMap, ...versions.find((v) => v.version === version)!.aliases])].sort();
  };
  return {
    name: model.name,
    description: model.description,
    tags: Object.keys(model.tags)
      .sort()
      .map((key) => ({ key, value: model.tags[key] ?? '' })),
    aliases: Object.keys(model.aliases)
      .sort()
      .map((alias) => ({ alias, version: String(model.aliases[alias]) })),
    versions: versions.map((v) => ({
      version: v.version,
      stage: v.stage || 'None',
      stageClass: stageClass(v.stage),
      aliases: aliasesOf(v.version),
      status: v.status,
      source: v.source,
      description: v.description,
      created: formatTime(v.createdAt),
      updated: formatTime(v.updatedAt),
      run: v.runId
        ? {
            id: v.runId,
            shortId: v.runId.slice(0, 8),
            href: publishedRuns.has(v.runId) ? `../${hrefOf(sitePaths.run(v.runId))}` : null,
            ...(runInfo(v.runId) ?? { name: '', status: '', metrics: [] }),
          }
        : null,
      tags: Object.keys(v.tags)
        .sort()
        .map((key) => ({ key, value: v.tags[key] ?? '' })),
    })),
    compareHref: compareHref(versions.map((v) => v.runId).filter((id): id is string => !!id && publishedRuns.has(id))),
    historyKept,
    // newest first; entries of one millisecond keep the order they were recorded in, reversed
    history: model.history
      .map((h, i) => ({ h, i }))
      .sort((a, b) => b.h.at - a.h.at || b.i - a.i)
      .map(({ h }) => h)
      .map((h) => ({ at: formatTime(h.at), text: describe(h), user: h.user ?? '', comment: h.comment ?? '' })),
  };
}

export type ModelPage = ReturnType<typeof modelPage>;
