/**
 * Text from a store (run names, tags, params, file names) may hold terminal control sequences: ESC sequences retitle
 * the window or clear the screen, C1 codes act like ESC on some terminals, and bidi overrides reorder what is shown.
 * Everything the CLI prints passes through here, so none of them reaches a terminal raw.
 */

// C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi embedding/override/isolate controls.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/**
 * Shows control characters as visible escapes (`\x1b`, `\u202e`); tabs and newlines are kept.
 *
 * @example
 * escapeControl('run\u001b]0;pwned\u0007'); // 'run\\x1b]0;pwned\\x07'
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) > 0xff ? `\\u${hex(c, 4)}` : `\\x${hex(c, 2)}`));
}

/** JSON text with the controls JSON.stringify leaves raw (DEL, C1, bidi) written as \u escapes: still valid JSON. */
export function escapeJsonControl(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/** Makes every string written to stdout and stderr by this process terminal-safe (byte buffers pass unchanged). */
export function installSafeOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? escapeControl(chunk) : chunk, ...rest);
  }
}
