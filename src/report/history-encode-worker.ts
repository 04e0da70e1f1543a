/**
 * The thread that encodes runs' drawn history chunks during a large report build (history-encoder.ts workerEncoder):
 * packDrawn's result for each message, or no pack when it throws (the caller then encodes that run itself and gets
 * the error). Its first message (id -1) says it is ready.
 */
import { parentPort } from 'node:worker_threads';
import type { ChunkColumns } from '../core/history-chunk.js';
import { packDrawn } from './publish-histories.js';

parentPort?.on('message', ({ id, chunks }: { id: number; chunks: ChunkColumns[] }) => {
  try {
    parentPort!.postMessage({ id, pack: packDrawn(chunks) });
  } catch {
    parentPort!.postMessage({ id });
  }
});
parentPort?.postMessage({ id: -1 });
