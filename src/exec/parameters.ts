/**
 * papermill-style parameters for `tracklab exec`: `-p name=value` values are JSON when they parse as JSON, else
 * strings; they are injected as a cell right after the cell tagged `parameters`, assigning the variables that cell
 * declares with `let`. Checked before anything runs.
 */
import { randomUUID } from 'node:crypto';
import { invalid } from '../core/errors.js';
import { execMessages as msg } from './messages.js';
import { hasTag, sourceOf, toLines, type NotebookCell, type Notebook } from './notebook-format.js';
import { blankMagicLines } from '../magics/rewrite.js';
import { tslabTypeScript } from '../kernel/tslab.js';

export const PARAMETERS_TAG = 'parameters';
export const INJECTED_TAG = 'injected-parameters';

/**
 * Parses `name=value`: JSON when it parses (number, boolean, null, array, object, "string"), else the raw string.
 *
 * @example
 * parseParameter('lr=0.1') // ['lr', 0.1]
 * parseParameter('model=rf') // ['model', 'rf']
 */
export function parseParameter(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw invalid(msg.badParam(text));
  const name = text.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw invalid(msg.badParamName(name));
  const raw = text.slice(eq + 1);
  try {
    return [name, JSON.parse(raw) as unknown];
  } catch {
    return [name, raw];
  }
}

interface Declarations {
  lets: string[];
  consts: string[];
  /** name -> the type a parameter must have, when the declaration says (annotation or literal initializer) */
  types: Record<string, ParamType>;
}

type ParamType = 'number' | 'string' | 'boolean' | 'array' | 'object';

/** The top-level `let` and `const` names a cell declares (parsed with the TypeScript compiler tslab ships). */
export function declaredNames(source: string): Declarations {
  const ts = tslabTypeScript();
  const file = ts.createSourceFile(
    'parameters.ts',
    blankMagicLines(source),
    ts.ScriptTarget.ES2022,
    false,
    ts.ScriptKind.TS,
  );
  const out: Declarations = { lets: [], consts: [], types: {} };
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const list = stmt.declarationList;
    const bucket = list.flags & ts.NodeFlags.Const ? out.consts : list.flags & ts.NodeFlags.Let ? out.lets : undefined;
    for (const d of list.declarations) {
      collectNames(ts, d.name, bucket);
      const type = ts.isIdentifier(d.name) ? declaredType(ts, d) : undefined;
      if (type && ts.isIdentifier(d.name)) out.types[d.name.text] = type;
    }
  }
  return out;
}

/** The type a `let` declares: its annotation when it is a plain one, else its literal initializer's. */
function declaredType(ts: TS, d: import('typescript').VariableDeclaration): ParamType | undefined {
  const t = d.type;
  if (t) {
    if (t.kind === ts.SyntaxKind.NumberKeyword) return 'number';
    if (t.kind === ts.SyntaxKind.StringKeyword) return 'string';
    if (t.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
    if (ts.isArrayTypeNode(t)) return 'array';
    return undefined;
  }
  const init = d.initializer && ts.isPrefixUnaryExpression(d.initializer) ? d.initializer.operand : d.initializer;
  if (!init) return undefined;
  if (ts.isNumericLiteral(init)) return 'number';
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) return 'string';
  if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  if (ts.isArrayLiteralExpression(init)) return 'array';
  if (ts.isObjectLiteralExpression(init)) return 'object';
  return undefined;
}

function hasType(value: unknown, type: ParamType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value);
  return typeof value === type;
}

type TS = typeof import('typescript');

function collectNames(ts: TS, name: import('typescript').BindingName, into: string[] | undefined): void {
  if (!into) return;
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(ts, el.name, into);
}

/**
 * The injected cell's source: plain assignments that type-check without @types/node, in a block so tslab does not
 * print the last assignment's value.
 */
export function parameterCellSource(params: Readonly<Record<string, unknown>>): string {
  const lines = ['// Parameters injected by tracklab exec', '{'];
  for (const [name, value] of Object.entries(params)) lines.push(`  ${name} = ${JSON.stringify(value)};`);
  return [...lines, '}'].join('\n');
}

/**
 * A copy of the notebook with the parameters cell injected after the cell tagged `parameters` (replacing an
 * earlier injected cell). Throws before anything runs when a name is not declared with `let` there.
 */
export function injectParameters(nb: Notebook, params: Readonly<Record<string, unknown>>, file: string): Notebook {
  const cells = nb.cells.filter((c) => !hasTag(c, INJECTED_TAG));
  if (Object.keys(params).length === 0) return { ...nb, cells };
  const at = cells.findIndex((c) => c.cell_type === 'code' && hasTag(c, PARAMETERS_TAG));
  if (at < 0) throw invalid(msg.paramsCellMissing(file));
  const { lets, consts, types } = declaredNames(sourceOf(cells[at]!));
  for (const [name, value] of Object.entries(params)) {
    if (consts.includes(name)) throw invalid(msg.paramIsConst(name));
    if (!lets.includes(name)) throw invalid(msg.paramNotDeclared(name, lets));
    const type = types[name];
    if (type && !hasType(value, type)) throw invalid(msg.paramWrongType(name, type, value));
  }
  const injected: NotebookCell = {
    id: randomUUID().slice(0, 8),
    cell_type: 'code',
    source: toLines(parameterCellSource(params)),
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    execution_count: null,
  };
  return { ...nb, cells: [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)] };
}
