/** %report: builds the report site from the kernel, and links to it and to a run's page in it. */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { escapeHtml as esc } from '../core/html-escape.js';
import { buildReport as buildSite, formatSummary } from '../report/index.js';
import { sitePaths } from '../report/paths.js';
import { defaultStorePath } from '../store/resolve-store.js';
import type { Tracker } from '../tracker.js';

export interface MagicReportOptions {
  out: string | undefined;
  experiment: string | undefined;
  title: string | undefined;
}

/** Where %report writes by default: `site/` in the project folder (beside the default store), as the CLI does. */
export const defaultSiteDir = (): string => join(dirname(defaultStorePath()), 'site');

/** %report: builds the static site (incrementally). */
export async function buildReportFromMagic(
  tracker: Tracker,
  o: MagicReportOptions,
): Promise<{ dir: string; href: string; summary: string }> {
  const dir = resolve(o.out ?? defaultSiteDir());
  const summary = await buildSite({
    store: tracker.storeUri,
    out: dir,
    incremental: true,
    ...(o.experiment === undefined ? {} : { experiments: [o.experiment] }),
    ...(o.title === undefined ? {} : { title: o.title }),
  });
  const href = relative(process.cwd(), resolve(dir, 'index.html')).split('\\').join('/');
  return { dir, href, summary: formatSummary(summary) };
}

const newTab = (href: string, text: string): string =>
  `<a href="${esc(encodeURI(href))}" target="_blank" rel="noopener">${esc(text)}</a>`;

/** The line %report shows: the summary and a link that opens the site in a new tab, and one to the last run's page. */
export function reportLink(summary: string, href: string, run?: { name: string; href: string }): string {
  const runLink = run ? ` · ${newTab(run.href, `view run ${run.name}`)}` : '';
  return `<p>${esc(summary)}: ${newTab(href, 'open the report')}${runLink}</p>`;
}

/** The address of a run's page in a built site, given the site's index address; undefined when it has no page yet. */
export function runPageHref(siteDir: string, indexHref: string, runId: string): string | undefined {
  const page = sitePaths.run(runId);
  if (!existsSync(join(siteDir, page))) return undefined;
  return indexHref.replace(/index\.html$/, '') + page;
}

/** The %end_run summary's link to the run's page in the last built report, when that report has one. */
export function runPageLink(href: string): string {
  return `<p>${newTab(href, 'view run in the report')} (as of the last %report)</p>`;
}
