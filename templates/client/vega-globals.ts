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
