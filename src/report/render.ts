/**
 * Phase 4: view model -> HTML with Handlebars. Values are always inserted with `{{ }}` (HTML-escaped; Handlebars never
 * evaluates template syntax found inside a value). The only raw insertions are `{{{body}}}` (our own rendered page),
 * `{{{noteHtml}}}` (markdown-it with HTML disabled) and `{{{json x}}}` (safeJson: no `<` can appear).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { safeJson } from './safe-json.js';

/**
 * Every page's policy. No inline script or style, nothing from another host. Vega runs without `unsafe-eval`
 * because the page parses specs to an AST and evaluates expressions with vega-interpreter.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export type PageName = 'index' | 'experiment' | 'run' | 'compare' | 'model';
export const PAGE_NAMES: readonly PageName[] = ['index', 'experiment', 'run', 'compare', 'model'];

export interface Frame {
  /** path back to the site root: '' or '../' */
  root: string;
  pageTitle: string;
  /** load vega and vega-lite */
  charts: boolean;
  dataScripts?: string[];
  /**
   * The page's data, put in `<head>` with the page's early-load script (`assets/<page>-boot.js`) so that script can
   * start loading what the page will draw before the body is parsed (compare: the run index).
   */
  headData?: object;
}

export interface Renderer {
  render(page: PageName, model: object, frame: Frame): string;
  /** fingerprint of the templates, part of each run's incremental-build key */
  readonly hash: string;
}

const GROUP_LABELS: Record<string, string> = { attr: '', param: 'param', metric: 'metric', tag: 'tag' };

export function createRenderer(templatesDir: string, siteTitle: string, builtAt?: string): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('json', (value: unknown) => new hb.SafeString(safeJson(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('groupLabel', (g: string) => GROUP_LABELS[g] ?? '');
  const read = (name: string): string => readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8');
  const sources = new Map<string, string>([
    ['layout', read('layout')],
    ['notebook', read('notebook')],
    ...PAGE_NAMES.map((p): [string, string] => [p, read(p)]),
  ]);
  hb.registerPartial('notebook', sources.get('notebook') as string);
  const compile = (name: string): HandlebarsTemplateDelegate =>
    hb.compile(sources.get(name), { strict: true, preventIndent: true });
  const layout = compile('layout');
  const pages = new Map(PAGE_NAMES.map((p) => [p, compile(p)]));
  const hash = [...sources.values()].join('\u0000');
  return {
    hash,
    render(page, model, frame) {
      const common = { siteTitle, root: frame.root };
      const body = (pages.get(page) as HandlebarsTemplateDelegate)({ ...common, ...model });
      return layout({ ...common, ...frame, csp: CSP, page, body, builtAt });
    },
  };
}
