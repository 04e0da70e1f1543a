/**
 * The `tracklab` Jupyter kernel: tslab's converter, executor and ZeroMQ server, with an executor wrapper that rewrites
 * magic lines before tslab sees a cell, flushes the active runs after every cell and ends a %%track cell's run.
 * Loaded only by kernel-main.ts (its tslab adapter uses import.meta, which modules a notebook imports must not).
 */
import { format } from 'node:util';
import { TracklabError } from '../core/errors.js';
import { Tracker } from '../tracker.js';
import { RUNTIME_GLOBAL } from '../magics/codegen.js';
import { blankMagicLines, rewriteCell } from '../magics/rewrite.js';
import { MagicRuntime, type DisplaySink } from './runtime.js';
import { svgAsImage } from './html.js';
import { loadTslab, type ConsoleLike, type Converter, type Executor, type Handler } from './tslab.js';

export type { Executor };

/** Prints errors the way a notebook user wants them: a TracklabError as its one line, anything else as tslab does. */
export function createErrorConsole(write: (text: string) => void): ConsoleLike & { take(): string } {
  let captured = '';
  const error = (...args: unknown[]): void => {
    const [first] = args;
    const text = args.length === 1 && first instanceof TracklabError ? first.message : format(...args);
    captured += `${text}\n`;
    write(`${text}\n`);
  };
  return {
    log: (...args: unknown[]) => { process.stdout.write(`${format(...args)}\n`); },
    error,
    take: () => { const t = captured; captured = ''; return t; },
  };
}

/**
 * Wraps tslab's executor: magic lines are rewritten (one line for one line) before tslab type-checks the cell; a bad
 * magic prints one line and fails the cell without running it; after every cell the active runs are flushed.
 */
export function createMagicExecutor(inner: Executor, runtime: MagicRuntime, errors: ConsoleLike & { take(): string }): Executor {
  return {
    async execute(src: string): Promise<boolean> {
      errors.take();
      let rewritten;
      try {
        rewritten = rewriteCell(src);
      } catch (e) {
        errors.error(e);
        return false;
      }
      let ok = false;
      try {
        ok = await inner.execute(rewritten.code);
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
    get locals() { return inner.locals; },
    close: () => inner.close(),
  };
}

/** Starts the kernel on a Jupyter connection file. Runs left RUNNING are ended KILLED when the kernel shuts down. */
export async function startKernel(connectionFile: string): Promise<void> {
  const tslab = loadTslab();
  const node = tslab.createConverter({ isJS: false, isBrowser: false });
  let browser: Converter | undefined;
  const convs = {
    node,
    get browser() { return (browser ??= tslab.createConverter({ isJS: false, isBrowser: true })); },
    close() { node.close(); browser?.close(); },
  };
  const errors = createErrorConsole((t) => process.stderr.write(t));
  const display: DisplaySink = {
    html: (m) => tslab.display.html(m),
    // As an <img> in HTML: nbconvert 6.5 strips the elements of image/svg+xml outputs, but keeps HTML images.
    svg: (m) => tslab.display.html(svgAsImage(m)),
    text: (line) => { process.stdout.write(`${line}\n`); },
  };
  const execContext = parseExecContext(process.env['TRACKLAB_EXEC_CONTEXT']);
  const notebookPath = execContext?.notebook ?? (process.env['JPY_SESSION_NAME'] || undefined);
  const runtime = new MagicRuntime({
    display,
    ...(notebookPath ? { notebookPath } : {}),
    openTracker: () => Tracker.open({ sourceType: 'NOTEBOOK', sourceName: notebookPath ?? process.cwd() }),
  });
  (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = runtime;
  if (execContext) await runtime.execControl(0, { context: execContext });
  const inner = tslab.createExecutor(process.cwd(), convs, errors);
  const executor = createMagicExecutor(inner, runtime, errors);
  const shutdown = onceShutdown(runtime, executor);
  executor.close = shutdown;
  const handler = new tslab.JupyterHandlerImpl(executor, false);
  patchHandler(handler);
  process.on('SIGINT', () => executor.interrupt());
  process.on('SIGTERM', shutdown);
  process.on('uncaughtException', (err) => console.error('UncaughtException:', err));
  process.on('unhandledRejection', (reason) => console.error('UnhandledPromiseRejection:', reason));
  await new tslab.ZmqServer(handler, connectionFile).init();
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

function patchHandler(handler: Handler): void {
  const kernelInfo = handler.handleKernel.bind(handler);
  handler.handleKernel = () => ({ ...kernelInfo(), implementation: 'tracklab', banner: 'TypeScript (tracklab): tslab with tracking magics; %lsmagic lists them' });
  const isComplete = handler.handleIsComplete.bind(handler);
  handler.handleIsComplete = (req) => isComplete({ ...req, code: blankMagicLines(req.code) });
}

function onceShutdown(runtime: MagicRuntime, executor: Executor): () => void {
  const innerClose = executor.close;
  let started = false;
  return () => {
    if (started) return;
    started = true;
    // Jupyter kills a kernel that lingers; end the runs first, then leave.
    setTimeout(() => process.exit(0), 4000).unref();
    runtime.shutdown('KILLED')
      .catch((e: unknown) => process.stderr.write(`tracklab: could not end runs at shutdown: ${String(e)}\n`))
      .finally(() => { try { innerClose(); } finally { process.exit(0); } });
  };
}
