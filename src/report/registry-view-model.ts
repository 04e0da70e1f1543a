/** Phase 2 for registry pages: versions with stage and alias badges, the history as a timeline. Pure. */
import type { ModelHistoryEntry, RegisteredModelData } from './collect.js';
import { formatTime } from './format.js';
import { hrefOf, sitePaths } from './paths.js';

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

export function modelPage(model: RegisteredModelData, publishedRuns: ReadonlySet<string>) {
  const versions = [...model.versions].sort((a, b) => Number(b.version) - Number(a.version) || (a.version < b.version ? 1 : -1));
  const aliasesOf = (version: string): string[] => {
    const fromMap = Object.entries(model.aliases).filter(([, v]) => String(v) === version).map(([a]) => a);
    return [...new Set([...fromMap, ...versions.find((v) => v.version === version)!.aliases])].sort();
  };
  return {
    name: model.name,
    description: model.description,
    tags: Object.keys(model.tags).sort().map((key) => ({ key, value: model.tags[key] ?? '' })),
    aliases: Object.keys(model.aliases).sort().map((alias) => ({ alias, version: String(model.aliases[alias]) })),
    versions: versions.map((v) => ({
      version: v.version,
      stage: v.stage || 'None',
      stageClass: `stage-${(v.stage || 'none').toLowerCase().replace(/[^a-z]/g, '')}`,
      aliases: aliasesOf(v.version),
      status: v.status,
      source: v.source,
      description: v.description,
      created: formatTime(v.createdAt),
      updated: formatTime(v.updatedAt),
      run: v.runId ? { id: v.runId, href: v.runId && publishedRuns.has(v.runId) ? `../${hrefOf(sitePaths.run(v.runId))}` : null } : null,
      tags: Object.keys(v.tags).sort().map((key) => ({ key, value: v.tags[key] ?? '' })),
    })),
    // newest first; entries of one millisecond keep the order they were recorded in, reversed
    history: model.history.map((h, i) => ({ h, i }))
      .sort((a, b) => b.h.at - a.h.at || b.i - a.i)
      .map(({ h }) => h)
      .map((h) => ({ at: formatTime(h.at), text: describe(h), user: h.user ?? '', comment: h.comment ?? '' })),
  };
}

export type ModelPage = ReturnType<typeof modelPage>;
