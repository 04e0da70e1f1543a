/**
 * Parsing of model URIs, pure. `runs:/<run id>/<path>` names a model folder in a run's artifacts; `models:/` names a
 * registered version: `models:/name/3`, `models:/name/latest`, `models:/name/<stage>`, `models:/name@alias`.
 * Everything else (`file://`, `http://`, absolute paths, `..`, percent-encoding, `#`, `?`) is refused here, before any
 * store is touched.
 */
import { invalid } from '../core/errors.js';
import { validateArtifactPath, validateRunId } from '../core/validation.js';
import { parseStage, validateAlias, validateModelName, validateVersion } from '../registry/registry-validation.js';
import type { ModelStage } from '../store/registry-store.js';

export interface RunsUri { kind: 'runs'; runId: string; path: string }
export type ModelRef =
  | { kind: 'version'; name: string; version: number }
  | { kind: 'latest'; name: string }
  | { kind: 'stage'; name: string; stage: ModelStage }
  | { kind: 'alias'; name: string; alias: string };
export type ModelsUri = { kind: 'models' } & { ref: ModelRef };

const show = (uri: unknown): string => JSON.stringify(uri);
const RUNS_HINT = 'give runs:/<run id>/<path>, e.g. runs:/3f2a9c.../model';
const MODELS_HINT = 'give models:/<name>/<version>, models:/<name>/latest, models:/<name>/<stage> or models:/<name>@<alias>';

/** @example parseRunsUri('runs:/3f2a9c/model') // { kind: 'runs', runId: '3f2a9c', path: 'model' } */
export function parseRunsUri(uri: unknown): RunsUri {
  if (typeof uri !== 'string' || !uri.startsWith('runs:/')) {
    throw invalid(`model source ${show(uri)} is refused: only artifacts of a run in this store can be registered; ${RUNS_HINT}`);
  }
  const rest = uri.slice('runs:/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) throw invalid(`model source ${show(uri)} is invalid: ${RUNS_HINT}`);
  const runId = validateRunId(rest.slice(0, slash));
  const path = validateArtifactPath(rest.slice(slash + 1), `model path in ${show(uri)}`);
  return { kind: 'runs', runId, path };
}

/** @example parseModelsUri('models:/iris-rf@champion') // { kind: 'models', ref: { kind: 'alias', name: 'iris-rf', alias: 'champion' } } */
export function parseModelsUri(uri: unknown): ModelsUri {
  if (typeof uri !== 'string' || !uri.startsWith('models:/')) throw invalid(`model URI ${show(uri)} is invalid: ${MODELS_HINT}`);
  const rest = uri.slice('models:/'.length);
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    return { kind: 'models', ref: { kind: 'alias', name: nameOf(rest.slice(0, at), uri), alias: validateAlias(rest.slice(at + 1)) } };
  }
  const parts = rest.split('/');
  if (parts.length !== 2) throw invalid(`model URI ${show(uri)} is invalid: ${MODELS_HINT}`);
  const name = nameOf(parts[0] ?? '', uri);
  const selector = parts[1] ?? '';
  if (/^\d+$/.test(selector)) return { kind: 'models', ref: { kind: 'version', name, version: validateVersion(selector) } };
  if (selector.toLowerCase() === 'latest') return { kind: 'models', ref: { kind: 'latest', name } };
  try {
    return { kind: 'models', ref: { kind: 'stage', name, stage: parseStage(selector) } };
  } catch {
    throw invalid(`model URI ${show(uri)} is invalid: "${selector}" is not a version, "latest" or a stage; ${MODELS_HINT}`);
  }
}

/** Either form, for loadModel. */
export function parseModelUri(uri: unknown): RunsUri | ModelsUri {
  if (typeof uri === 'string' && uri.startsWith('models:/')) return parseModelsUri(uri);
  if (typeof uri === 'string' && uri.startsWith('runs:/')) return parseRunsUri(uri);
  throw invalid(`model URI ${show(uri)} is refused: ${RUNS_HINT}, or ${MODELS_HINT}`);
}

function nameOf(text: string, uri: string): string {
  try {
    return validateModelName(text);
  } catch {
    throw invalid(`model URI ${show(uri)} is invalid: ${show(text)} is not a model name; ${MODELS_HINT}`);
  }
}

export const runsUri = (runId: string, path: string): string => `runs:/${runId}/${path}`;
