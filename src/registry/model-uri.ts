/**
 * Parsing of model URIs, pure. `runs:/` URIs are parsed in models/runs-uri.ts; `models:/` names a registered version:
 * `models:/name/3`, `models:/name/latest`, `models:/name/<stage>`, `models:/name@alias`. Everything else (`file://`,
 * `http://`, absolute paths, `..`, percent-encoding, `#`, `?`) is refused here, before any store is touched.
 */
import { invalid } from '../core/errors.js';
import { registryMessages as msg } from './messages.js';
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

/**
 * @example
 * parseModelsUri('models:/iris-rf@champion');
 * // { kind: 'models', ref: { kind: 'alias', name: 'iris-rf', alias: 'champion' } }
 */
export function parseModelsUri(uri: unknown): ModelsUri {
  if (typeof uri !== 'string' || !uri.startsWith('models:/')) throw invalid(msg.badModelsUri(show(uri)));
  const rest = uri.slice('models:/'.length);
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    return {
      kind: 'models',
      ref: { kind: 'alias', name: nameOf(rest.slice(0, at), uri), alias: validateAlias(rest.slice(at + 1)) },
    };
  }
  const parts = rest.split('/');
  if (parts.length !== 2) throw invalid(msg.badModelsUri(show(uri)));
  const name = nameOf(parts[0] ?? '', uri);
  const selector = parts[1] ?? '';
  if (/^\d+$/.test(selector))
    return { kind: 'models', ref: { kind: 'version', name, version: validateVersion(selector) } };
  if (selector.toLowerCase() === 'latest') return { kind: 'models', ref: { kind: 'latest', name } };
  try {
    return { kind: 'models', ref: { kind: 'stage', name, stage: parseStage(selector) } };
  } catch {
    throw invalid(msg.badSelector(show(uri), selector));
  }
}

/** Either form, for loadModel. */
export function parseModelUri(uri: unknown): RunsUri | ModelsUri {
  if (typeof uri === 'string' && uri.startsWith('models:/')) return parseModelsUri(uri);
  if (typeof uri === 'string' && uri.startsWith('runs:/')) return parseRunsUri(uri);
  throw invalid(msg.badModelUri(show(uri), RUNS_HINT));
}

function nameOf(text: string, uri: string): string {
  try {
    return validateModelName(text);
  } catch {
    throw invalid(msg.badNameInUri(show(uri), show(text)));
  }
}
