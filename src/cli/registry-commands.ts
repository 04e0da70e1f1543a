/** `tracklab models ...`: list, show, register, stage, alias, resolve, lineage, delete-version. */
import type { Command } from 'commander';
import { invalid } from '../core/errors.js';
import type { RegisteredModel } from '../registry/views.js';
import { formatTable, formatTime } from './table.js';
import { printJson, type OpenTracker } from './tracking-commands.js';

export function addRegistryCommands(program: Command, open: OpenTracker): void {
  const models = program.command('models').description('the model registry: versions, stages, aliases, models:/ URIs');
  models.command('list').description('list registered models').option('--json', 'print JSON (what listRegisteredModels returns)')
    .action(async (opts: { json?: boolean }) => {
      const list = await (await open()).listRegisteredModels();
      if (opts.json) return printJson(list);
      console.log(modelsTable(list));
    });
  models.command('show <name>').description('show a model: versions, aliases and history').option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const tracker = await open();
      const model = await tracker.getRegisteredModel(name);
      if (opts.json) return printJson(model);
      console.log(describeModel(model));
      if (!tracker.capabilities.registryHistory) console.log('\nhistory: — (this store keeps none, like MLflow\'s)');
    });
  models.command('register <name>').description('register the model a run logged as the next version')
    .requiredOption('--run <runId>', 'the run that logged the model')
    .option('--path <path>', 'the model folder in the run\'s artifacts', 'model')
    .option('--description <text>', 'version description')
    .option('--json', 'print the new version as JSON')
    .action(async (name: string, opts: { run: string; path: string; description?: string; json?: boolean }) => {
      const mv = await (await open()).registerModel(`runs:/${opts.run}/${opts.path}`, name, opts.description === undefined ? {} : { description: opts.description });
      if (opts.json) return printJson(mv);
      console.log(`registered ${mv.name} version ${mv.version} from ${mv.source}`);
    });
  models.command('stage <name> <version> <stage>').description('move a version to None, Staging, Production or Archived')
    .option('--archive-existing', 'move the other versions in that stage to Archived (Staging/Production only)')
    .option('--comment <text>', 'why; kept in the history')
    .action(async (name: string, version: string, stage: string, opts: { archiveExisting?: boolean; comment?: string }) => {
      const mv = await (await open()).transitionStage(name, version, stage, {
        archiveExisting: opts.archiveExisting === true, ...(opts.comment === undefined ? {} : { comment: opts.comment }),
      });
      console.log(`${mv.name} version ${mv.version} is now in ${mv.stage}`);
    });
  models.command('alias <name> <alias> [version]').description('point an alias at a version, or remove it with --delete')
    .option('--delete', 'remove the alias')
    .option('--comment <text>', 'why; kept in the history')
    .action(async (name: string, alias: string, version: string | undefined, opts: { delete?: boolean; comment?: string }) => {
      const tracker = await open();
      const comment = opts.comment === undefined ? {} : { comment: opts.comment };
      if (opts.delete) {
        if (version !== undefined) throw usage(`give either a VERSION or --delete for alias "${alias}", not both`);
        await tracker.deleteAlias(name, alias, comment);
        return console.log(`removed alias @${alias} of ${name}`);
      }
      if (version === undefined) throw usage(`give the VERSION alias "${alias}" should point to, or --delete to remove it`);
      await tracker.setAlias(name, alias, version, comment);
      console.log(`${name}@${alias} -> version ${version}`);
    });
  models.command('resolve <uri>').description('show the run artifact a models:/ URI names').option('--json', 'print JSON')
    .action(async (uri: string, opts: { json?: boolean }) => {
      const r = await (await open()).resolveModelUri(uri);
      if (opts.json) return printJson(r);
      console.log(`${uri} -> ${r.name} version ${r.version} (${r.source})`);
    });
  models.command('lineage <name> [version]').description('the run, experiment, git commit and datasets behind a version (or a models:/ URI)')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string | undefined, opts: { json?: boolean }) => {
      const l = await (await open()).lineage(name, version);
      if (opts.json) return printJson(l);
      console.log([
        `${l.model.name} version ${l.model.version} (${l.model.stage}) <- ${l.model.source}`,
        `  run: ${l.run ? `${l.run.name} (${l.run.id}), ${l.run.status}` : 'missing'}`,
        `  experiment: ${l.experiment ? `${l.experiment.name} (${l.experiment.id})` : '-'}`,
        `  git: ${l.git ? `${l.git.commit}${l.git.branch ? ` on ${l.git.branch}` : ''}${l.git.dirty ? ' (dirty)' : ''}` : '-'}`,
        `  datasets: ${l.datasets.map((d) => `${d.name}@${d.digest}`).join(', ') || '-'}`,
      ].join('\n'));
    });
  models.command('delete-version <name> <version>').description('delete a version and its aliases (the number is not reused)')
    .action(async (name: string, version: string) => {
      await (await open()).deleteModelVersion(name, version);
      console.log(`deleted ${name} version ${version}`);
    });
}

const usage = (message: string): Error => invalid(message);

function modelsTable(list: RegisteredModel[]): string {
  if (list.length === 0) return 'no registered models';
  return formatTable(['NAME', 'VERSIONS', 'LATEST', 'PRODUCTION', 'STAGING', 'ALIASES', 'UPDATED'], list.map((m) => [
    m.name, String(m.versions.length), m.latestVersion === null ? '' : String(m.latestVersion),
    inStage(m, 'Production'), inStage(m, 'Staging'),
    Object.entries(m.aliases).map(([a, v]) => `@${a}=${v}`).join(' '), formatTime(m.updatedAt),
  ]));
}

const inStage = (m: RegisteredModel, stage: string): string => m.versions.filter((v) => v.stage === stage).map((v) => `v${v.version}`).join(' ');

function describeModel(m: RegisteredModel): string {
  const lines = [`model ${m.name}${m.description ? ` — ${m.description}` : ''}`];
  for (const [k, v] of Object.entries(m.tags)) lines.push(`  tag ${k}: ${v}`);
  lines.push('', formatTable(['VERSION', 'STAGE', 'ALIASES', 'RUN', 'CREATED', 'DESCRIPTION'], m.versions.map((v) => [
    String(v.version), v.stage, v.aliases.map((a) => `@${a}`).join(' '), v.runId, formatTime(v.createdAt), v.description,
  ]), 60));
  if (m.history.length > 0) {
    lines.push('', 'history');
    for (const h of m.history) {
      const what = h.alias !== null ? `@${h.alias}: ${h.from ?? '-'} -> ${h.to ?? '-'}` : h.from !== null || h.to !== null ? `${h.from ?? '-'} -> ${h.to ?? '-'}` : '';
      lines.push(`  ${formatTime(h.at)}  ${h.user}  ${h.action}${h.version === null ? '' : ` v${h.version}`} ${what}${h.comment ? `  "${h.comment}"` : ''}`.trimEnd());
    }
  }
  return lines.join('\n');
}
