/**
 * tslab turns a cell's top-level variables into properties of a shared object and rewrites later references to them,
 * but not object shorthand: `let lr = 0.1` in one cell and `console.log({ lr })` in the next throws a ReferenceError.
 * Writing the shorthand out (`{ lr: lr }`) before tslab sees the cell avoids it. Lines are kept, so line numbers stay
 * the user's; columns after the expansion on that line move.
 */
import { tslabTypeScript } from './tslab.js';

/** The cell with every shorthand property `{ x }` written as `{ x: x }` (destructuring targets are left alone). */
export function expandShorthand(code: string): string {
  if (!/\{[^}]*\b[A-Za-z_$][\w$]*\s*[,}]/.test(code)) return code;
  const ts = tslabTypeScript();
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: import('typescript').Node): void => {
    if (
      ts.isShorthandPropertyAssignment(node) &&
      !node.objectAssignmentInitializer &&
      !isAssignmentTarget(ts, node.parent)
    ) {
      inserts.push({ at: node.name.getEnd(), text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/** `({ a } = obj)` or `for ({ a } of xs)`: an object literal that is really a destructuring pattern. */
function isAssignmentTarget(ts: typeof import('typescript'), literal: import('typescript').Node): boolean {
  let node = literal;
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isArrayLiteralExpression(node.parent) ||
    ts.isPropertyAssignment(node.parent) ||
    ts.isObjectLiteralExpression(node.parent)
  )
    node = node.parent;
  const p = node.parent;
  if (ts.isBinaryExpression(p) && p.left === node && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
  return (ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === node;
}
