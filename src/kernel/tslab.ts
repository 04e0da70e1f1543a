/**
 * The one place tracklab reaches into tslab's internals (`tslab/dist/*`), so a tslab upgrade is checked here only.
 * tslab is pinned to an exact version in package.json for the same reason. The interfaces are the slices of tslab's own
 * declarations (tslab/dist/*.d.ts) that tracklab uses.
 */
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);

/** The slice of tslab's executor this kernel uses (tslab/dist/executor.d.ts). */
export interface Executor {
  execute(src: string): Promise<boolean>;
  inspect(src: string, position: number): unknown;
  complete(src: string, position: number): unknown;
  reset(): void;
  interrupt(): void;
  locals: Record<string, unknown>;
  close(): void;
}

export interface Converter { close(): void }
export interface ConsoleLike { log(...a: unknown[]): void; error(...a: unknown[]): void }
export interface Handler {
  handleKernel(): { implementation: string; implementation_version: string; banner: string };
  handleIsComplete(req: { code: string }): unknown;
  close(): void;
}
export interface Tslab {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter;
  createExecutor(rootDir: string, convs: { node: Converter; browser: Converter; close(): void }, console: ConsoleLike): Executor;
  JupyterHandlerImpl: new (executor: Executor, isJs: boolean) => Handler;
  ZmqServer: new (handler: Handler, configPath: string) => { init(): Promise<void> };
  display: { html(s: string): void; svg(s: string): void };
}

/** tslab's converter, executor, Jupyter handler and ZeroMQ server, and its display API, from its compiled modules. */
export function loadTslab(): Tslab {
  return {
    ...(req('tslab/dist/converter') as Pick<Tslab, 'createConverter'>),
    ...(req('tslab/dist/executor') as Pick<Tslab, 'createExecutor'>),
    ...(req('tslab/dist/jupyter') as Pick<Tslab, 'JupyterHandlerImpl' | 'ZmqServer'>),
    display: (req('tslab/dist/public') as Pick<Tslab, 'display'>).display,
  };
}

type TypeScriptApi = typeof import('typescript');
let typescript: TypeScriptApi | undefined;

/** The TypeScript compiler tslab ships (the one cells are type-checked with), loaded once. */
export function tslabTypeScript(): TypeScriptApi {
  typescript ??= createRequire(req.resolve('tslab/package.json'))('@tslab/typescript-for-tslab') as TypeScriptApi;
  return typescript;
}
