/**
 * Every name exported from src/ is declared once: two modules exporting `RunPage` make imports ambiguous to read and to
 * auto-complete. Re-exports (`export { x } from`, `export *`) pass on the same declaration and do not count.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from './helpers.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** The names a module declares and exports itself. */
export function declaredExports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const imported = new Set(
    source.statements.filter(ts.isImportDeclaration).flatMap((node) => {
      const clause = node.importClause;
      const named =
        clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      return [...(clause?.name ? [clause.name.text] : []), ...named.map((e) => e.name.text)];
    }),
  );
  const names: string[] = [];
  for (const node of source.statements) {
    if (ts.isVariableStatement(node) && isExported(node)) {
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isTypeAliasDeclaration(node) ||
        ts.isEnumDeclaration(node)) &&
      isExported(node) &&
      node.name
    ) {
      names.push(node.name.text);
    } else if (ts.isExportDeclaration(node) && !node.moduleSpecifier && node.exportClause) {
      if (!ts.isNamedExports(node.exportClause)) continue;
      for (const e of node.exportClause.elements) {
        if (!imported.has((e.propertyName ?? e.name).text)) names.push(e.name.text);
      }
    }
  }
  return [...new Set(names)]; // an overloaded function declares its name more than once
}

test('declaredExports finds each kind of export and skips re-exports', () => {
  const text = [
    'export const a = 1, b = 2;',
    'export function f(): void {}',
    'export function f(x?: number): void {}',
    'export class C {}',
    'export interface I {}',
    'export type T = string;',
    'const hidden = 1;',
    'export { hidden as shown };',
    "export { x } from './x.js';",
    "export * from './y.js';",
    "import { z } from './z.js';",
    'export { z };',
  ].join('\n');
  assert.deepEqual(declaredExports('m.ts', text), ['a', 'b', 'f', 'C', 'I', 'T', 'shown']);
});

test('no two modules under src/ export the same name', () => {
  const owners = new Map<string, string[]>();
  for (const file of sourceFiles(join(repoRoot, 'src'))) {
    for (const name of declaredExports(file, readFileSync(file, 'utf8'))) {
      owners.set(name, [...(owners.get(name) ?? []), relative(repoRoot, file)]);
    }
  }
  const clashes = [...owners]
    .filter(([, files]) => files.length > 1)
    .map(([name, files]) => `${name}: ${files.join(', ')}`);
  assert.deepEqual(clashes, [], `exported more than once (rename one, or stop exporting it):\n${clashes.join('\n')}`);
});
