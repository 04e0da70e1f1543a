/** Test helpers: a temp store, a recording display, and tslab's real executor in this process. */
import { RUNTIME_GLOBAL } from '../../src/magics/codegen.js';
import { createErrorConsole, createMagicExecutor, type Executor } from '../../src/kernel/kernel.js';
import { MagicRuntime, type DisplaySink } from '../../src/kernel/runtime.js';
import { loadTslab } from '../../src/kernel/tslab.js';
import { installCellNames, type CellNames } from '../../src/kernel/cell-lines.js';
import type { ErrorContent } from '../../src/kernel/execute.js';
import { Tracker } from '../../src/tracker.js';

export { tempDir } from '../helpers.js';

export interface Recorder extends DisplaySink {
  html_: string[];
  svg_: string[];
  text_: string[];
}

export function recorder(): Recorder {
  const r: Recorder = {
    html_: [],
    svg_: [],
    text_: [],
    html: (m) => {
      r.html_.push(m);
    },
    svg: (m) => {
      r.svg_.push(m);
    },
    text: (l) => {
      r.text_.push(l);
    },
  };
  return r;
}

export async function newRuntime(store: string, display: DisplaySink = recorder()): Promise<MagicRuntime> {
  return new MagicRuntime({
    display,
    openTracker: () => Tracker.open({ store, sourceType: 'NOTEBOOK', sourceName: 'test.ipynb' }),
  });
}

interface Shared {
  executor: Executor;
  errors: ReturnType<typeof createErrorConsole>;
  stderr: string[];
  names: CellNames;
}
let shared: Shared | undefined;
let cellCount = 0;

/** tslab's converter + executor wrapped like the kernel does; one per test process (creating it costs ~1 s). */
export function kernelExecutor(runtime: MagicRuntime): {
  execute(src: string): Promise<{ ok: boolean; stderr: string }>;
  executor: Executor;
  /** The protocol's error fields of the cell that failed last (cells run as `In [n]`, n counting from 1). */
  takeError(): ErrorContent;
} {
  (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = runtime;
  if (!shared) {
    const tslab = loadTslab();
    const node = tslab.createConverter({ isJS: false, isBrowser: false });
    const stderr: string[] = [];
    const names = installCellNames();
    const errors = createErrorConsole(
      (t) => {
        stderr.push(t);
      },
      (stack) => names.mapStack(stack),
    );
    const inner = tslab.createExecutor(process.cwd(), { node, browser: node, close: () => node.close() }, errors);
    shared = { executor: inner, errors, stderr, names };
  }
  const s = shared;
  const executor = createMagicExecutor(s.executor, runtime, s.errors);
  return {
    executor,
    takeError: () => s.errors.takeError(),
    async execute(src: string) {
      s.names.next(`In [${++cellCount}]`, src);
      s.stderr.length = 0;
      const ok = await executor.execute(src);
      return { ok, stderr: s.stderr.join('') };
    },
  };
}

export function closeExecutor(): void {
  shared?.executor.close();
  shared = undefined;
}
