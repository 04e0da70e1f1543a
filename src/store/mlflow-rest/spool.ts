/**
 * The offline queue: what a run logs while its MLflow server is unreachable is appended to a local file of operations,
 * one JSON line each, and `tracklab sync` replays it. Beside each file, an acknowledgement file records how many
 * operations the server has taken (and the server's run id); it is replaced atomically after each one, so a sync
 * killed at any point resumes after the last acknowledged operation. The one operation that may be resent after a
 * kill is idempotent on the server (same params, tags overwritten, metric points keyed by key, step, timestamp and
 * value), and runs created from the queue carry the tag `tracklab.spool.id`, looked up before creating: nothing is
 * lost or doubled.
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DatasetInput, RunStatus } from '../../core/entities.js';
import { ioError } from '../../core/errors.js';
import type { NewRun } from '../tracking-store.js';

/** One queued operation. Metric points are [key, value, step, timestamp], values as MLflow JSON writes them. */
export type SpoolOp =
  | { op: 'create'; experimentName: string; run: NewRun }
  | { op: 'attach'; runId: string }
  | {
      op: 'batch';
      metrics?: [string, number | string, number, number][];
      params?: Record<string, string>;
      tags?: Record<string, string>;
      inputs?: DatasetInput[];
    }
  | { op: 'end'; status: RunStatus; endTime: number }
  /** a file for the run's artifacts at `path`, kept in the queue's folder of files as `file` */
  | { op: 'artifact'; path: string; file: string };

export interface SpoolAck {
  runId: string | null;
  done: number;
}

/** Where a server's queue lives: TRACKLAB_SPOOL_DIR, else ~/.tracklab/spool/<host_port>. */
export function spoolDirFor(server: URL, env: NodeJS.ProcessEnv = process.env): string {
  const base = env['TRACKLAB_SPOOL_DIR'] ?? join(homedir(), '.tracklab', 'spool');
  return join(base, `${server.hostname}_${server.port || (server.protocol === 'https:' ? '443' : '80')}`);
}

export class Spool {
  constructor(readonly dir: string) {}

  /** Starts (or continues) the queue of one run. */
  file(localId: string): SpoolFile {
    return new SpoolFile(this.dir, localId);
  }

  /** The queue of run `runId` (a server run id, or the local id of a run started offline), if it has one. */
  forRun(runId: string): SpoolFile | undefined {
    return this.pending().find((f) => f.localId.endsWith(`-${runId}`));
  }

  /** Runs with queued operations, oldest file name first. */
  pending(): SpoolFile[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .map((n) => new SpoolFile(this.dir, n.slice(0, -'.jsonl'.length)));
  }
}

export class SpoolFile {
  readonly path: string;
  private readonly ackPath: string;

  constructor(
    dir: string,
    readonly localId: string,
  ) {
    this.path = join(dir, `${localId}.jsonl`);
    this.ackPath = join(dir, `${localId}.ack.json`);
  }

  /** Appends operations; a kill -9 of this process keeps every line written (the OS has them). */
  append(...ops: SpoolOp[]): void {
    try {
      mkdirSync(join(this.path, '..'), { recursive: true });
      appendFileSync(this.path, ops.map((o) => `${JSON.stringify(o)}\n`).join(''));
    } catch (error) {
      throw ioError('queue offline logging in', this.path, error);
    }
  }

  /** The folder of the artifacts queued with this run. */
  get filesDir(): string {
    return join(this.path, '..', `${this.localId}.files`);
  }

  /**
   * Queues an artifact: the bytes (or a copy of the local file, copied by the OS, not read whole) go into the queue's
   * folder first, then the operation naming them, so a kill in between leaves a stray file, never a missing one.
   */
  addArtifact(path: string, source: { data: Uint8Array } | { file: string }): void {
    const name = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const target = join(this.filesDir, name);
    try {
      mkdirSync(this.filesDir, { recursive: true });
      if ('data' in source) writeFileSync(target, source.data);
      else copyFileSync(source.file, target);
    } catch (error) {
      throw ioError('queue an artifact in', target, error);
    }
    this.append({ op: 'artifact', path, file: name });
  }

  /** The files queued for the run's artifacts by artifact path, the latest queued for a path winning. */
  queuedArtifacts(): Map<string, string> {
    const files = new Map<string, string>();
    if (!existsSync(this.path)) return files;
    // only artifact lines are parsed: the rest may be millions of metric points
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.startsWith('{"op":"artifact"')) continue;
      try {
        const op = JSON.parse(line) as Extract<SpoolOp, { op: 'artifact' }>;
        files.set(op.path, join(this.filesDir, op.file));
      } catch {
        break; // torn by a kill while it was written, as in read()
      }
    }
    return files;
  }

  /** The first operation alone (a queue may hold millions of points); undefined for an empty or missing queue. */
  firstOp(): SpoolOp | undefined {
    if (!existsSync(this.path)) return undefined;
    const fd = openSync(this.path, 'r');
    try {
      const head = Buffer.alloc(256 * 1024);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8');
      const end = text.indexOf('\n');
      return end < 0 ? undefined : (JSON.parse(text.slice(0, end)) as SpoolOp);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** Whether the run was started while its server was unreachable (the server knows nothing of it before sync). */
  get bornOffline(): boolean {
    return this.firstOp()?.op === 'create';
  }

  /** Forces the queue to disk (at the end of a run). */
  sync(): void {
    const fd = openSync(this.path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Every complete operation; a line torn by a kill while it was written is left out. */
  read(): SpoolOp[] {
    const ops: SpoolOp[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        ops.push(JSON.parse(line) as SpoolOp);
      } catch {
        break;
      }
    }
    return ops;
  }

  ack(): SpoolAck {
    return existsSync(this.ackPath)
      ? (JSON.parse(readFileSync(this.ackPath, 'utf8')) as SpoolAck)
      : { runId: null, done: 0 };
  }

  /** Records what the server has taken; atomic (write, fsync, rename). */
  setAck(ack: SpoolAck): void {
    const tmp = `${this.ackPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(ack));
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.ackPath);
  }

  /** Removes a fully replayed queue (the queue first: an ack file alone is ignored and cleaned next time). */
  remove(): void {
    rmSync(this.path, { force: true });
    rmSync(this.ackPath, { force: true });
    rmSync(this.filesDir, { recursive: true, force: true });
  }
}
