/**
 * The owner's side of a run in the JSON store. Only this process writes the run's run.json and metrics.jsonl while the
 * run is RUNNING, so its writes need no cross-process lock: they go through a unique temp file and a rename, after
 * folding in what other processes appended to updates.jsonl. The final write takes the run's lock, so a change another
 * process makes at that moment is either folded in or applied by that process afterwards, never lost.
 */
import { dirname, join } from 'node:path';
import type { RunStatus } from '../../core/entities.js';
import { badState, invalid } from '../../core/errors.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import type { RunBatch, RunWriter } from '../tracking-store.js';
import { fsyncDirs, writeFileAtomicDurable, writeFileAtomicSync } from './atomic-file.js';
import { withLock } from './lock.js';
import { MetricLog } from './metric-log.js';
import { applyUpdate, foldUpdates, type RunUpdateLine } from './run-updates.js';
import type { StoredRun } from './shapes.js';

export const serializeRun = (run: StoredRun): string => `${JSON.stringify(run, nonFiniteReplacer, 2)}\n`;

export class JsonRunWriter implements RunWriter {
  private readonly log: MetricLog;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly runFile: string;
  private readonly updatesFile: string;

  constructor(readonly dir: string, private readonly run: StoredRun, private readonly onEnd: () => void) {
    this.log = new MetricLog(join(dir, 'metrics.jsonl'), run.metrics);
    this.runFile = join(dir, 'run.json');
    this.updatesFile = join(dir, 'updates.jsonl');
  }

  get id(): string { return this.run.id; }

  appendMetric(key: string, value: number, step: number, timestamp: number): void {
    this.log.append(key, value, step, timestamp);
  }

  logBatch(batch: RunBatch): Promise<void> {
    return this.serial(() => {
      const run = this.run;
      foldUpdates(run, this.updatesFile);
      if (run.lifecycleStage === 'deleted') throw badState(`run ${run.id} is deleted; restore it with \`tracklab runs restore ${run.id}\` before logging to it`);
      for (const [key, value] of Object.entries(batch.params ?? {})) {
        const old = run.params[key];
        if (old !== undefined && old !== value) {
          throw invalid(`changing param values is not allowed: param "${key}" of run ${run.id} is "${old}", got "${value}"; log it under another key or start a new run`);
        }
      }
      Object.assign(run.params, batch.params);
      Object.assign(run.tags, batch.tags);
      for (const input of batch.inputs ?? []) {
        const i = run.inputs.findIndex((x) => x.name === input.name && x.digest === input.digest);
        if (i === -1) run.inputs.push(input);
        else run.inputs[i] = input;
      }
      this.write();
    });
  }

  /** A change asked for through the store by this same process (e.g. tracker.setTag on its own active run). */
  applyHere(update: RunUpdateLine): Promise<void> {
    return this.serial(() => {
      applyUpdate(this.run, update);
      this.write();
    });
  }

  flush(): Promise<void> {
    return this.serial(() => {
      this.log.writeOut();
      if (this.log.dirty) this.write();
    });
  }

  end(status: RunStatus, endTime: number): Promise<void> {
    return this.serial(async () => {
      this.log.writeOut();
      await withLock(this.runFile, async () => {
        foldUpdates(this.run, this.updatesFile);
        this.run.status = status;
        this.run.endTime = endTime;
        this.log.dirty = false;
        await writeFileAtomicDurable(this.runFile, serializeRun(this.run), () => this.log.sync());
      });
      this.log.close();
      await fsyncDirs([this.dir, dirname(this.dir)]);
      this.onEnd();
    });
  }

  /** Writes run.json (not fsynced: a crash of this process keeps it, power loss may not until end()). */
  private write(): void {
    this.log.writeOut();
    this.log.dirty = false;
    foldUpdates(this.run, this.updatesFile);
    writeFileAtomicSync(this.runFile, serializeRun(this.run), false);
  }

  /** Runs changes one after another so a slow write never interleaves with the next. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes buffered points synchronously (process exit). */
  writeOutNow(): void {
    this.log.writeOut();
  }
}
