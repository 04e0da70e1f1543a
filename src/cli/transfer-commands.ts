/** `tracklab import` and `tracklab export`: copy data between any two stores, with a progress bar and a summary. */
import type { Command } from 'commander';
import type { TransferSummary } from '../transfer/index.js';
import { defaultStorePath } from '../store/resolve-store.js';

export interface TransferCommandOptions {
  sources: string[];
  destination: string;
  dryRun: boolean;
  json: boolean;
  /** show a progress bar on stderr (a terminal) */
  progress: boolean;
}

/**
 * Copies `sources` into `destination`, prints the summary (text or JSON) and returns it. Exit status 5 when a copy
 * reads back different from its source.
 */
export async function runTransfer(o: TransferCommandOptions): Promise<TransferSummary> {
  const { transfer, formatSummary } = await import('../transfer/index.js');
  const bar = o.progress ? await progressBar() : undefined;
  try {
    const summary = await transfer(o.sources, o.destination, {
      dryRun: o.dryRun,
      ...(bar ? { onProgress: (done: number, total: number) => { if (done === 0) bar.start(total, 0); else bar.update(done); } } : {}),
    });
    bar?.stop();
    console.log(o.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    if (summary.verified.mismatches.length > 0) process.exitCode = 5;
    return summary;
  } finally {
    bar?.stop();
  }
}

async function progressBar() {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar({ format: 'copying [{bar}] {value}/{total} runs and model versions', stream: process.stderr },
    cliProgress.Presets.shades_classic);
}

export function addTransferCommands(program: Command): void {
  const store = (): string => program.opts<{ store?: string }>().store ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath();
  program.command('import').description('copy experiments, runs, artifacts and models from other stores into this one')
    .argument('<sources...>', 'store folders or URIs (an mlruns folder, a tracklab folder, mlruns:PATH, ...)')
    .option('--into <store>', 'destination store (default: --store, else the default store)')
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (sources: string[], opts: { into?: string; dryRun?: boolean; json?: boolean }) => {
      await runTransfer({
        sources, destination: opts.into ?? store(), dryRun: opts.dryRun === true, json: opts.json === true,
        progress: process.stderr.isTTY === true && opts.json !== true,
      });
    });
  program.command('export').description('copy this store into another (e.g. mlruns:./mlruns for MLflow)')
    .argument('<destination>', 'store folder or URI; a new folder named mlruns, or mlruns:PATH, gets MLflow\'s layout')
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (destination: string, opts: { dryRun?: boolean; json?: boolean }) => {
      await runTransfer({
        sources: [store()], destination, dryRun: opts.dryRun === true, json: opts.json === true,
        progress: process.stderr.isTTY === true && opts.json !== true,
      });
    });
}
