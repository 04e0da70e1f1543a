/** What every command gets from the CLI: the global options and a tracker opened on first use. */
import type { Tracker } from '../tracker.js';

/**
 * The CLI's side of a command: commands are plain functions of a tracker and typed options that return their output.
 */
export interface CliContext {
  /** the global `--store` option, when given */
  readonly store: string | undefined;
  /** Opens the store once, on first use; commands that need no store never load the tracker. */
  tracker(): Promise<Tracker>;
  /** Writes a command's output to stdout (nothing for an empty string). */
  print(text: string): void;
  /** Closes the tracker if a command opened it. */
  close(): Promise<void>;
}

/**
 * A context whose `store` is read when a command runs (after commander parsed the global options).
 *
 * @example
 * const ctx = createCliContext(() => program.opts<{ store?: string }>().store);
 */
export function createCliContext(store: () => string | undefined): CliContext {
  let opened: Promise<Tracker> | undefined;
  return {
    get store() {
      return store();
    },
    tracker() {
      opened ??= Promise.all([import('../tracker.js'), import('./store-guard.js')]).then(([{ Tracker }, guard]) => {
        const dir = store();
        guard.assertStoreExists(dir); // commands read and edit stores; they never create one
        return Tracker.open(dir === undefined ? {} : { store: dir });
      });
      return opened;
    },
    print(text) {
      if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    async close() {
      // a store that failed to open was reported by the command that asked for it; only an opened one is closed
      const tracker = await opened?.catch(() => undefined);
      await tracker?.close();
    },
  };
}
