/**
 * Runs started while their MLflow server is unreachable: the run gets a local id and its own queue, whose first
 * operation creates it on the server at sync time (see sync.ts); its experiment is looked up or created by name then.
 */
import { randomBytes } from 'node:crypto';
import type { Experiment, RunRecord } from '../../core/entities.js';
import { newRunRecord, type NewRun } from '../tracking-store.js';
import type { WriterHooks } from './rest-run-writer.js';
import type { Spool } from './spool.js';
import { serverMessages as msg } from './server-messages.js';

/** Stands for an experiment while the server is down; the queue creates or finds it by name on sync. */
export function offlineExperiment(name: string): Experiment {
  return {
    id: `offline:${name}`,
    name,
    lifecycleStage: 'active',
    creationTime: Date.now(),
    lastUpdateTime: Date.now(),
    tags: {},
  };
}

/** Starts a run in the offline queue; logging to it goes on there until `tracklab sync`. */
export function startOfflineRun(hooks: WriterHooks, server: string, input: NewRun): RunRecord {
  const id = randomBytes(16).toString('hex');
  const file = (hooks.spool as Spool).file(`${Date.now().toString(36).padStart(9, '0')}-${id}`);
  const experimentName = input.experimentId.startsWith('offline:') ? input.experimentId.slice('offline:'.length) : '';
  file.append({ op: 'create', experimentName, run: input });
  (hooks.offline ??= new Map()).set(id, file);
  process.stderr.write(`${msg.runStartedOffline(server, id, file.path)}\n`);
  return offlineRecord(id, input);
}

/** The run `id` as its queue started it, when it was started offline and is not synced yet. */
export function queuedOfflineRun(hooks: WriterHooks, id: string): RunRecord | undefined {
  const file = hooks.offline?.get(id) ?? hooks.spool?.forRun(id);
  const create = file?.firstOp();
  return create?.op === 'create' ? offlineRecord(id, create.run) : undefined;
}

function offlineRecord(id: string, input: NewRun): RunRecord {
  return newRunRecord(id, input, { artifactUri: `mlflow-artifacts:/offline/${id}/artifacts` });
}
