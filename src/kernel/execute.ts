/**
 * execute_request as the Jupyter protocol defines it, on top of tslab's executor: requests run one at a time; each
 * announces itself (execute_input) with its execution count; a cell's last value goes out as execute_result; a failure
 * goes out as one `error` message, and its reply carries ename / evalue / traceback. After a failure, only the requests
 * already queued by then are aborted, and only when the failing request asked for it (stop_on_error).
 */
import { format } from 'node:util';
import { join } from 'node:path';
import { TracklabError } from '../core/errors.js';
import { ownPackageRoot } from './own-package.js';

/** tracklab's own code, wherever the package lives (its folder need not be called tracklab). */
const OWN_CODE = ['src', 'dist'].map((d) => join(ownPackageRoot(), d, ''));

export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  stop_on_error?: boolean;
}

/** Sends one iopub message of the given type, as a child of the request being answered. */
export type Publish = (msgType: string, content: Record<string, unknown>) => void;

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type ExecuteReply =
  | { status: 'ok'; execution_count: number; user_expressions: Record<string, never>; payload: [] }
  | ({ status: 'error'; execution_count: number } & ErrorContent)
  | { status: 'abort'; execution_count: number | null };

/** What the handler needs from the kernel: run a cell (reporting values and errors) and route output to a request. */
export interface CellEngine {
  /** Runs the cell (numbered `count` in the front end); resolves false when it failed. */
  execute(code: string, count: number): Promise<boolean>;
  /** Routes stdout, stderr and displays of code running from now on to this request. */
  route(publish: Publish): void;
  /** The failure of the cell that just ran, as the protocol reports it. */
  takeError(): ErrorContent;
  /** The cell's last value as mime data, if it had one (taken once). */
  takeResult(): Record<string, string> | undefined;
}

export interface ExecuteHandler {
  execute(req: ExecuteRequest, publish: Publish): Promise<ExecuteReply>;
  /** The next execution count (kernel_info and tests). */
  readonly count: number;
}

export function createExecuteHandler(engine: CellEngine): ExecuteHandler {
  let count = 0;
  let failures = 0; // bumped when a stop_on_error request fails: requests queued before that are aborted
  let queue: Promise<unknown> = Promise.resolve();

  async function run(req: ExecuteRequest, publish: Publish, queuedAt: number): Promise<ExecuteReply> {
    if (queuedAt < failures) return { status: 'abort', execution_count: null };
    const silent = req.silent === true;
    if (!silent && req.store_history !== false) count++;
    engine.route(publish);
    if (!silent) publish('execute_input', { code: req.code, execution_count: count });
    const ok = await engine.execute(req.code, count);
    const result = engine.takeResult();
    if (!ok) {
      const error = engine.takeError();
      if (!silent) publish('error', { ...error });
      if (req.stop_on_error !== false) failures++;
      return { status: 'error', execution_count: count, ...error };
    }
    if (result && !silent) publish('execute_result', { execution_count: count, data: result, metadata: {} });
    return { status: 'ok', execution_count: count, user_expressions: {}, payload: [] };
  }

  return {
    execute(req, publish) {
      const queuedAt = failures;
      const next = queue.then(() => run(req, publish, queuedAt));
      queue = next.catch(() => undefined);
      return next;
    },
    get count() {
      return count + 1;
    },
  };
}

/**
 * Collects what tslab's executor reports through its console: errors (runtime errors, compile diagnostics, one-line
 * TracklabErrors) and the cell's last value. `write` also receives the error text (tests read it; %%track records it).
 */
export function createReportingConsole(
  write: (text: string) => void = () => undefined,
  mapStack: (stack: string) => string = (s) => s,
) {
  let errors: unknown[][] = [];
  let text = '';
  let result: unknown;
  let hasResult = false;
  return {
    log: (...args: unknown[]) => {
      result = args[0];
      hasResult = true;
    },
    error: (...args: unknown[]) => {
      errors.push(args);
      const [first] = args;
      const line = args.length === 1 && first instanceof TracklabError ? first.message : mapStack(format(...args));
      text += `${line}\n`;
      write(`${line}\n`);
    },
    /** The error text since the last call (for %%track's error record). */
    take(): string {
      const t = text;
      text = '';
      return t;
    },
    takeError(): ErrorContent {
      const e = errorContent(errors, mapStack);
      errors = [];
      return e;
    },
    takeResult(): Record<string, string> | undefined {
      if (!hasResult) return undefined;
      hasResult = false;
      const value = result;
      result = undefined;
      return { 'text/plain': typeof value === 'string' ? value : format(value) };
    },
  };
}

export type ReportingConsole = ReturnType<typeof createReportingConsole>;

/** The protocol's error fields from what the cell reported: the first runtime error, else the compile diagnostics. */
export function errorContent(
  reported: readonly unknown[][],
  mapStack: (stack: string) => string = (s) => s,
): ErrorContent {
  const thrown = reported.find((args) => args.length === 1)?.[0];
  if (thrown instanceof TracklabError)
    return { ename: 'TracklabError', evalue: thrown.message, traceback: [thrown.message] };
  if (thrown instanceof Error) {
    const head = `${thrown.name}: ${thrown.message}`;
    return {
      ename: thrown.name,
      evalue: thrown.message,
      traceback: [head, ...userFrames(mapStack(thrown.stack ?? ''))],
    };
  }
  if (thrown !== undefined)
    return { ename: 'Error', evalue: format(thrown), traceback: [`Uncaught ${format(thrown)}`] };
  const lines = reported.map((args) => format(...args));
  if (lines.length === 0) return { ename: 'Error', evalue: 'the cell failed', traceback: [] };
  return { ename: 'TSError', evalue: lines[0]!, traceback: lines };
}

/** Stack frames worth a notebook user's attention: not Node's, tslab's or tracklab's own (cells' are mapped first). */
function userFrames(stack: string): string[] {
  return stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(
      (l) =>
        l.startsWith('at ') &&
        !/node:|[/\\]node_modules[/\\]tslab[/\\]|[/\\]tracklab[/\\](dist|src)[/\\]|evalmachine\.<anonymous>/.test(l) &&
        !OWN_CODE.some((dir) => l.includes(dir)),
    );
}
