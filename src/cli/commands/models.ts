/** `tracklab models ...`: list, show, register, stage, alias, resolve, lineage, delete-version. */
import { invalid } from '../../core/errors.js';
import type { RegisteredModel } from '../../registry/views.js';
import type { Tracker } from '../../tracker.js';
import { cliMessages as msg } from '../messages.js';
import { formatJson } from '../output.js';
import { formatTime } from '../../core/format.js';
import { formatTable } from '../table.js';

export interface JsonOption {
  json?: boolean;
}
export interface RegisterModelOptions {
  run: string;
  path: string;
  description?: string;
  json?: boolean;
}
export interface StageOptions {
  archiveExisting?: boolean;
  comment?: string;
}
export interface AliasOptions {
  delete?: boolean;
  comment?: string;
}

/** Registered models as a table, or JSON (what `listRegisteredModels` returns). */
export async function listModels(tracker: Tracker, opts: JsonOption): Promise<string> {
  const list = await tracker.listRegisteredModels();
  return opts.json ? formatJson(list) : modelsTable(list);
}

/** One model: versions, aliases and history. */
export async function showModel(tracker: Tracker, name: string, opts: JsonOption): Promise<string> {
  const model = await tracker.getRegisteredModel(name);
  if (opts.json) return formatJson(model);
  const note = tracker.capabilities.registryHistory ? '' : "\n\nhistory: — (this store keeps none, like MLflow's)";
  return describeModel(model) + note;
}

/** Registers the model folder a run logged as the next version of `name`. */
export async function registerModel(tracker: Tracker, name: string, opts: RegisterModelOptions): Promise<string> {
  const description = opts.description === undefined ? {} : { description: opts.description };
  const mv = await tracker.registerModel(`runs:/${opts.run}/${opts.path}`, name, description);
  return opts.json ? formatJson(mv) : `registered ${mv.name} version ${mv.version} from ${mv.source}`;
}

/** Moves a version to another stage. */
export async function stageModel(
  tracker: Tracker,
  name: string,
  version: string,
  stage: string,
  opts: StageOptions,
): Promise<string> {
  const mv = await tracker.transitionStage(name, version, stage, {
    archiveExisting: opts.archiveExisting === true,
    ...(opts.comment === undefined ? {} : { comment: opts.comment }),
  });
  return `${mv.name} version ${mv.version} is now in ${mv.stage}`;
}

/** Points an alias at a version, or removes it. */
export async function aliasModel(
  tracker: Tracker,
  name: string,
  alias: string,
  version: string | undefined,
  opts: AliasOptions,
): Promise<string> {
  const comment = opts.comment === undefined ? {} : { comment: opts.comment };
  if (opts.delete) {
    if (version !== undefined) throw invalid(msg.aliasVersionAndDelete(alias));
    await tracker.deleteAlias(name, alias, comment);
    return `removed alias @${alias} of ${name}`;
  }
  if (version === undefined) throw invalid(msg.aliasNeedsVersion(alias));
  await tracker.setAlias(name, alias, version, comment);
  return `${name}@${alias} -> version ${version}`;
}

/** The run artifact a models:/ URI names. */
export async function resolveModel(tracker: Tracker, uri: string, opts: JsonOption): Promise<string> {
  const r = await tracker.resolveModelUri(uri);
  return opts.json ? formatJson(r) : `${uri} -> ${r.name} version ${r.version} (${r.source})`;
}

/** The run, experiment, git commit and datasets behind a version. */
export async function modelLineage(
  tracker: Tracker,
  name: string,
  version: string | undefined,
  opts: JsonOption,
): Promise<string> {
  const l = await tracker.lineage(name, version);
  if (opts.json) return formatJson(l);
  const git = l.git
    ? `${l.git.commit}${l.git.branch ? ` on ${l.git.branch}` : ''}${l.git.dirty ? ' (dirty)' : ''}`
    : '-';
  return [
    `${l.model.name} version ${l.model.version} (${l.model.stage}) <- ${l.model.source}`,
    `  run: ${l.run ? `${l.run.name} (${l.run.id}), ${l.run.status}` : 'missing'}`,
    `  experiment: ${l.experiment ? `${l.experiment.name} (${l.experiment.id})` : '-'}`,
    `  git: ${git}`,
    `  datasets: ${l.datasets.map((d) => `${d.name}@${d.digest}`).join(', ') || '-'}`,
  ].join('\n');
}

/** Deletes a version and its aliases. */
export async function deleteModelVersion(tracker: Tracker, name: string, version: string): Promise<string> {
  await tracker.deleteModelVersion(name, version);
  return `deleted ${name} version ${version}`;
}

function modelsTable(list: RegisteredModel[]): string {
  if (list.length === 0) return msg.noModels();
  return formatTable(
    ['NAME', 'VERSIONS', 'LATEST', 'PRODUCTION', 'STAGING', 'ALIASES', 'UPDATED'],
    list.map((m) => [
      m.name,
      String(m.versions.length),
      m.latestVersion === null ? '' : String(m.latestVersion),
      inStage(m, 'Production'),
      inStage(m, 'Staging'),
      Object.entries(m.aliases)
        .map(([a, v]) => `@${a}=${v}`)
        .join(' '),
      formatTime(m.updatedAt),
    ]),
  );
}

const inStage = (m: RegisteredModel, stage: string): string =>
  m.versions
    .filter((v) => v.stage === stage)
    .map((v) => `v${v.version}`)
    .join(' ');

function describeModel(m: RegisteredModel): string {
  const lines = [`model ${m.name}${m.description ? ` — ${m.description}` : ''}`];
  for (const [k, v] of Object.entries(m.tags)) lines.push(`  tag ${k}: ${v}`);
  lines.push(
    '',
    formatTable(
      ['VERSION', 'STAGE', 'ALIASES', 'RUN', 'CREATED', 'DESCRIPTION'],
      m.versions.map((v) => [
        String(v.version),
        v.stage,
        v.aliases.map((a) => `@${a}`).join(' '),
        v.runId,
        formatTime(v.createdAt),
        v.description,
      ]),
      60,
    ),
  );
  if (m.history.length > 0) lines.push('', 'history', ...m.history.map(historyLine));
  return lines.join('\n');
}

function historyLine(h: RegisteredModel['history'][number]): string {
  const moved = h.from !== null || h.to !== null ? `${h.from ?? '-'} -> ${h.to ?? '-'}` : '';
  const what = h.alias !== null ? `@${h.alias}: ${h.from ?? '-'} -> ${h.to ?? '-'}` : moved;
  const version = h.version === null ? '' : ` v${h.version}`;
  return `  ${formatTime(h.at)}  ${h.user}  ${h.action}${version} ${what}${h.comment ? `  "${h.comment}"` : ''}`.trimEnd();
}
