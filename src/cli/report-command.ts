/** The `report` command: definition only; the report (Handlebars, markdown-it, vega) loads when it runs. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { collect } from './options.js';
import type { ReportCommandOptions } from './commands/report.js';

/** Adds `tracklab report`. */
export function addReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('build the static HTML report site (default folder site/)')
    .option('--out <dir>', 'output folder', 'site')
    .option('--title <text>', 'site title')
    .option('--experiment <name>', 'only this experiment (repeatable; default all)', collect)
    .option('--no-redact', 'publish secret-looking values as they are')
    .option('--full', 'rebuild every page instead of reusing unchanged runs')
    .action(async (opts: ReportCommandOptions) =>
      ctx.print(await (await import('./commands/report.js')).report(ctx.store, opts)),
    );
}
