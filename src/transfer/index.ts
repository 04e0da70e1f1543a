/**
 * Moving data between any two stores: `transfer([src...], dst)` copies experiments (merged by name), runs (kept by
 * id: identical ones are skipped, different ones reported), every metric point, artifacts and registered models.
 * Importing twice changes nothing; a dry run counts without writing. Several sources merge into one destination.
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.js';
import { transferMessages } from './messages.js';
import { openBackend } from '../store/resolve-store.js';
import type { Backend } from '../store/backend.js';
import { copyExperiments, runsOf, type TransferContext } from './copy-runs.js';
import { copyModels } from './copy-models.js';
import { emptySummary, type TransferSummary } from './summary.js';

export { formatTransferSummary, type TransferSummary } from './summary.js';

export interface TransferOptions {
  dryRun?: boolean;
  /** told the total first (runs + model versions of every source), then each item done */
  onProgress?: (done: number, total: number) => void;
  cwd?: string;
}

/**
 * Copies everything in `sources` (store locations or URIs) into `destination`.
 * @example const summary = await transfer(['./alice/mlruns', './bob/tracklab'], './class'); summary.runs.copied
 */
export async function transfer(
  sources: readonly string[],
  destination: string,
  options: TransferOptions = {},
): Promise<TransferSummary> {
  const opened: Backend[] = [];
  for (const source of sources) opened.push(await openBackend(source, options.cwd));
  // a dry run into a folder that does not exist yet leaves no folder behind
  const newFolder = options.dryRun === true ? newLocalFolder(destination, options.cwd) : undefined;
  const dest = await openBackend(destination, options.cwd);
  try {
    return await transferBackends(opened, dest, options);
  } finally {
    for (const b of opened) await b.close();
    await dest.close();
    if (newFolder !== undefined) rmSync(newFolder, { recursive: true, force: true });
  }
}

function newLocalFolder(location: string, cwd = process.cwd()): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(location)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme.length > 1 && scheme !== 'file' && scheme !== 'mlruns') return undefined;
  const rest = scheme === undefined || scheme.length === 1 ? location : location.slice(scheme.length + 1);
  const path = rest.startsWith('//') ? fileURLToPath(`file:${rest}`) : resolve(cwd, rest);
  return existsSync(path) ? undefined : path;
}

/** The same, between backends already open. */
export async function transferBackends(
  sources: readonly Backend[],
  dest: Backend,
  options: TransferOptions = {},
): Promise<TransferSummary> {
  for (const src of sources) {
    if (src.uri === dest.uri) throw invalid(transferMessages.sameStore(dest.uri));
  }
  const summary = emptySummary(
    sources.map((s) => s.uri),
    dest.uri,
    options.dryRun === true,
  );
  const total = options.onProgress ? await countItems(sources) : 0;
  let done = 0;
  options.onProgress?.(0, total);
  for (const src of sources) {
    const ctx: TransferContext = {
      src,
      dest,
      summary,
      dryRun: options.dryRun === true,
      tick: () => {
        done += 1;
        options.onProgress?.(done, total);
      },
    };
    await copyExperiments(ctx);
    await copyModels(ctx);
  }
  if (options.dryRun !== true) await dest.sync?.();
  summary.notHeld = [...new Set(summary.notHeld)];
  return summary;
}

async function countItems(sources: readonly Backend[]): Promise<number> {
  let n = 0;
  for (const src of sources) {
    for (const e of await src.tracking.listExperiments('ALL')) for await (const _ of runsOf(src, e)) n += 1;
    for (const m of (await src.registry?.listRegisteredModels()) ?? []) n += m.versions.length;
  }
  return n;
}
