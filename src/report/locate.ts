/**
 * Finds the tracklab package folder (for `templates/` and the vega builds in its dependencies) without
 * `import.meta`, which notebook kernels cannot compile. In order: an explicit folder, the file of this very module
 * (read from a stack trace, works for dist/ and for src/ under tsx), `tracklab` resolved from the working folder,
 * then the working folder and its parents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TracklabError } from '../core/errors.js';
import { reportMessages as msg } from './messages.js';

const isPackageRoot = (dir: string): boolean => {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
    return pkg.name === 'tracklab' && existsSync(path.join(dir, 'templates', 'layout.hbs'));
  } catch {
    return false;
  }
};

function searchUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (isPackageRoot(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The file this module was loaded from, as the V8 stack trace names it. */
function ownFile(): string | undefined {
  const stack = new Error().stack ?? '';
  const m = /((?:file:\/\/)?\/[^\s():]*\/report\/locate\.[cm]?[jt]s)/.exec(stack);
  if (!m) return undefined;
  const hit = m[1] as string;
  return hit.startsWith('file://') ? fileURLToPath(hit) : hit;
}

function fromCwdResolve(): string | undefined {
  try {
    const req = createRequire(path.join(process.cwd(), 'noop.js'));
    return path.dirname(req.resolve('tracklab/package.json'));
  } catch {
    return undefined;
  }
}

let cached: string | undefined;

export function packageRoot(explicit?: string): string {
  if (explicit) return explicit;
  if (cached) return cached;
  const own = ownFile();
  const candidates = [own ? searchUp(path.dirname(own)) : undefined, fromCwdResolve(), searchUp(process.cwd())];
  const found = candidates.find((c): c is string => c !== undefined && isPackageRoot(c));
  if (!found) {
    throw new TracklabError('IO_ERROR', msg.packageMissing());
  }
  cached = found;
  return found;
}

/**
 * Absolute path of a file in a dependency of tracklab, e.g. `vega/build/vega.min.js`, looked up the way Node does
 * (node_modules of the package, then of each parent) because the packages' export maps hide their build folders.
 */
export function dependencyFile(root: string, request: string): string {
  let dir = root;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', ...request.split('/'));
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new TracklabError('IO_ERROR', msg.dependencyMissing(request, root));
    dir = parent;
  }
}
