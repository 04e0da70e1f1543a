/**
 * The real MLflow 2.12.2 beside the repository (../shared/mlflow-server, see its README), for interop tests. Tests skip
 * with `MLFLOW_SKIP` as the reason when it is not there (a fresh clone elsewhere) or cannot import mlflow.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

function findServerDir(): string | undefined {
  const candidates = [
    process.env['TRACKLAB_MLFLOW_SERVER_DIR'],
    join(repoRoot, '..', 'shared', 'mlflow-server'),
    join(repoRoot, '..', '..', 'shared', 'mlflow-server'), // a git worktree one level deeper
  ];
  return candidates.find((dir) => dir !== undefined && existsSync(join(dir, 'python.sh')));
}

const serverDir = findServerDir();

function skipReason(): string | false {
  if (serverDir === undefined) {
    return 'real MLflow not found: set TRACKLAB_MLFLOW_SERVER_DIR or place ../shared/mlflow-server (pip install mlflow==2.12.2 gives the same)';
  }
  const probe = spawnSync(join(serverDir, 'python.sh'), ['-c', 'import mlflow'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `MLflow at ${serverDir} does not import (run its install-deps.sh): ${probe.stderr.trim().split('\n').pop()}`;
  return false;
}

/** false when real MLflow can run, else why the interop tests skip. */
export const MLFLOW_SKIP: string | false = skipReason();

/** Runs a Python script with MLflow importable; `args` reach it as sys.argv[1:]. Returns its stdout. */
export function runMlflowPython(script: string, ...args: string[]): string {
  if (serverDir === undefined) throw new Error('real MLflow is not available');
  const r = spawnSync(join(serverDir, 'python.sh'), ['-c', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', GIT_PYTHON_REFRESH: 'quiet' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0)
    throw new Error(`MLflow's python failed (${r.status}): ${r.stderr.trim().split('\n').slice(-6).join('\n')}`);
  return r.stdout;
}

/** The python.sh that runs Python with MLflow importable, for tests that start it as a process of their own. */
export function mlflowPythonPath(): string {
  if (serverDir === undefined) throw new Error('real MLflow is not available');
  return join(serverDir, 'python.sh');
}

/** What the interop tests' read-back script prints: a store as MLflow's own client sees it. */
export interface MlflowReadBack {
  experiments: [string, string, string | null][];
  search: string[];
  runs: Record<
    string,
    {
      id: string;
      status: string;
      stage: string;
      parent: string | null;
      params: Record<string, string>;
      metrics: Record<string, number | string>;
      inputs: unknown[];
      artifacts: string[];
    }
  >;
  history: [number, number | string][];
  model: { versions: unknown[][]; aliases: Record<string, unknown>; description: string };
  champion: number;
  mlmodel: Record<string, unknown>;
}
