/**
 * The `tracklab` Jupyter kernel: tslab's converter, executor and ZeroMQ server, with an executor wrapper that rewrites
 * magic lines before tslab sees a cell, flushes the open runs after every cell and ends a %%track cell's run, and
 * the execute_request, completion and inspection answers of execute.ts and assist.ts.
 * Loaded only by kernel-main.ts (its tslab adapter uses import.meta, which modules a notebook imports must not).
 */
import { Tracker } from '../tracker.js';
import { RUNTIME_GLOBAL } from '../magics/codegen.js';
import { completeMagic, inspectMagic } from '../magics/assist.js';
import { blankMagicLines, rewriteCell, type RewriteResult } from '../magics/rewrite.js';
import { MagicRuntime, type DisplaySink } from './runtime.js';
import {
  createExecuteHandler,
  createReportingConsole,
  type ExecuteRequest,
  type Publish,
  type ReportingConsole,
} from './execute.js';
import { svgAsImage, toPlainText } from './html.js';
import { createLiveView } from './live-view.js';
import { findNotebookPath } from './notebook-path.js';
import { installCellNames, markLines } from './cell-lines.js';
import { provideOwnPackage } from './own-package.js';
import { expandShorthand } from './shorthand.js';
import { createSiteServer } from './site-server.js';
import {
  createZmqServer,
  loadTslab,
  setDisplayWriter,
  tslabTypeScript,
  type ConsoleLike,
  type Converter,
  type Executor,
  type Handler,
  type KernelHandler,
} from './tslab.js';

export type { Executor };

/** Prints errors the way a notebook user wants them: a TracklabError as its one line, anything else as tslab does. */
export function createErrorConsole(
  write: (text: string) => void,
  mapStack?: (stack: string) => string,
): ReportingConsole {
  return createReportingConsole(write, mapStack);
}

/**
 * Wraps tslab's executor: magic lines are rewritten (one line for one line) before tslab type-checks the cell; a bad
 * magic prints one line and fails the cell without running it; after every cell the open runs are flushed.
 */
export function createMagicExecutor(
  inner: Executor,
  runtime: MagicRuntime,
  errors: ConsoleLike & { take(): string },
): Executor {
  return {
    async execute(src: string): Promise<boolean> {
      errors.take();
      let rewritten: RewriteResult;
      try {
        rewritten = rewriteCell(src);
      } catch (e) {
        errors.error(e);
        return false;
      }
      let ok = false;
      try {
        ok = await runtime.cell(() => inner.execute(markLines(expandShorthand(rewritten.code))));
      } finally {
        const failure = errors.take();
        try {
          if (rewritten.track) await runtime.endTrack(ok, failure, src);
          await runtime.flushAll();
        } catch (e) {
          errors.error(e);
          ok = false;
        }
      }
      return ok;
    },
    inspect: (src, position) => inner.inspect(blankMagicLines(src), position),
    complete: (src, position) => inner.complete(blankMagicLines(src), position),
    reset: () => inner.reset(),
    interrupt: () => inner.interrupt(),
    get locals() {
      return inner.locals;
    },
    close: () => inner.close(),
  };
}

/** Where the kernel's output goes: the request being answered. Displays carry a text/plain fallback. */
function createOutput() {
  let publish: Publish = () => undefined;
  const stream = (name: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array): boolean => {
      publish('stream', { name, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
      return true;
    }) as typeof process.stdout.write;
  const display = (data: Record<string, unknown>, id?: string, update = false): void =>
    publish(update ? 'update_display_data' : 'display_data', {
      data,
      metadata: {},
      transient: id ? { display_id: id } : {},
    });
  const sink: DisplaySink = {
    html: (m) => display({ 'text/html': m, 'text/plain': toPlainText(m) }),
    // As an <img> in HTML: nbconvert 6.5 strips the elements of image/svg+xml outputs, but keeps HTML images.
    svg: (m) => display({ 'text/html': svgAsImage(m), 'text/plain': `[chart: ${chartTitle(m)}]` }),
    text: (line) => {
      process.stdout.write(`${line}\n`);
    },
  };
  return {
    sink,
    display,
    route(p: Publish): void {
      publish = p;
      process.stdout.write = stream('stdout');
      process.stderr.write = stream('stderr');
      setDisplayWriter((content, update) => publish(update ? 'update_display_data' : 'display_data', content));
    },
  };
}

const chartTitle = (svg: string): string =>
  /<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? /aria-label="([^"]*)"/.exec(svg)?.[1] ?? 'metric';

/** Starts the kernel on a Jupyter connection file. Runs left RUNNING are ended KILLED when the kernel shuts down. */
export async function startKernel(connectionFile: string): Promise<void> {
  const tslab = loadTslab();
  provideOwnPackage(process.cwd(), tslabTypeScript());
  const node = tslab.createConverter({ isJS: false, isBrowser: false });
  let browser: Converter | undefined;
  const convs = {
    node,
    get browser() {
      return (browser ??= tslab.createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node.close();
      browser?.close();
    },
  };
  const out = createOutput();
  const execContext = parseExecContext(process.env['TRACKLAB_EXEC_CONTEXT']);
  const site = createSiteServer();
  const runtime = new MagicRuntime({
    display: out.sink,
    ...(execContext ? { notebookPath: execContext.notebook } : {}),
    findNotebookPath: () => findNotebookPath(connectionFile),
    live: createLiveView({ write: (data, id, update) => out.display(data, id, update) }),
    siteLink: (dir) => site.link(dir),
    openTracker: async () =>
      Tracker.open({ sourceType: 'NOTEBOOK', sourceName: (await findNotebookPath(connectionFile)) ?? process.cwd() }),
  });
  (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = runtime;
  if (execContext) await runtime.execControl(0, { context: execContext });
  const names = installCellNames();
  const reporting = createReportingConsole(undefined, (stack) => names.mapStack(stack));
  const inner = tslab.createExecutor(process.cwd(), convs, reporting);
  const executor = createMagicExecutor(inner, runtime, reporting);
  const shutdown = onceShutdown(runtime, executor, () => site.close());
  executor.close = shutdown;
  const tslabHandler = new tslab.JupyterHandlerImpl(executor, false);
  const exec = createExecuteHandler({
    execute: (code, count) => {
      names.next(`In [${count}]`, code);
      return executor.execute(code);
    },
    route: (p) => out.route(p),
    takeError: () => reporting.takeError(),
    takeResult: () => reporting.takeResult(),
  });
  process.on('SIGINT', () => executor.interrupt());
  process.on('SIGTERM', shutdown);
  process.on('uncaughtException', (err) => console.error('UncaughtException:', err));
  process.on('unhandledRejection', (reason) => console.error('UnhandledPromiseRejection:', reason));
  await createZmqServer(
    kernelHandler(tslabHandler, runtime, (req, p) => exec.execute(req as unknown as ExecuteRequest, p), shutdown),
    connectionFile,
  ).init();
}

/** The protocol answers: tslab's, with magics completed and inspected here and kernel_info completed. */
function kernelHandler(
  tslabHandler: Handler,
  runtime: MagicRuntime,
  execute: KernelHandler['execute'],
  shutdown: () => void,
): KernelHandler {
  return {
    handleKernel: () => ({
      ...tslabHandler.handleKernel(),
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'tracklab',
      banner: 'TypeScript (tracklab): tslab with tracking magics; %lsmagic lists them',
      help_links: [{ text: 'tracklab magics', url: 'https://www.npmjs.com/package/tracklab' }],
    }),
    handleIsComplete: (req) => tslabHandler.handleIsComplete({ ...req, code: blankMagicLines(req.code) }),
    handleInspect: (req) => {
      const help = inspectMagic(req.code, req.cursor_pos);
      if (help) return { status: 'ok', found: true, data: { 'text/plain': help }, metadata: {} };
      return tslabHandler.handleInspect({ ...req, code: blankMagicLines(req.code) });
    },
    handleComplete: (req) => {
      const c = completeMagic(req.code, req.cursor_pos, runtime.knownNames);
      if (c) return { status: 'ok', matches: c.matches, cursor_start: c.start, cursor_end: c.end, metadata: {} };
      return tslabHandler.handleComplete({ ...req, code: blankMagicLines(req.code) });
    },
    handleShutdown: (req) => ({ status: 'ok', restart: req.restart === true }),
    close: shutdown,
    execute,
  };
}

/** The context `tracklab exec` passes through the server's environment when it starts the server itself. */
function parseExecContext(text: string | undefined): { notebook: string; params: Record<string, unknown> } | undefined {
  if (!text) return undefined;
  try {
    const ctx = JSON.parse(text) as { notebook?: unknown; params?: unknown };
    if (typeof ctx.notebook !== 'string') return undefined;
    return { notebook: ctx.notebook, params: (ctx.params ?? {}) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function onceShutdown(runtime: MagicRuntime, executor: Executor, closeSite: () => void): () => void {
  const innerClose = executor.close.bind(executor);
  let started = false;
  return () => {
    if (started) return;
    started = true;
    // Jupyter kills a kernel that lingers; end the runs first, then leave.
    setTimeout(() => process.exit(0), 4000).unref();
    runtime
      .shutdown('KILLED')
      .catch((e: unknown) => process.stderr.write(`tracklab: could not end runs at shutdown: ${String(e)}\n`))
      .finally(() => {
        try {
          closeSite();
          innerClose();
        } finally {
          process.exit(0);
        }
      });
  };
}
