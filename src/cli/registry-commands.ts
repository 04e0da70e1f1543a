/** The `models` commands: definitions only; each action loads src/cli/commands/models.ts when it runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { AliasOptions, JsonOption, RegisterModelOptions, StageOptions } from './commands/models.js';

const models = () => import('./commands/models.js');

/** Adds `tracklab models list|show|register|stage|alias|resolve|lineage|delete-version`. */
export function addRegistryCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('models').description('the model registry: versions, stages, aliases, models:/ URIs');
  addReadCommands(cmd, ctx);
  addWriteCommands(cmd, ctx);
}

function addReadCommands(cmd: Command, ctx: CliContext): void {
  cmd
    .command('list')
    .description('list registered models')
    .option('--json', 'print JSON (what listRegisteredModels returns)')
    .action(async (opts: JsonOption) => ctx.print(await (await models()).listModels(await ctx.tracker(), opts)));
  cmd
    .command('show <name>')
    .description('show a model: versions, aliases and history')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: JsonOption) =>
      ctx.print(await (await models()).showModel(await ctx.tracker(), name, opts)),
    );
  cmd
    .command('resolve <uri>')
    .description('show the run artifact a models:/ URI names')
    .option('--json', 'print JSON')
    .action(async (uri: string, opts: JsonOption) =>
      ctx.print(await (await models()).resolveModel(await ctx.tracker(), uri, opts)),
    );
  cmd
    .command('lineage <name> [version]')
    .description('the run, experiment, git commit and datasets behind a version (or a models:/ URI)')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string | undefined, opts: JsonOption) =>
      ctx.print(await (await models()).modelLineage(await ctx.tracker(), name, version, opts)),
    );
}

function addWriteCommands(cmd: Command, ctx: CliContext): void {
  cmd
    .command('register <name>')
    .description('register the model a run logged as the next version')
    .requiredOption('--run <runId>', 'the run that logged the model')
    .option('--path <path>', "the model folder in the run's artifacts", 'model')
    .option('--description <text>', 'version description')
    .option('--json', 'print the new version as JSON')
    .action(async (name: string, opts: RegisterModelOptions) =>
      ctx.print(await (await models()).registerModel(await ctx.tracker(), name, opts)),
    );
  cmd
    .command('stage <name> <version> <stage>')
    .description('move a version to None, Staging, Production or Archived')
    .option('--archive-existing', 'move the other versions in that stage to Archived (Staging/Production only)')
    .option('--comment <text>', 'why; kept in the history')
    .action(async (name: string, version: string, stage: string, opts: StageOptions) =>
      ctx.print(await (await models()).stageModel(await ctx.tracker(), name, version, stage, opts)),
    );
  cmd
    .command('alias <name> <alias> [version]')
    .description('point an alias at a version, or remove it with --delete')
    .option('--delete', 'remove the alias')
    .option('--comment <text>', 'why; kept in the history')
    .action(async (name: string, alias: string, version: string | undefined, opts: AliasOptions) =>
      ctx.print(await (await models()).aliasModel(await ctx.tracker(), name, alias, version, opts)),
    );
  cmd
    .command('delete-version <name> <version>')
    .description('delete a version and its aliases (the number is not reused)')
    .action(async (name: string, version: string) =>
      ctx.print(await (await models()).deleteModelVersion(await ctx.tracker(), name, version)),
    );
}
