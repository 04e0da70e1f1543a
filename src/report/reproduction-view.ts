/** The run page's "Reproduce" rows: the command, why it would fail, and the last reproduction's result. Pure. */
import type { Run } from '../core/entities.js';
import { PROJECT_TAGS, reproduceBlocker, reproduceCommand, reproductionResult } from '../core/reproduction.js';
import { formatNumber } from './format.js';
import { hrefOf } from './paths.js';

export interface ReproductionView {
  command: string;
  /** why `tracklab reproduce` would refuse this run, or '' */
  blocker: string;
  /** e.g. "with uncommitted changes (code/diff.patch)", or '' */
  diff: string;
  result: null | {
    status: string;
    /** status class of the badge: FINISHED for matched, FAILED otherwise */
    badge: string;
    /** the other run: the re-run on an original's page, the original on a re-run's page */
    other: { label: string; id: string; href: string | null };
    rtol: string;
    error: string;
    differences: { kind: string; key: string; original: string; reproduced: string; delta: string }[];
    /** differences left out of the list to keep the tag small */
    more: number;
  };
}

const DIFF_NOTES: Record<string, string> = {
  recorded: 'with uncommitted changes (code/diff.patch)',
  redacted: 'with uncommitted changes (code/diff.patch, secrets redacted)',
  truncated: 'with uncommitted changes larger than the recorded diff',
};

const number = (text: string | undefined): string => (text === undefined ? '(absent)' : formatNumber(Number(text)));

/** Everything the page needs about re-creating `run`; `runsById` gives links to runs on the site. */
export function reproductionView(run: Run, runsById: ReadonlyMap<string, Run>): ReproductionView {
  const r = reproductionResult(run.tags);
  const otherId = r === undefined ? '' : r.reproducedRunId === run.id ? r.originalRunId : r.reproducedRunId;
  return {
    command: reproduceCommand(run.id),
    blocker: reproduceBlocker(run.tags) ?? '',
    diff: DIFF_NOTES[run.tags[PROJECT_TAGS.diff] ?? ''] ?? '',
    result:
      r === undefined
        ? null
        : {
            status: r.status,
            badge: r.status === 'matched' ? 'FINISHED' : 'FAILED',
            other: {
              label: otherId === r.originalRunId ? 'original run' : 're-run',
              id: otherId,
              href: runsById.has(otherId) ? hrefOf(`${otherId}.html`) : null,
            },
            rtol: r.rtol > 0 ? `within rtol ${r.rtol}` : 'exact',
            error: r.error ?? '',
            differences: r.differences.map((d) => ({
              kind: d.kind,
              key: d.key,
              original: d.kind === 'metric' ? number(d.original) : (d.original ?? '(absent)'),
              reproduced: d.kind === 'metric' ? number(d.reproduced) : (d.reproduced ?? '(absent)'),
              delta: d.delta === undefined ? '' : formatNumber(d.delta),
            })),
            more: Math.max(0, r.differenceCount - r.differences.length),
          },
  };
}
