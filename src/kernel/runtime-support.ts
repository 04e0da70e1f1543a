/** The runtime's option and message types, and the helpers its magics share. */
import { invalid, TracklabError } from '../core/errors.js';
import type { Tracker } from '../tracker.js';
import { magicsMessages as magicMsg } from '../magics/messages.js';
import { kernelMessages as msg } from './messages.js';
import type { LiveView } from './live-view.js';

/** Where displays go: tslab's display in the kernel, a recorder in tests. */
export interface DisplaySink {
  html(markup: string): void;
  svg(markup: string): void;
  text(line: string): void;
}

export interface RuntimeOptions {
  /** Opens the tracker on first use (sourceType NOTEBOOK). */
  openTracker: () => Promise<Tracker>;
  display: DisplaySink;
  /** The notebook's path when known at start (`tracklab exec`). */
  notebookPath?: string;
  /** Finds the notebook's path when a run starts (asks the Jupyter server or nbconvert); undefined when unknown. */
  findNotebookPath?: () => Promise<string | undefined>;
  /** The updating display of the metrics of the run being logged; none in tests that do not ask for one. */
  live?: LiveView;
  /** Links to a built report site (a local server in the kernel); default a relative link. */
  siteLink?: (siteDir: string) => Promise<string>;
}

/** What `tracklab exec` sends to the kernel through the hidden %tracklab_exec magic. */
export type ExecControl =
  | { context: { notebook: string; params: Record<string, unknown> } }
  | { end: { ok: boolean; error?: string } }
  | { attach: string };

export const EXEC_TAGS = {
  notebook: 'tracklab.exec.notebook',
  params: 'tracklab.exec.params',
  error: 'tracklab.error',
} as const;

/** The error as a one-line TracklabError that names the cell line; other errors pass through unchanged. */
export function atLine(line: number, e: unknown): unknown {
  if (!(e instanceof TracklabError) || /^tracklab: line \d+: /.test(e.message)) return e;
  return new TracklabError(e.code, magicMsg.atLine(line, e.message), { cause: e });
}

/** Pairs as a null-prototype record, so a key such as "__proto__" stays a key and reaches validation. */
export function record(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  keys.forEach((k, i) => {
    out[k] = values[i];
  });
  if (Object.keys(out).length !== keys.length) throw invalid(msg.duplicateKeys());
  return out;
}

export function entriesOf(line: number, magic: string, value: unknown): [string[], unknown[]] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw atLine(line, invalid(msg.notAnObject(magic, value)));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return [entries.map(([k]) => k), entries.map(([, v]) => v)];
}
