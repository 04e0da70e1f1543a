/**
 * Every text the model registry shows a user, in one place so tests can assert on them. Each names the offending value
 * and says what to do.
 */
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
} as const;
