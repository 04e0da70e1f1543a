/**
 * The YAML library, loaded on first use: reading and searching a folder usually needs only the flat meta.yaml reader
 * (meta-yaml.ts), and loading the library costs a cold process more than the search itself. Loaded with a require
 * resolved from this module's own file, found in a stack trace because notebooks compile tracklab without
 * `import.meta`.
 */
import { join } from 'node:path';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { createRequire } = process.getBuiltinModule('node:module');
const { fileURLToPath } = process.getBuiltinModule('node:url');

type YamlLib = typeof import('yaml');
let lib: YamlLib | undefined;

function ownFile(): string {
  const m = /((?:file:\/\/)?\/[^\s():]*\/mlruns\/yaml-lib\.[cm]?[jt]s)/.exec(new Error().stack ?? '');
  const hit = m?.[1];
  if (hit === undefined) return join(process.cwd(), 'noop.js');
  return hit.startsWith('file://') ? fileURLToPath(hit) : hit;
}

/** The `yaml` package (parseDocument, stringify), loaded synchronously once. */
export function yamlLib(): YamlLib {
  lib ??= createRequire(ownFile())('yaml') as YamlLib;
  return lib;
}
