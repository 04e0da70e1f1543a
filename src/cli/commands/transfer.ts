/** `tracklab import` and `tracklab export`: copy data between any two stores, with a progress bar and a summary. */
import { defaultStorePath } from '../../store/resolve-store.js';
import { formatTransferSummary, transfer, type TransferSummary } from '../../transfer/index.js';

export interface TransferCommandOptions {
  dryRun?: boolean;
  json?: boolean;
}
export interface ImportOptions extends TransferCommandOptions {
  into?: string;
}

/** The store a command works on: --store, else TRACKLAB_STORE, else the default folder. */
const here = (store: string | undefined): string => store ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath();

/** `tracklab import SRC... [--into DST]`: copies every source into DST (default the current store). */
export function importStores(store: string | undefined, sources: string[], opts: ImportOptions): Promise<string> {
  return runTransfer(sources, opts.into ?? here(store), opts);
}

/** `tracklab export DST`: copies the current store into DST. */
export function exportStore(
  store: string | undefined,
  destination: string,
  opts: TransferCommandOptions,
): Promise<string> {
  return runTransfer([here(store)], destination, opts);
}

/**
 * Copies `sources` into `destination` and returns the summary (text or JSON). Sets exit status 5 when a copy reads
 * back different from its source. A progress bar goes to stderr when it is a terminal.
 */
export async function runTransfer(
  sources: string[],
  destination: string,
  opts: TransferCommandOptions,
): Promise<string> {
  const bar = process.stderr.isTTY === true && opts.json !== true ? await progressBar() : undefined;
  let summary: TransferSummary;
  try {
    summary = await transfer(sources, destination, {
      dryRun: opts.dryRun === true,
      ...(bar
        ? {
            onProgress: (done: number, total: number) => {
              if (done === 0) bar.start(total, 0);
              else bar.update(done);
            },
          }
        : {}),
    });
  } finally {
    bar?.stop();
  }
  if (summary.verified.mismatches.length > 0) process.exitCode = 5;
  return opts.json ? JSON.stringify(summary, null, 2) : formatTransferSummary(summary);
}

async function progressBar() {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar(
    { format: 'copying [{bar}] {value}/{total} runs and model versions', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
}
