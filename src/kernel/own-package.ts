/**
 * Lets a notebook `import ... from 'tracklab'` where no node_modules holds tracklab (a folder outside any npm project,
 * with the kernel installed from elsewhere): the kernel's own copy answers, both for the type-checker (the way tslab
 * answers `import 'tslab'`) and at run time. A copy the notebook's folder resolves itself always wins. It also gives
 * the type-checker Node's types (`process`, `setTimeout`) when tslab's own fallback folder is missing because npm
 * hoisted tslab's @types/node into the project the kernel was installed in.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypeScriptApi } from './tslab.js';

const NAME = 'tracklab';

/** tracklab's package folder (this file is in dist/kernel or src/kernel). */
export const ownPackageRoot = (): string => fileURLToPath(new URL('../..', import.meta.url)).replace(/[/\\]$/, '');

/** Whether Node10 resolution from `dir` finds a node_modules/tracklab (what tslab's type-checker uses). */
export function nodeModulesHold(dir: string, name = NAME): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', name, 'package.json'))) return true;
    if (d === parse(d).root) return false;
  }
}

/**
 * Installs the fallbacks for notebooks run from `cwd`: the type-checker sees `<cwd>/node_modules/tracklab` as the
 * kernel's package when no node_modules above `cwd` holds one, and `require('tracklab')` that fails resolves to it.
 */
export function provideOwnPackage(cwd: string, ts: TypeScriptApi, root = ownPackageRoot()): void {
  const links: [string, string][] = [];
  if (!nodeModulesHold(cwd)) links.push([join(cwd, 'node_modules', NAME), root]);
  const types = nodeTypesDir(root);
  const cwdTypes = join(cwd, 'node_modules', '@types');
  if (types && !nodeModulesHold(cwd, '@types/node') && !existsSync(cwdTypes)) links.push([cwdTypes, types]);
  if (links.length > 0) forwardForTypeChecker(ts, links);
  resolveOwnAtRunTime(root);
}

/** Makes each virtual folder read as its real one: tslab's compiler host reads files through ts.sys. */
function forwardForTypeChecker(ts: TypeScriptApi, links: readonly [string, string][]): void {
  const fwd = (p: string): string => {
    for (const [virtual, real] of links) {
      if (p === virtual || p.startsWith(`${virtual}/`) || p.startsWith(`${virtual}\\`))
        return real + p.slice(virtual.length);
    }
    return p;
  };
  const sys = ts.sys as unknown as Record<string, (p: string, ...rest: unknown[]) => unknown>;
  for (const name of ['readFile', 'fileExists', 'directoryExists', 'readDirectory', 'getDirectories', 'realpath']) {
    const original = sys[name];
    if (original) sys[name] = (p: string, ...rest: unknown[]) => original.call(ts.sys, fwd(p), ...rest);
  }
}

/** The folder holding @types/node as tslab resolves it (where its type-checker looks for Node's types). */
function nodeTypesDir(root: string): string | undefined {
  try {
    const fromTslab = createRequire(createRequire(join(root, 'package.json')).resolve('tslab/package.json'));
    return dirname(dirname(fromTslab.resolve('@types/node/package.json')));
  } catch {
    return undefined;
  }
}

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;

function resolveOwnAtRunTime(root: string): void {
  const mod = Module as unknown as { _resolveFilename: Resolve };
  const original = mod._resolveFilename;
  const own = createRequire(join(root, 'package.json'));
  mod._resolveFilename = function (request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (e) {
      if (request !== NAME && !request.startsWith(`${NAME}/`)) throw e;
      return own.resolve(request);
    }
  };
}
