/**
 * Every text the model registry shows a user, in one place so tests can assert on them. Each names the offending value
 * and says what to do.
 */
import { showValue as show } from '../core/messages.js';
import { MODEL_STAGES } from '../store/registry-store.js';

const q = (s: string): string => JSON.stringify(s);
const list = (items: readonly string[]): string => items.join(', ') || 'none';
const MODELS_HINT =
  'give models:/<name>/<version>, models:/<name>/latest, models:/<name>/<stage> or models:/<name>@<alias>';

export const registryMessages = {
  noLoggedModels: (uri: string, version: number, name: string, source: string) =>
    `${uri} is version ${version} of ${q(name)}, an MLflow 3 logged model (${source}) kept outside its run's ` +
    'artifacts, and this store has no logged models; open the MLflow 3 server that logged it with --store http://...',
  sourceRunMissing: (source: string, runId: string, store: string) =>
    `model source ${q(source)} is refused: run ${runId} does not exist in store ${store}; copy a run id from \`tracklab runs list\``,
  sourceRunDeleted: (source: string, runId: string) =>
    `model source ${q(source)} is refused: run ${runId} is deleted; restore it with \`tracklab runs restore ${runId}\` first`,
  sourcePathMissing: (source: string, path: string, runId: string) =>
    `model source ${q(source)} is refused: ${q(path)} is not an artifact of run ${runId}; ` +
    `log the model with run.logModel(model, { path: ${q(path)} })`,
  sourceNotAModel: (source: string, path: string, runId: string, manifest: string) =>
    `model source ${q(source)} is refused: ${q(path)} in run ${runId} is not a logged model (no ${manifest}); ` +
    `log one with run.logModel(model, { path: ${q(path)} })`,
  noSuchVersion: (name: string, version: number, versions: readonly number[]) =>
    `model ${q(name)} has no version ${version}; its versions are: ${list(versions.map(String))}`,
  noVersions: (uri: string, name: string) =>
    `${uri} resolves to nothing: model ${q(name)} has no versions; register one with \`tracklab models register\``,
  noVersionInStage: (uri: string, name: string, stage: string) =>
    `${uri} resolves to nothing: model ${q(name)} has no version in stage ${stage}; move one there with \`tracklab models stage\``,
  noSuchAlias: (uri: string, name: string, alias: string, aliases: readonly string[]) =>
    `${uri} resolves to nothing: model ${q(name)} has no alias ${q(alias)} (aliases: ${list(aliases.map((a) => `@${a}`))})`,
  noRegistry: (store: string) =>
    `store ${store} has no model registry; use a folder store (file:) for registered models`,
  badModelsUri: (uri: string) => `model URI ${uri} is invalid: ${MODELS_HINT}`,
  badSelector: (uri: string, selector: string) =>
    `model URI ${uri} is invalid: ${q(selector)} is not a version, "latest" or a stage; ${MODELS_HINT}`,
  badModelUri: (uri: string, runsHint: string) => `model URI ${uri} is refused: ${runsHint}, or ${MODELS_HINT}`,
  badNameInUri: (uri: string, name: string) =>
    `model URI ${uri} is invalid: ${name} is not a model name; ${MODELS_HINT}`,

  // input validation
  modelNameInvalid: (name: unknown) =>
    `model name ${show(name)} is invalid: use 1 to 255 letters, digits, "_", "-", "." or spaces, starting with a letter or digit (e.g. "iris-rf")`,
  versionInvalid: (version: unknown) =>
    `model version ${show(version)} is invalid: versions are whole numbers counting from 1`,
  stageInvalid: (stage: unknown) => `stage ${show(stage)} is invalid; use one of ${MODEL_STAGES.join(', ')} (any case)`,
  aliasEmpty: (alias: unknown) => `alias ${show(alias)} is invalid: give a non-empty name such as "champion"`,
  aliasTooLong: (alias: string, limit: number) =>
    `alias ${show(alias)} is ${alias.length} characters long; the limit is ${limit}`,
  aliasCharacters: (alias: string) => `alias ${show(alias)} is invalid: use only letters, digits, "_" and "-"`,
  aliasLooksLikeVersion: (alias: string) =>
    `alias ${show(alias)} is reserved (it would read as a version in models:/ URIs); choose another, e.g. "champion"`,
  aliasReservedByJs: (alias: string) => `alias ${show(alias)} is reserved by JavaScript; choose another name`,
  descriptionNotString: (what: string, description: unknown) =>
    `${what} description ${show(description)} is invalid: give a string`,
  descriptionTooLong: (what: string, length: number, limit: number) =>
    `${what} description is ${length} characters long; the limit is ${limit}`,
} as const;
