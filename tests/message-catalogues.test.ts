/**
 * Every text an error shows a user lives in its area's catalogue (`messages.ts`, `tracker-messages.ts`), so tests can
 * assert on the words and one failure reads the same wherever it is thrown. This test finds errors under src/ built
 * from a string written at the throw site: `new TracklabError(code, '...')`, `invalid(`...`)`, `corrupt(file, '...')`,
 * `new Error('...')`. The few left are listed below, each with the reason it is not a catalogue text.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from './helpers.js';

/** Errors whose text is not meant for users: `file` and the start of the text, with why. */
const ALLOWED: readonly { file: string; starts: string; why: string }[] = [
  {
    file: 'src/core/history-chunk.ts',
    starts: "'history chunk: truncated'",
    why: 'decoder check on data tracklab wrote',
  },
  { file: 'src/core/history-chunk.ts', starts: '`history chunk: unknown version', why: 'decoder check, as above' },
  { file: 'src/core/history-chunk.ts', starts: "'history chunk: bad flags'", why: 'decoder check, as above' },
  { file: 'src/core/byte-planes.ts', starts: "'history chunk: truncated'", why: 'decoder check, as above' },
  { file: 'src/core/script-text.ts', starts: '`script text:', why: 'decoder check on text the report wrote' },
  { file: 'src/core/search/keys.ts', starts: '`unknown attribute', why: 'the filter parser rejects these first' },
  { file: 'src/core/search/keys.ts', starts: '`unknown dataset key', why: 'the filter parser rejects these first' },
  { file: 'src/core/source-info.ts', starts: "'no stack frame", why: 'V8 always names the module in a stack' },
  { file: 'src/exec/jupyter-server.ts', starts: "'no port'", why: 'a listening TCP server always has a port' },
  { file: 'src/kernel/site-server.ts', starts: "'not a file'", why: 'caught at once and answered with 404' },
  { file: 'src/store/json/json-document.ts', starts: '`${adapter.file} changed', why: 'caught: the read is retried' },
  { file: 'src/store/json/metric-segment.ts', starts: "'magic'", why: 'caught: the segment is rebuilt' },
  { file: 'src/store/json/metric-segment.ts', starts: "'header'", why: 'caught: the segment is rebuilt' },
  { file: 'src/store/json/metric-segment.ts', starts: "'short read'", why: 'caught: the segment is rebuilt' },
  {
    file: 'src/store/mlflow-rest/rest-client.ts',
    starts: "'timeout'",
    why: 'caught: becomes a retry or a clear error',
  },
];

/** The error-making helpers of core/errors.ts and which argument holds their text. */
const HELPERS: Readonly<Record<string, number>> = { invalid: 0, notFound: 0, exists: 0, badState: 0, corrupt: 1 };

const isCatalogue = (file: string): boolean => /(^|-)messages\.ts$/.test(basename(file));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Text written in place: a string, a template, or an expression that joins or picks one. */
function isWrittenText(node: ts.Node): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node))
    return true;
  if (ts.isParenthesizedExpression(node)) return isWrittenText(node.expression);
  if (ts.isConditionalExpression(node)) return isWrittenText(node.whenTrue) || isWrittenText(node.whenFalse);
  return (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
    (isWrittenText(node.left) || isWrittenText(node.right))
  );
}

/** The argument holding an error's text, for `new XError(...)` and the helpers. */
function messageArgument(node: ts.Node): ts.Node | undefined {
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text.endsWith('Error')) {
    return node.arguments?.[node.expression.text === 'TracklabError' ? 1 : 0];
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
    const at = HELPERS[node.expression.text];
    return at === undefined ? undefined : node.arguments[at];
  }
  return undefined;
}

/** Each error built from text written in place: `line` is 1-based, `text` the argument as written. */
export function inlineMessages(file: string, code: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    const arg = messageArgument(node);
    if (arg !== undefined && isWrittenText(arg)) {
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: arg.getText() });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('inlineMessages finds text written at the throw site and passes catalogue calls', () => {
  const code = [
    "throw new TracklabError('IO_ERROR', `could not read ${file}`);",
    "throw invalid('bad ' + key);",
    'throw corrupt(file, `is empty`);',
    "throw new RangeError(ok ? 'a' : 'b');",
    "throw new TracklabError('IO_ERROR', msg.unreadable(file));",
    'throw invalid(msg.badKey(key));',
    "throw corrupt(file, storeMessages.fileEmpty(), 'cause');",
    'throw new MagicSyntaxError(3, error);',
  ].join('\n');
  assert.deepEqual(
    inlineMessages('x.ts', code).map((m) => m.line),
    [1, 2, 3, 4],
  );
});

test('every error text under src/ comes from a message catalogue', () => {
  const used = new Set<number>();
  const inline: string[] = [];
  for (const path of sourceFiles(join(repoRoot, 'src'))) {
    if (isCatalogue(path)) continue;
    const file = relative(repoRoot, path);
    for (const m of inlineMessages(path, readFileSync(path, 'utf8'))) {
      const allowed = ALLOWED.findIndex((a) => a.file === file && m.text.startsWith(a.starts));
      if (allowed >= 0) used.add(allowed);
      else inline.push(`${file}:${m.line}: ${m.text.slice(0, 100)}`);
    }
  }
  assert.deepEqual(inline, [], `move these texts into the area's messages.ts:\n${inline.join('\n')}`);
  const stale = ALLOWED.filter((_, i) => !used.has(i)).map((a) => `${a.file}: ${a.starts}`);
  assert.deepEqual(stale, [], `these allowed texts are gone; remove them from ALLOWED:\n${stale.join('\n')}`);
});
