/** `tracklab report`: builds the static site. */
import { buildReport, formatSummary } from '../../report/index.js';

export interface ReportCommandOptions {
  out: string;
  title?: string;
  experiment?: string[];
  redact: boolean;
  full?: boolean;
}

/** Builds the site for the store (`store` undefined: the default store) and returns its summary line. */
export async function report(store: string | undefined, opts: ReportCommandOptions): Promise<string> {
  const summary = await buildReport({
    ...(store ? { store } : {}),
    out: opts.out,
    ...(opts.title ? { title: opts.title } : {}),
    ...(opts.experiment ? { experiments: opts.experiment } : {}),
    redact: opts.redact,
    incremental: !opts.full,
    progress: true,
  });
  return formatSummary(summary);
}
