/**
 * Replays the offline queue into the server, exactly once: each run's operations in order, the acknowledgement file
 * replaced after each one the server took (see spool.ts). One sync at a time per queue (a lock file holding the pid).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { badState } from '../../core/errors.js';
import { toKeyValues } from './convert.js';
import { splitLogBatches } from './log-batches.js';
import { ProxiedArtifactRepository } from './rest-artifacts.js';
import type { RestTracking } from './rest-tracking.js';
import type { Spool, SpoolAck, SpoolFile, SpoolOp } from './spool.js';
import { serverMessages as msg } from './server-messages.js';

/** The tag that ties a run created from the queue to its queue, so a replay never creates it twice. */
export const SPOOL_ID_TAG = 'tracklab.spool.id';

export interface SyncProgress {
  run: string;
  done: number;
  total: number;
}

export interface SyncResult {
  /** queued runs fully replayed (and removed from the queue) */
  runs: number;
  operations: number;
  /** runs whose queue is replayed so far but still open (their process may still log) */
  open: number;
  /** local run id -> server run id, for runs created while offline */
  created: Record<string, string>;
}

/** Replays every queued run; `onProgress` is called after each operation. */
export async function syncSpool(
  tracking: RestTracking,
  spool: Spool,
  onProgress?: (p: SyncProgress) => void,
): Promise<SyncResult> {
  const result: SyncResult = { runs: 0, operations: 0, open: 0, created: {} };
  const files = spool.pending();
  if (files.length === 0) return result;
  const release = lock(spool.dir);
  try {
    for (const file of files) {
      const ops = file.read();
      const ack = file.ack();
      for (let i = ack.done; i < ops.length; i += 1) {
        await apply(tracking, file, ops[i] as SpoolOp, ack);
        ack.done = i + 1;
        file.setAck(ack);
        result.operations += 1;
        onProgress?.({ run: ack.runId ?? file.localId, done: ack.done, total: ops.length });
      }
      const create = ops[0]?.op === 'create' ? ops[0] : undefined;
      if (create && ack.runId) result.created[localRunId(file)] = ack.runId;
      if (ops[ops.length - 1]?.op === 'end') {
        file.remove();
        result.runs += 1;
      } else {
        result.open += 1;
      }
    }
  } finally {
    release();
  }
  return result;
}

/** Queue files are named `<time>-<local run id>`. */
const localRunId = (file: SpoolFile): string => file.localId.slice(file.localId.indexOf('-') + 1);

async function apply(tracking: RestTracking, file: SpoolFile, op: SpoolOp, ack: SpoolAck): Promise<void> {
  if (op.op === 'attach') {
    ack.runId = op.runId;
    return;
  }
  if (op.op === 'create') {
    ack.runId = await createOnce(tracking, localRunId(file), op);
    return;
  }
  const runId = ack.runId;
  if (runId === null) throw badState(msg.queueWithoutRun(file.path));
  if (op.op === 'end') {
    await tracking.updateRun(runId, { status: op.status, endTime: op.endTime });
    return;
  }
  if (op.op === 'artifact') {
    const { artifactUri } = await tracking.getRun(runId);
    const repo = new ProxiedArtifactRepository(tracking.client, artifactUri ?? '');
    await repo.upload(op.path, join(file.filesDir, op.file));
    return;
  }
  const points = (op.metrics ?? []).map(([key, value, step, timestamp]) => ({
    key,
    value: Number(value),
    step,
    timestamp,
  }));
  for (const body of splitLogBatches(points, toKeyValues(op.params ?? {}), toKeyValues(op.tags ?? {}))) {
    await tracking.client.call('POST', 'runs/log-batch', { run_id: runId, ...body });
  }
  if (op.inputs && op.inputs.length > 0) await tracking.logBatch(runId, { inputs: op.inputs });
}

/** The server's run for a run started offline: found by its queue tag when an earlier sync created it already. */
async function createOnce(
  tracking: RestTracking,
  localId: string,
  op: Extract<SpoolOp, { op: 'create' }>,
): Promise<string> {
  const real = op.run.experimentId.startsWith('offline:') ? undefined : op.run.experimentId;
  const experimentId = real ?? (await tracking.ensureExperiment(op.experimentName)).id;
  const { runs } = await tracking.searchRuns({
    experimentIds: [experimentId],
    filter: `tags."${SPOOL_ID_TAG}" = '${localId}'`,
    view: 'ALL',
    maxResults: 1,
  });
  if (runs[0]) return runs[0].id;
  const run = await tracking.createRun({ ...op.run, experimentId, tags: { ...op.run.tags, [SPOOL_ID_TAG]: localId } });
  return run.id;
}

function lock(dir: string): () => void {
  const path = join(dir, 'sync.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch {
      const pid = Number(readFileSync(path, 'utf8'));
      if (alive(pid)) throw badState(msg.syncRunning(pid, dir));
      rmSync(path, { force: true }); // left by a sync that was killed
    }
  }
  throw badState(msg.queueUnlockable(dir));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
