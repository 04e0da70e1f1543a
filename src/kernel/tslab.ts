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

export interface Converter {
  close(): void;
}
export interface ConsoleLike {
  log(...a: unknown[]): void;
  error(...a: unknown[]): void;
}
export interface Handler {
  handleKernel(): { implementation: string; implementation_version: string; banner: string };
  handleIsComplete(req: { code: string }): unknown;
  handleInspect(req: { code: string; cursor_pos: number }): unknown;
  handleComplete(req: { code: string; cursor_pos: number }): unknown;
  close(): void;
}

/** What tracklab's ZeroMQ server asks of the kernel: tslab's handler, with execute_request answered in full. */
export interface KernelHandler {
  handleKernel(): Record<string, unknown>;
  handleIsComplete(req: { code: string }): unknown;
  handleInspect(req: { code: string; cursor_pos: number; detail_level?: number }): unknown;
  handleComplete(req: { code: string; cursor_pos: number }): unknown;
  handleShutdown(req: { restart?: boolean }): unknown;
  close(): void;
  execute(
    req: Record<string, unknown>,
    publish: (msgType: string, content: Record<string, unknown>) => void,
  ): Promise<unknown>;
}

interface ZmqMessageLike {
  content: Record<string, unknown>;
  createReply(): { header: { msg_type: string }; content: unknown; signAndSend(key: string, sock: unknown): void };
}
interface ZmqServerInternals {
  connInfo: { key: string };
  iopub: unknown;
  handler: KernelHandler;
}
export interface Tslab {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter;
  createExecutor(
    rootDir: string,
    convs: { node: Converter; browser: Converter; close(): void },
    console: ConsoleLike,
  ): Executor;
  JupyterHandlerImpl: new (executor: Executor, isJs: boolean) => Handler;
  ZmqServer: new (handler: Handler, configPath: string) => { init(): Promise<void> };
  display: { html(s: string): void; svg(s: string): void };
}

/**
 * tslab's ZeroMQ server with two answers changed: execute_request publishes execute_input, execute_result and error
 * and replies with the error fields (tslab publishes none of them), and comm_info_request gets a comm_info_reply.
 */
export function createZmqServer(handler: KernelHandler, configPath: string): { init(): Promise<void> } {
  const { ZmqServer } = req('tslab/dist/jupyter') as { ZmqServer: new (h: unknown, p: string) => object };
  const Base = ZmqServer as unknown as new (h: unknown, p: string) => ZmqServerInternals;
  class TracklabZmqServer extends Base {
    async handleExecute(sock: unknown, msg: ZmqMessageLike): Promise<void> {
      const publish = (msgType: string, content: Record<string, unknown>): void => {
        const m = msg.createReply();
        m.header.msg_type = msgType;
        m.content = content;
        m.signAndSend(this.connInfo.key, this.iopub);
      };
      const content = await this.handler.execute(msg.content, publish);
      const reply = msg.createReply();
      reply.header.msg_type = 'execute_reply';
      reply.content = content;
      reply.signAndSend(this.connInfo.key, sock);
    }

    handleCommInfoRequest(sock: unknown, msg: ZmqMessageLike): void {
      const reply = msg.createReply();
      reply.header.msg_type = 'comm_info_reply';
      reply.content = { status: 'ok', comms: {} };
      reply.signAndSend(this.connInfo.key, sock);
    }
  }
  return new TracklabZmqServer(handler, configPath) as unknown as { init(): Promise<void> };
}

/** Where tslab's display API (and tracklab's displays) send display_data while a request runs. */
export function setDisplayWriter(write: (data: Record<string, unknown>, update: boolean) => void): void {
  (req('tslab/dist/jupyter') as { lastWriteDisplayData: unknown }).lastWriteDisplayData = write;
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

export type TypeScriptApi = typeof import('typescript');
let typescript: TypeScriptApi | undefined;

/** The TypeScript compiler tslab ships (the one cells are type-checked with), loaded once. */
export function tslabTypeScript(): TypeScriptApi {
  typescript ??= createRequire(req.resolve('tslab/package.json'))('@tslab/typescript-for-tslab') as TypeScriptApi;
  return typescript;
}
