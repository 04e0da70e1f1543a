/** The vega and vega-lite UMD builds the site serves define these globals; only what the page uses is typed. */
import type { TopLevelSpec } from 'vega-lite';

export interface VegaView {
  runAsync(): Promise<unknown>;
  finalize(): void;
  change(name: string, changes: unknown): VegaView;
  signal(name: string, value: unknown): VegaView;
  /** Sets the text alternative (the container's aria-label). */
  description(text: string): VegaView;
  /** Pixels from the top left of the view to the plot's origin. */
  origin(): [number, number];
  scale(name: string): VegaScale | undefined;
}

export interface VegaScale {
  (value: number): number;
  invert(px: number): number | Date;
  range(): number[];
}

export interface VegaLoader {
  sanitize: (uri: string, options: unknown) => Promise<unknown>;
  load: (uri: string, options: unknown) => Promise<unknown>;
}

export interface VegaGlobal {
  parse(spec: unknown, config?: unknown, options?: { ast?: boolean }): unknown;
  View: new (runtime: unknown, options: Record<string, unknown>) => VegaView;
  loader(): VegaLoader;
  logger(level: number, method?: string, handler?: (method: string, level: number, input: unknown[]) => void): unknown;
  Warn: number;
  changeset(): VegaChangeset;
}

export interface VegaChangeset {
  remove(pred: () => boolean): VegaChangeset;
  insert(values: unknown[]): VegaChangeset;
}

export interface VegaLiteGlobal {
  compile(spec: TopLevelSpec, options?: { config?: unknown; logger?: unknown }): { spec: unknown };
}

export const vegaGlobal = (): VegaGlobal | undefined => (globalThis as { vega?: VegaGlobal }).vega;
export const vegaLiteGlobal = (): VegaLiteGlobal | undefined => (globalThis as { vegaLite?: VegaLiteGlobal }).vegaLite;

const loading = new Map<string, Promise<boolean>>();

function loadScript(file: string): Promise<boolean> {
  let p = loading.get(file);
  if (!p) {
    p = new Promise((resolve) => {
      const root = document.body.getAttribute('data-root') ?? '';
      const s = document.createElement('script');
      s.src = `${root}assets/${file}`;
      s.async = true;
      s.onerror = () => resolve(false);
      s.onload = () => resolve(true);
      document.head.append(s);
    });
    loading.set(file, p);
  }
  return p;
}

/**
 * Loads vega (preloaded by the page's `<link rel="preload">` where a chart is drawn at once), once, as a non-blocking
 * script: the page parses and paints its tables before its 500 KB are compiled. Resolves false when it fails.
 */
export function vegaReady(): Promise<boolean> {
  if (vegaGlobal()) return Promise.resolve(true);
  return loadScript('vega.min.js').then(() => !!vegaGlobal());
}

/** Loads vega, then vega-lite (its UMD build needs the vega global): only charts written in vega-lite need it. */
export async function vegaLiteReady(): Promise<boolean> {
  if (vegaGlobal() && vegaLiteGlobal()) return true;
  if (!(await vegaReady())) return false;
  return loadScript('vega-lite.min.js').then(() => !!vegaLiteGlobal());
}
