/**
 * Draws a vega-lite spec under the site's CSP: vega-lite compiles to vega, vega parses to an AST (`ast: true`) and
 * vega-interpreter evaluates expressions, so no `eval`/`new Function` is needed and `unsafe-eval` stays off.
 * The loader refuses every URL: a chart (including a user's vega-lite artifact) cannot make the page fetch anything.
 */
import type { TopLevelSpec } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';
import { PALETTE, PALETTE_DARK } from '../../src/charts/index.js';
import { isDarkTheme } from './theme.js';
import { vegaGlobal, vegaLiteGlobal, vegaReady, type VegaView } from './vega-globals.js';

const views = new WeakMap<Element, VegaView>();
const requests = new WeakMap<Element, number>();
let requested = 0;

/** True when the page shows its dark theme (the reader's choice, else the system setting). */
export const isDark = isDarkTheme;

/** Colors of the current theme (light or dark), read from the page's CSS. */
function themeConfig(): Record<string, unknown> {
  const style = getComputedStyle(document.body);
  const fg = style.color;
  const muted = style.getPropertyValue('--muted').trim() || fg;
  const line = style.getPropertyValue('--line').trim() || muted;
  return {
    background: null,
    title: { color: fg },
    axis: { labelColor: muted, titleColor: fg, domainColor: line, tickColor: line, gridColor: line },
    legend: { labelColor: muted, titleColor: fg },
    range: { category: isDark() ? PALETTE_DARK : PALETTE },
    mark: { color: isDark() ? PALETTE_DARK[0] : PALETTE[0] },
  };
}

const quiet =
  (el: Element) =>
  (_method: string, _level: number, input: unknown[]): void => {
    el.setAttribute('data-chart-log', input.map(String).join(' ').slice(0, 300));
  };

function blockedLoader() {
  const loader = vegaGlobal()!.loader();
  const refuse = (): Promise<never> => Promise.reject(new Error('tracklab: charts may not load external resources'));
  loader.sanitize = refuse;
  loader.load = refuse;
  return loader;
}

/**
 * Draws `spec` into `el`, replacing its chart. Each chart is compiled and drawn in a task of its own, so a page asking
 * for several charts at once stays responsive between them; a newer request for the same element wins.
 */
export async function draw(el: HTMLElement, spec: TopLevelSpec): Promise<void> {
  const mine = ++requested;
  requests.set(el, mine);
  await vegaReady();
  await new Promise((r) => setTimeout(r, 0));
  if (requests.get(el) !== mine) return;
  views.get(el)?.finalize();
  el.textContent = '';
  el.classList.remove('chart-error');
  const vega = vegaGlobal();
  const vl = vegaLiteGlobal();
  if (!vega || !vl) {
    el.textContent = 'Charts are unavailable (vega did not load).';
    return;
  }
  try {
    const log = quiet(el);
    const logger = {
      level: () => logger,
      error: log.bind(null, 'error', 0),
      warn: log.bind(null, 'warn', 0),
      info: () => logger,
      debug: () => logger,
    };
    const compiled = vl.compile(spec, { config: themeConfig(), logger }).spec;
    const runtime = vega.parse(compiled, undefined, { ast: true });
    const view = new vega.View(runtime, {
      expr: expressionInterpreter,
      renderer: 'svg',
      container: el,
      hover: true,
      loader: blockedLoader(),
      logger: vega.logger(vega.Warn, 'warn', quiet(el)),
    });
    views.set(el, view);
    await view.runAsync();
    el.setAttribute('data-chart', 'drawn');
  } catch (err) {
    el.textContent = `Chart could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
    el.classList.add('chart-error');
    el.setAttribute('data-chart', 'error');
  }
}

/** The width a chart gets inside `el` (specs use `autosize: fit`, so axes and labels are inside it). */
export const fitWidth = (el: HTMLElement, max: number): number => Math.max(220, Math.min(max, el.clientWidth || max));

/**
 * Replaces the points of a named data set in a chart already drawn (no compile, no parse): what a smoothing change
 * needs. Returns false when the chart is not drawn, so the caller draws it.
 */
export async function replaceData(el: HTMLElement, name: string, values: unknown[]): Promise<boolean> {
  const view = views.get(el);
  const vega = vegaGlobal();
  if (!view || !vega || el.getAttribute('data-chart') !== 'drawn') return false;
  try {
    await view
      .change(
        name,
        vega
          .changeset()
          .remove(() => true)
          .insert(values),
      )
      .runAsync();
    return true;
  } catch {
    return false;
  }
}
