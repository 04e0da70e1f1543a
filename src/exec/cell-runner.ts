/** Runs code on a Jupyter kernel through @jupyterlab/services and collects nbformat outputs. */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { DataOutput, Output } from './notebook-format.js';
import { textOf } from '../core/format.js';

export interface CellRun {
  status: 'ok' | 'error' | 'abort' | 'timeout';
  outputs: Output[];
  executionCount: number | null;
  /** everything the cell wrote to stderr */
  stderr: string;
  /** the cell's error, as the kernel reported it */
  error?: { ename: string; evalue: string };
}

/**
 * Executes `code` and resolves when the kernel replies (or after `timeoutMs`, interrupting the kernel).
 * Consecutive stream outputs of the same name are merged, as nbconvert does.
 */
export async function runCode(
  kernel: Kernel.IKernelConnection,
  code: string,
  timeoutMs: number,
  storeHistory = true,
): Promise<CellRun> {
  const outputs: Output[] = [];
  let stderr = '';
  const future = kernel.requestExecute({ code, stop_on_error: true, store_history: storeHistory, allow_stdin: false });
  const displays = displaysOf(kernel);
  future.onIOPub = (m: KernelMessage.IIOPubMessage) => {
    if (m.header.msg_type === 'update_display_data') return updateDisplay(displays, m);
    const out = toOutput(m);
    if (out === 'clear') outputs.length = 0;
    else if (out) {
      const id = displayId(m);
      if (id !== undefined && out.output_type === 'display_data') displays.set(id, [...(displays.get(id) ?? []), out]);
      if (out.output_type === 'stream' && out.name === 'stderr') stderr += out.text;
      appendOutput(outputs, out);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const reply = await Promise.race([future.done, timeout]);
    if (reply === 'timeout') {
      await kernel.interrupt().catch(() => undefined);
      future.dispose();
      return { status: 'timeout', outputs, executionCount: null, stderr };
    }
    const content = reply.content as {
      status: 'ok' | 'error' | 'abort';
      execution_count?: number;
      ename?: string;
      evalue?: string;
    };
    const error =
      content.status === 'error' ? { ename: content.ename ?? 'Error', evalue: content.evalue ?? '' } : undefined;
    return {
      status: content.status,
      outputs,
      executionCount: content.execution_count ?? null,
      stderr,
      ...(error ? { error } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

type DisplayOutput = DataOutput;
/** Outputs by display id, per kernel connection: an update may come from a later cell, as nbclient allows. */
const displayMaps = new WeakMap<object, Map<string, DisplayOutput[]>>();

function displaysOf(kernel: object): Map<string, DisplayOutput[]> {
  let map = displayMaps.get(kernel);
  if (!map) displayMaps.set(kernel, (map = new Map<string, DisplayOutput[]>()));
  return map;
}

function displayId(m: KernelMessage.IIOPubMessage): string | undefined {
  const id = ((m.content as { transient?: { display_id?: unknown } }).transient ?? {}).display_id;
  return typeof id === 'string' ? id : undefined;
}

/** update_display_data replaces the data of every output shown with that display id (the live view of a run). */
function updateDisplay(displays: Map<string, DisplayOutput[]>, m: KernelMessage.IIOPubMessage): void {
  const id = displayId(m);
  const c = m.content as { data?: Record<string, unknown>; metadata?: Record<string, unknown> };
  for (const out of id === undefined ? [] : (displays.get(id) ?? [])) {
    out.data = c.data ?? {};
    out.metadata = c.metadata ?? {};
  }
}

function toOutput(m: KernelMessage.IIOPubMessage): Output | 'clear' | undefined {
  const c = m.content as Record<string, unknown>;
  switch (m.header.msg_type) {
    case 'stream':
      return {
        output_type: 'stream',
        name: c['name'] === 'stderr' ? 'stderr' : 'stdout',
        text: textOf(c['text']),
      };
    case 'display_data':
      return {
        output_type: 'display_data',
        data: (c['data'] ?? {}) as Record<string, unknown>,
        metadata: (c['metadata'] ?? {}) as Record<string, unknown>,
      };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        data: (c['data'] ?? {}) as Record<string, unknown>,
        metadata: (c['metadata'] ?? {}) as Record<string, unknown>,
        execution_count: (c['execution_count'] as number | undefined) ?? null,
      };
    case 'error':
      return {
        output_type: 'error',
        ename: textOf(c['ename'], 'Error'),
        evalue: textOf(c['evalue']),
        traceback: (c['traceback'] ?? []) as string[],
      };
    case 'clear_output':
      return 'clear';
    default:
      return undefined;
  }
}

function appendOutput(outputs: Output[], out: Output): void {
  const last = outputs[outputs.length - 1];
  if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) last.text += out.text;
  else outputs.push(out);
}
