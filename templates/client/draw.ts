/**
 * Draws a vega-lite spec under the site's CSP: vega-lite compiles to vega, vega parses to an AST (`ast: true`) and
 * vega-interpreter evaluates expressions, so no `eval`/`new Function` is needed and `unsafe-eval` stays off.
 * The loader refuses every URL: a chart (including a user's vega-lite artifact) cannot make the page fetch anything.
 */
import type { TopLevelSpec } from 'vega-lite';
import { fastInterpreter } from './fast-expr.js';
import { PALETTE, PALETTE_DARK } from '../../src/charts/index.js';
import { isDarkTheme } from './theme.js';
import { vegaGlobal, vegaLiteGlobal, vegaLiteReady, vegaReady, type VegaView } from './vega-globals.js';

const views = new WeakMap<Element, VegaView>();
const requests = new WeakMap<Element, number>();
let requested = 0;

/** True when the page shows its dark theme (the reader's choice, else the system setting). */
export const isDark = isDarkTheme;

/** Text colours of the current theme, read from the page's CSS: for specs that colour their own text marks. */
export function ink(): { fg: string; muted: string } {
  const style = getComputedStyle(document.body);
  return { fg: style.color, muted: style.getPropertyValue('--muted').trim() || style.color };
}

/** Colors of the current theme (light or dark), read from the page's CSS. */
function themeConfig(): Record<string, unknown> {
  const style = getComputedStyle(document.body);
  const { fg, muted } = ink();
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

function vegaLiteLogger(el: Element) {
  const log = quiet(el);
  const logger = {
    level: () => logger,
    error: log.bind(null, 'error', 0),
    warn: log.bind(null, 'warn', 0),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** vega-lite compiled and vega parsed: what `new vega.View` takes. */
function parseSpec(el: Element, spec: TopLevelSpec): unknown {
  const compiled = vegaLiteGlobal()!.compile(spec, { config: themeConfig(), logger: vegaLiteLogger(el) }).spec;
  return vegaGlobal()!.parse(compiled, undefined, { ast: true });
}

/** Parsed specs shared by charts with one frame (same axes, runs and size), keyed by the caller and the theme. */
const shared = new Map<string, unknown>();
const SHARED_MAX = 8;

const sharedKey = (key: string): string => `${isDark() ? 'dark' : 'light'}\n${key}`;

function sharedRuntime(key: string, frame: () => unknown): unknown {
  const k = sharedKey(key);
  let runtime = shared.get(k);
  if (runtime === undefined) {
    runtime = vegaGlobal()!.parse(frame(), themeConfig(), { ast: true });
    if (shared.size >= SHARED_MAX) shared.delete(shared.keys().next().value as string);
    shared.set(k, runtime);
  }
  return runtime;
}

/**
 * Waits for vega and, unless the caller schedules its own tasks, a task of its own; false when a newer request for
 * `el` came meanwhile.
 */
async function turn(el: HTMLElement, lite: boolean, ownTask = true): Promise<boolean> {
  const mine = ++requested;
  requests.set(el, mine);
  await (lite ? vegaLiteReady() : vegaReady());
  if (ownTask) await new Promise((r) => setTimeout(r, 0));
  return requests.get(el) === mine;
}

/** Data sets (points by name) and signal values put into a view before it runs. */
export interface ViewInput {
  data: Record<string, unknown[]>;
  signals?: Record<string, unknown>;
  /** the chart's text alternative: vega makes it the container's aria-label */
  description?: string;
}

async function mount(el: HTMLElement, runtime: () => unknown, input: ViewInput = { data: {} }): Promise<boolean> {
  views.get(el)?.finalize();
  views.delete(el);
  el.textContent = '';
  el.classList.remove('chart-error');
  const vega = vegaGlobal();
  if (!vega) {
    el.textContent = 'Charts are unavailable (vega did not load).';
    return false;
  }
  try {
    const view = new vega.View(runtime(), {
      expr: fastInterpreter,
      renderer: 'svg',
      container: el,
      hover: true,
      loader: blockedLoader(),
      logger: vega.logger(vega.Warn, 'warn', quiet(el)),
    });
    for (const [name, values] of Object.entries(input.data)) view.change(name, vega.changeset().insert(values));
    for (const [name, value] of Object.entries(input.signals ?? {})) view.signal(name, value);
    if (input.description) view.description(input.description);
    views.set(el, view);
    await view.runAsync();
    el.setAttribute('data-chart', 'drawn');
    return true;
  } catch (err) {
    el.textContent = `Chart could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
    el.classList.add('chart-error');
    el.setAttribute('data-chart', 'error');
    return false;
  }
}

/**
 * Draws `spec` into `el`, replacing its chart. Each chart is compiled and drawn in a task of its own, so a page asking
 * for several charts at once stays responsive between them; a newer request for the same element wins.
 */
export async function draw(el: HTMLElement, spec: TopLevelSpec): Promise<void> {
  if (!(await turn(el, true))) return;
  if (vegaLiteGlobal()) await mount(el, () => parseSpec(el, spec));
  else el.textContent = 'Charts are unavailable (vega-lite did not load).';
}

/**
 * Draws a chart whose vega spec (`frame`, with empty data sets) is shared by every chart drawn with the same `key`:
 * vega parses it once, and each chart only gets its own data and signal values. `ownTask: false` draws in the
 * caller's task once vega is there (a caller drawing several charts decides when to yield).
 */
export async function drawFramed(
  el: HTMLElement,
  key: string,
  frame: () => unknown,
  input: ViewInput,
  ownTask = true,
): Promise<boolean> {
  if (!(await turn(el, false, ownTask))) return false;
  if (!shared.has(sharedKey(key))) {
    // Parsing a new frame and running its first view are each a good part of a task: they get one each.
    const mine = requests.get(el);
    sharedRuntime(key, frame);
    await new Promise((r) => setTimeout(r, 0));
    if (requests.get(el) !== mine) return false;
  }
  return mount(el, () => sharedRuntime(key, frame), input);
}

/** The frame of the chart drawn in each element, once drawn. */
const frames = new WeakMap<Element, string>();

/**
 * Draws a framed chart (see drawFramed), or swaps its data into the chart drawn in `el` when that has the same frame:
 * a filter or selection change costs a data flow run, not a new view.
 */
export async function drawInFrame(el: HTMLElement, key: string, frame: () => unknown, input: ViewInput): Promise<void> {
  if (frames.get(el) === key && (await replaceData(el, input))) return;
  frames.delete(el);
  if (await drawFramed(el, key, frame, input)) frames.set(el, key);
}

/** The vega view drawn in `el`, if any. */
export const viewOf = (el: Element): VegaView | undefined =>
  el.getAttribute('data-chart') === 'drawn' ? views.get(el) : undefined;

/** The width a chart gets inside `el` (specs use `autosize: fit`, so axes and labels are inside it). */
export const fitWidth = (el: HTMLElement, max: number): number => Math.max(220, Math.min(max, el.clientWidth || max));

/**
 * Replaces the points of named data sets (and sets signals) in a chart already drawn (no compile, no parse): what a
 * smoothing change needs. Returns false when the chart is not drawn, so the caller draws it.
 */
export async function replaceData(el: HTMLElement, input: ViewInput): Promise<boolean> {
  const view = views.get(el);
  const vega = vegaGlobal();
  if (!view || !vega || el.getAttribute('data-chart') !== 'drawn') return false;
  try {
    for (const [name, values] of Object.entries(input.data))
      view.change(
        name,
        vega
          .changeset()
          .remove(() => true)
          .insert(values),
      );
    for (const [name, value] of Object.entries(input.signals ?? {})) view.signal(name, value);
    if (input.description) view.description(input.description);
    await view.runAsync();
    return true;
  } catch {
    return false;
  }
}
