/**
 * Where a run's drawn history chunks are encoded (publish-histories.ts packDrawn): in this thread, or, for a build of
 * many runs, in a worker thread (history-encode-worker.ts), which a machine with a second core runs beside the main
 * thread's reads, writes and page rendering.
 */
import { Worker } from 'node:worker_threads';
import type { ChunkColumns } from '../core/history-chunk.js';
import { packDrawn, type DrawnPack } from './publish-histories.js';

/** Encodes the drawn chunks of a run, as packDrawn does, possibly in another thread. */
export interface DrawnEncoder {
  encode(chunks: ChunkColumns[]): Promise<DrawnPack>;
  /** Ends the worker thread, if any; later calls encode in this thread. */
  close(): Promise<void>;
  /** Runs encoded so far in a worker thread and in this one. */
  counts(): { worker: number; here: number };
}

/** packDrawn in this thread. */
export function inThreadEncoder(): DrawnEncoder {
  let here = 0;
  return {
    encode: async (chunks) => (here++, packDrawn(chunks)),
    close: async () => {},
    counts: () => ({ worker: 0, here }),
  };
}

interface Job {
  chunks: ChunkColumns[];
  resolve: (pack: DrawnPack) => void;
  reject: (err: unknown) => void;
}

/** A job done here instead: packDrawn's result, or the error it throws (the one the worker reported). */
function inThread(job: Job): void {
  try {
    job.resolve(packDrawn(job.chunks));
  } catch (err) {
    job.reject(err);
  }
}

/** Runs waiting for the worker beyond which the next is encoded here: the worker has no free core to itself. */
const BACKLOG = 2;

/**
 * packDrawn shared with a worker thread: a run goes to the worker when it is ready and has fewer than BACKLOG runs
 * waiting, else is encoded here, so neither its start-up (a few hundred ms on a loaded machine) nor a machine without
 * a free core makes the build wait. Once started, the worker is unreferenced while it has nothing to do, so a
 * forgotten `close` does not keep the process alive. Runs whose encoding fails in the worker, and every run after the worker itself
 * failed, are encoded here, so the error a caller sees is packDrawn's own.
 */
export function workerEncoder(): DrawnEncoder & { ready: Promise<void> } {
  const worker = startWorker();
  const waiting = new Map<number, Job>();
  let next = 0;
  let ready = false;
  let usable = true;
  const counts = { worker: 0, here: 0 };
  // resolved once the worker can take runs, or has failed (then every run is encoded here)
  let started = (): void => {};
  const whenReady = new Promise<void>((resolve) => (started = resolve));
  const take = (id: number): Job | undefined => {
    const job = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    return job;
  };
  worker.on('message', ({ id, pack }: { id: number; pack?: DrawnPack }) => {
    if (id < 0) {
      ready = true;
      worker.unref();
      started();
      return;
    }
    const job = take(id);
    if (job && pack) job.resolve(pack);
    else if (job) inThread(job);
    counts.worker += pack ? 1 : 0;
  });
  const stop = (): void => {
    usable = false;
    started();
    for (const id of [...waiting.keys()]) inThread(take(id)!);
  };
  worker.on('error', stop);
  worker.on('exit', stop);
  return {
    encode(chunks) {
      return new Promise((resolve, reject) => {
        const job = { chunks, resolve, reject };
        if (!usable || !ready || waiting.size >= BACKLOG) {
          counts.here++;
          inThread(job);
          return;
        }
        const id = next++;
        waiting.set(id, job);
        worker.ref();
        worker.postMessage({ id, chunks });
      });
    },
    async close() {
      usable = false;
      await worker.terminate();
    },
    counts: () => ({ ...counts }),
    ready: whenReady,
  };
}

/**
 * The worker thread. Run from source (tests and benchmarks go through tsx), the worker also needs tsx's loader,
 * which Node 20 does not hand to worker threads: a two-line entry registers it first.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('history-encode-worker.js', import.meta.url));
  const entry = new URL('history-encode-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}
