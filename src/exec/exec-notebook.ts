/**
 * `tracklab exec`: runs a notebook headless through a Jupyter server (its own on 127.0.0.1, or --server/--token),
 * with papermill-style parameters, writes the executed notebook and attaches it to every run the execution created.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, extname, join, resolve } from 'node:path';
import type { Kernel } from '@jupyterlab/services';
import { TracklabError } from '../core/errors.js';
import { runCode, type CellRun } from './cell-runner.js';
import { startJupyterServer, type JupyterServer } from './jupyter-server.js';
import { defaultPython, KERNEL_DISPLAY_NAME, KERNEL_NAME, writeKernelSpec } from '../kernel/kernelspec.js';
import { execMessages as msg } from './messages.js';
import { sourceOf, type Notebook } from './notebook-format.js';
import { injectParameters, parseParameter } from './parameters.js';

/** Options of `tracklab exec` (no commander types, so other callers can use it). */
export interface ExecOptions {
  notebook: string;
  /** `name=value` strings (as -p gives them) or values already parsed */
  params?: readonly string[] | Readonly<Record<string, unknown>>;
  /** default `<notebook>.executed.ipynb` next to the input */
  out?: string;
  /** default `tracklab` */
  kernel?: string;
  /** seconds per cell; default 600 */
  timeout?: number;
  /** an existing server's URL (with token); default: start one on 127.0.0.1 */
  server?: string;
  token?: string;
  /** the Python with Jupyter, for the server this starts; default /usr/bin/python3 when it exists */
  python?: string;
  /** store folder or URI for the kernel (TRACKLAB_STORE); default the kernel's own default */
  store?: string;
  /** progress lines; default none */
  log?: (line: string) => void;
}

export interface ExecResult {
  ok: boolean;
  /** the executed notebook's path */
  out: string;
  /** code cells run (including the injected parameters cell) */
  cellsRun: number;
  /** 1-based index of the failing cell in the executed notebook */
  failedCell?: number;
  error?: string;
}

/** A cell failed: the CLI prints this one line and exits non-zero. */
export class CellExecutionError extends TracklabError {
  constructor(readonly result: ExecResult) {
    super('EXECUTION_FAILED', msg.cellFailed(result.failedCell ?? 0, result.error ?? ''));
    this.name = 'CellExecutionError';
  }
}

/**
 * Runs a notebook headless. Resolves with `ok: false` when a cell fails (the executed notebook is still written);
 * throws a TracklabError before anything runs for bad parameters or an unreadable notebook.
 *
 * @example
 * const r = await execNotebook({
 *   notebook: 'notebooks/01-classifier.ipynb',
 *   params: ['trees=50'],
 *   out: 'tmp/out.ipynb',
 * });
 */
export async function execNotebook(options: ExecOptions): Promise<ExecResult> {
  const file = resolve(options.notebook);
  const params = normalizeParams(options.params);
  const nb = injectParameters(await readNotebook(file), params, file);
  const out = resolve(options.out ?? join(dirname(file), `${basename(file, extname(file))}.executed.ipynb`));
  const kernelName = options.kernel ?? KERNEL_NAME;
  const context = { notebook: file, params };
  const timeoutMs = checkTimeout(options.timeout ?? 600) * 1000;
  const log = options.log ?? (() => undefined);

  const temp = await mkdtemp(join(tmpdir(), 'tracklab-exec-'));
  const restoreConsole = quietServices(log);
  let server: JupyterServer | undefined;
  let kernel: Kernel.IKernelConnection | undefined;
  let manager: Kernel.IManager | undefined;
  try {
    server = options.server
      ? { url: options.server, token: options.token ?? '', stop: async () => undefined }
      : await startOwnServer(temp, dirname(file), options, context);
    manager = await kernelManager(server);
    log(`starting kernel ${kernelName}`);
    kernel = await manager.startNew({ name: kernelName });
    await kernel.info;
    if (options.server && kernelName === KERNEL_NAME) await control(kernel, { context });
    const result = await runCells(kernel, nb, timeoutMs, log);
    const error = result.failed ? msg.cellFailed(result.failed.index, errorSummary(result.failed.text)) : undefined;
    if (kernelName === KERNEL_NAME) await control(kernel, { end: { ok: !result.failed, ...(error ? { error } : {}) } });
    nb.metadata = { ...nb.metadata, kernelspec: kernelspecMetadata(kernelName) };
    await writeFile(out, `${JSON.stringify(nb, null, 1)}\n`);
    if (kernelName === KERNEL_NAME) await control(kernel, { attach: out });
    return {
      ok: !result.failed,
      out,
      cellsRun: result.cellsRun,
      ...(result.failed ? { failedCell: result.failed.index, error: errorSummary(result.failed.text) } : {}),
    };
  } finally {
    await kernel?.shutdown().catch(() => undefined);
    kernel?.dispose();
    manager?.dispose(); // its polling timers would keep Node alive
    await server?.stop();
    await rm(temp, { recursive: true, force: true });
    restoreConsole();
  }
}

/** A kernel manager for the server; @jupyterlab/services loads only when a notebook runs. */
async function kernelManager(server: JupyterServer): Promise<Kernel.IManager> {
  const services = await import('@jupyterlab/services');
  const serverSettings = services.ServerConnection.makeSettings({
    baseUrl: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    token: server.token,
    appendToken: true,
  });
  return new services.KernelManager({ serverSettings });
}

/** The notebook's `kernelspec` metadata for the kernel it ran on. */
function kernelspecMetadata(name: string): { name: string; display_name: string; language: string } {
  return { name, display_name: name === KERNEL_NAME ? KERNEL_DISPLAY_NAME : name, language: 'typescript' };
}

/** @jupyterlab/services logs connection chatter with console.debug / console.warn; route it to `log` while we run. */
function quietServices(log: (line: string) => void): () => void {
  const { debug, warn } = console;
  console.debug = () => undefined;
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    // the websocket's first handshake with a freshly started kernel always "reconnects" once; not worth a user's
    // attention
    if (!/^Connection lost, reconnecting in 0 seconds/.test(line)) log(line);
  };
  return () => {
    console.debug = debug;
    console.warn = warn;
  };
}

function checkTimeout(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TracklabError('INVALID_PARAMETER_VALUE', msg.badTimeout(String(seconds)));
  }
  return seconds;
}

function normalizeParams(p: ExecOptions['params']): Record<string, unknown> {
  if (!p) return {};
  if (Array.isArray(p)) return Object.fromEntries((p as readonly string[]).map(parseParameter));
  return { ...(p as Record<string, unknown>) };
}

async function readNotebook(file: string): Promise<Notebook> {
  let nb: Notebook;
  try {
    nb = JSON.parse(await readFile(file, 'utf8')) as Notebook;
  } catch (e) {
    throw new TracklabError('INVALID_PARAMETER_VALUE', msg.notebookUnreadable(file, (e as Error).message), {
      cause: e,
    });
  }
  if (!nb || !Array.isArray(nb.cells))
    throw new TracklabError(
      'INVALID_PARAMETER_VALUE',
      msg.notebookUnreadable(file, 'no "cells" list (is it an .ipynb file?)'),
    );
  return nb;
}

async function startOwnServer(temp: string, rootDir: string, o: ExecOptions, context: object): Promise<JupyterServer> {
  const jupyterPath = join(temp, 'share', 'jupyter');
  await writeKernelSpec(jupyterPath);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: [jupyterPath, process.env['JUPYTER_PATH']].filter(Boolean).join(delimiter),
    JUPYTER_RUNTIME_DIR: join(temp, 'runtime'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    TRACKLAB_EXEC_CONTEXT: JSON.stringify(context),
    ...(o.store ? { TRACKLAB_STORE: o.store } : {}),
  };
  return startJupyterServer({ python: o.python ?? defaultPython(), rootDir, env });
}

async function runCells(
  kernel: Kernel.IKernelConnection,
  nb: Notebook,
  timeoutMs: number,
  log: (l: string) => void,
): Promise<{ cellsRun: number; failed?: { index: number; text: string } }> {
  let cellsRun = 0;
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const code = sourceOf(cell);
    cell.outputs = [];
    cell.execution_count = null;
    if (code.trim() === '') continue;
    log(`cell ${i + 1}/${nb.cells.length}`);
    const run: CellRun = await runCode(kernel, code, timeoutMs);
    cellsRun++;
    cell.outputs = run.outputs;
    cell.execution_count = run.executionCount;
    if (run.status === 'ok') continue;
    const text =
      run.status === 'timeout'
        ? msg.cellTimeout(i + 1, timeoutMs / 1000)
        : run.error
          ? errorText(run.error)
          : run.stderr.trim() || `the kernel answered ${run.status}`;
    if (!run.outputs.some((o) => o.output_type === 'error')) {
      cell.outputs.push({
        output_type: 'error',
        ename: 'CellError',
        evalue: text.split('\n')[0] ?? text,
        traceback: [],
      });
    }
    for (const later of nb.cells.slice(i + 1))
      if (later.cell_type === 'code') {
        later.outputs = [];
        later.execution_count = null;
      }
    return { cellsRun, failed: { index: i + 1, text } };
  }
  return { cellsRun };
}

async function control(kernel: Kernel.IKernelConnection, payload: object): Promise<void> {
  const run = await runCode(kernel, `%tracklab_exec ${JSON.stringify(payload)}`, 120_000, false);
  if (run.status !== 'ok') throw new TracklabError('IO_ERROR', msg.recordFailed(run.stderr.trim() || run.status));
}

/**
 * The line of an error text worth printing: `Error: message` or `tracklab: ...` rather than the vm's source excerpt
 * (the full text stays in the notebook's output).
 */
export function errorSummary(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.find((l) => /^(tracklab: |\w*(Error|Exception)(\s*\[\w+\])?: |\d+:\d+ - )/.test(l)) ?? lines[0] ?? '';
}

/** A kernel error as one line: `Error: message`, or the message alone when it already says what it is. */
const errorText = (e: { ename: string; evalue: string }): string =>
  e.ename === 'TracklabError' || e.ename === 'TSError' || e.evalue.startsWith(`${e.ename}:`)
    ? e.evalue
    : `${e.ename}: ${e.evalue}`;
