/** `tracklab report`: builds the static site. */
import type { Command } from 'commander';
import { buildReport, formatSummary } from '../report/index.js';
import { collect } from './options.js';


export function addReportCommand(program: Command): void {
  program.command('report').description('build the static HTML report site (default folder site/)')
    .option('--out <dir>', 'output folder', 'site')
    .option('--title <text>', 'site title')
    .option('--experiment <name>', 'only this experiment (repeatable; default all)', collect)
    .option('--no-redact', 'publish secret-looking values as they are')
    .option('--full', 'rebuild every page instead of reusing unchanged runs')
    .action(async (opts: { out: string; title?: string; experiment?: string[]; redact: boolean; full?: boolean }) => {
      const store = program.opts<{ store?: string }>().store;
      const summary = await buildReport({
        ...(store ? { store } : {}),
        out: opts.out,
        ...(opts.title ? { title: opts.title } : {}),
        ...(opts.experiment ? { experiments: opts.experiment } : {}),
        redact: opts.redact,
        incremental: !opts.full,
        progress: true,
      });
      console.log(formatSummary(summary));
    });
}
