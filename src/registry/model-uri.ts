/**
 * Parsing of model URIs, pure. `runs:/` URIs are parsed in models/runs-uri.ts; `models:/` names a registered version: `models:/name/3`, `models:/name/latest`, `models:/name/<stage>`, `models:/name@alias`.
 * Everything else (`file://`, `http://`, absolute paths, `..`, percent-encoding, `#`, `?`) is refused here, before any
 * store is touched.
 */
import { invalid } from '../core/errors.js';
import { parseRunsUri, RUNS_HINT, type RunsUri } from '../models/runs-uri.js';
import { parseStage, validateAlias, validateModelName, validateVersion } from './registry-validation.js';
import type { ModelStage } from '../store/registry-store.js';

export type ModelRef =
  | { kind: 'version'; name: string; version: number }
  | { kind: 'latest'; name: string }
  | { kind: 'stage'; name: string; stage: ModelStage }
  | { kind: 'alias'; name: string; alias: string };
export type { RunsUri };
export { parseRunsUri };
export type ModelsUri = { kind: 'models' } & { ref: ModelRef };

const show = (uri: unknown): string => JSON.stringify(uri);
const MODELS_HINT = 'give models:/<name>/<version>, models:/<name>/latest, models:/<name>/<stage> or models:/<name>@<alias>';

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

