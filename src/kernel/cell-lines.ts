/**
 * Stack frames in the user's cell lines. tslab compiles a cell to JavaScript without a source map and runs it as
 * `evalmachine.<anonymous>`, so the line numbers of an error are the compiled code's. Before tslab sees a cell, each
 * line that ends in plain code gets a trailing `/*@L<n>*\/` comment (TypeScript keeps trailing comments, and the
 * columns tslab's diagnostics report do not move); each cell's code is run under its own file name; a frame's line
 * in that code is mapped back to the nearest marker at or above it.
 */
import vm from 'node:vm';
import { createLineScanner } from '../magics/line-scanner.js';

const MARK = /\/\*@L(\d+)\*\//g;
const KEEP = 200; // compiled cells remembered for mapping (functions defined in old cells may still throw)

/** Appends a line marker to every line that ends in plain code (not in a template, comment or `//` comment). */
export function markLines(code: string): string {
  const scanner = createLineScanner();
  return code
    .split('\n')
    .map((line, i) => {
      scanner.feed(line);
      const safe = scanner.atCode && line.trim() !== '' && !line.includes('//') && !line.trimEnd().endsWith('\\');
      return safe ? `${line} /*@L${i + 1}*/` : line;
    })
    .join('\n');
}

/** Names the compiled cells tslab runs and maps their frames; one per kernel. */
export interface CellNames {
  /**
   * The name the next cell runs under (a word, optionally with a count: `In [3]`) and its source; set before each
   * execution.
   */
  next(label: string, source?: string): void;
  /** The frame lines of a stack, each `cell:line:col` location rewritten to the user's line; others unchanged. */
  mapStack(stack: string): string;
}

/** Wraps vm.runInThisContext (the call tslab's executor runs cells with) so each cell gets a file name. */
export function installCellNames(): CellNames {
  const compiled = new Map<string, { lines: string[]; last: number | undefined }>();
  let label = 'cell';
  let last: number | undefined;
  let seq = 0;
  const original = vm.runInThisContext;
  const wrapped = (code: string, options?: vm.RunningScriptOptions | string): unknown => {
    if (typeof options === 'string' || options?.filename || !/^\(?(async )?function\(exports, require\)/.test(code)) {
      return original(code, options);
    }
    const filename = `${label}#${++seq}`;
    compiled.set(filename, { lines: code.split('\n'), last });
    if (compiled.size > KEEP) compiled.delete(compiled.keys().next().value!);
    return original(code, { ...options, filename });
  };
  vm.runInThisContext = wrapped as typeof vm.runInThisContext;
  return {
    next(l, source) {
      label = l;
      last = source === undefined ? undefined : lastCodeLine(source);
    },
    mapStack(stack) {
      return stack.replace(/([^\s():]+(?: \[\d+\])?#\d+):(\d+):\d+/g, (whole, file: string, line: string) => {
        const cell = compiled.get(file);
        const user = cell && userLine(cell.lines, Number(line), cell.last);
        return user === undefined ? whole : `${file.replace(/#\d+$/, '')}, line ${user}`;
      });
    },
  };
}

/**
 * The cell line of compiled line `n` (1-based): the last marker on it, else on the nearest line above. tslab rewrites
 * the cell's last expression (`exports.tsLastExpr = ...`) without its comments: its lines are counted back from the
 * cell's last line of code, `last`.
 */
export function userLine(compiled: readonly string[], n: number, last?: number): number | undefined {
  for (let i = Math.min(n, compiled.length) - 1; i >= 0; i--) {
    const marks = [...compiled[i]!.matchAll(MARK)];
    if (marks.length > 0) return Number(marks[marks.length - 1]![1]);
    if (last !== undefined && compiled[i]!.startsWith(LAST_EXPR)) {
      let end = compiled.length - 1;
      while (end > i && !compiled[end]!.includes(';')) end--;
      return Math.max(1, last - (end - (n - 1)));
    }
  }
  return undefined;
}

const LAST_EXPR = 'exports.tsLastExpr = ';

/** The 1-based number of the last line that is not blank. */
function lastCodeLine(source: string): number {
  const lines = source.split('\n');
  let i = lines.length;
  while (i > 1 && lines[i - 1]!.trim() === '') i--;
  return i;
}
