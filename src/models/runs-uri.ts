/** `runs:/<run id>/<path>`: a model folder in a run's artifacts. Pure; refused before any store is touched. */
import { invalid } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';
import { validateArtifactPath, validateRunId } from '../core/validation.js';

export interface RunsUri {
  kind: 'runs';
  runId: string;
  path: string;
}

const show = (uri: unknown): string => JSON.stringify(uri);
export const RUNS_HINT = msg.runsHint();

/** @example parseRunsUri('runs:/3f2a9c/model') // { kind: 'runs', runId: '3f2a9c', path: 'model' } */
export function parseRunsUri(uri: unknown): RunsUri {
  if (typeof uri !== 'string' || !uri.startsWith('runs:/')) {
    throw invalid(msg.sourceNotRuns(uri));
  }
  const rest = uri.slice('runs:/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) throw invalid(msg.sourceInvalid(uri));
  const runId = validateRunId(rest.slice(0, slash));
  const path = validateArtifactPath(rest.slice(slash + 1), `model path in ${show(uri)}`);
  return { kind: 'runs', runId, path };
}

/** @example runsUri('3f2a9c', 'model') // 'runs:/3f2a9c/model' */
export const runsUri = (runId: string, path: string): string => `runs:/${runId}/${path}`;
