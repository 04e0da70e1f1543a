/** The vega and vega-lite UMD builds the site serves define these globals; only what the page uses is typed. */
import type { TopLevelSpec } from 'vega-lite';

export interface VegaView {
  runAsync(): Promise<unknown>;
  finalize(): void;
  change(name: string, changes: unknown): VegaView;
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
  changeset(): { remove(pred: () => boolean): { insert(values: unknown[]): unknown } };
}

export interface VegaLiteGlobal {
  compile(spec: TopLevelSpec, options?: { config?: unknown; logger?: unknown }): { spec: unknown };
}

export const vegaGlobal = (): VegaGlobal | undefined => (globalThis as { vega?: VegaGlobal }).vega;
export const vegaLiteGlobal = (): VegaLiteGlobal | undefined => (globalThis as { vegaLite?: VegaLiteGlobal }).vegaLite;

let loading: Promise<boolean> | null = null;

/**
 * Loads vega then vega-lite (preloaded by the page's `<link rel="preload">`) as ordered, non-blocking scripts, once.
 * The page parses and paints its tables before these 770 KB of script are compiled. Resolves false when they fail.
 */
export function vegaReady(): Promise<boolean> {
  if (vegaGlobal() && vegaLiteGlobal()) return Promise.resolve(true);
  loading ??= new Promise((resolve) => {
    const root = document.body.getAttribute('data-root') ?? '';
    const add = (file: string, last: boolean): void => {
      const s = document.createElement('script');
      s.src = `${root}assets/${file}`;
      // Ordered: vega-lite's UMD build needs the vega global.
      s.async = false;
      s.onerror = () => resolve(false);
      if (last) s.onload = () => resolve(!!(vegaGlobal() && vegaLiteGlobal()));
      document.head.append(s);
    };
    add('vega.min.js', false);
    add('vega-lite.min.js', true);
  });
  return loading;
}
