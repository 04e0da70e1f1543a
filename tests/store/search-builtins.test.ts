/**
 * A cold search of the JSON store imports no Node builtin as an ES module except node:path: each one imported that way
 * gets a facade module built in every fresh process (node:fs: ~3 ms, a share of the cold search's budget), so the
 * modules on that path take builtins with `process.getBuiltinModule`. The built package, in real processes, with a
 * resolve hook that records which builtins the package's modules import.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { distCli, tempDir } from '../helpers.js';

const DIST_INDEX = pathToFileURL(join(distCli, '..', '..', 'index.js')).href;
const ALLOWED = new Set(['node:path']);

/** The builtins the package's modules import while `script` runs in a fresh process, as "builtin <- module". */
function builtinsImported(dir: string, script: string): string[] {
  writeFileSync(
    join(dir, 'record-hooks.mjs'),
    `import { builtinModules } from 'node:module';
const builtin = (s) => s.startsWith('node:') || builtinModules.includes(s);
export async function resolve(specifier, context, next) {
  if (builtin(specifier) && context.parentURL?.includes('/dist/')) console.error('BUILTIN ' + specifier + ' <- ' + context.parentURL);
  return next(specifier, context);
}\n`,
  );
  const hooks = join(dir, 'record.mjs');
  writeFileSync(hooks, "import { register } from 'node:module';\nregister('./record-hooks.mjs', import.meta.url);\n");
  const r = spawnSync(process.execPath, ['--import', hooks, '--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^found \d+/m, r.stdout);
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('BUILTIN '))
    .map((l) => l.slice('BUILTIN '.length).replace(/file:\/\/.*\/dist\//, 'dist/'));
}

describe('the cold search path', () => {
  it('imports no builtin as an ES module but node:path, without the cache file and with it', async () => {
    const dir = tempDir();
    const store = join(dir, 'store');
    const tracker = await Tracker.open({ store });
    // more runs than a store needs before the search writes its cache
    for (let i = 0; i < 220; i++) {
      const run = await tracker.startRun({ experiment: 'e' });
      run.logMetric('acc', i / 220);
      await run.end();
    }
    await tracker.close();
    const script = `const { Tracker } = await import(${JSON.stringify(DIST_INDEX)});
const t = await Tracker.open({ store: ${JSON.stringify(store)} });
const { runs } = await t.searchRuns({ experiments: ['e'], filter: 'metrics.acc > 0.5', orderBy: ['metrics.acc DESC'] });
console.log('found', runs.length);
await t.close();`;
    for (const which of ['no cache file', 'with the cache file']) {
      const unwanted = builtinsImported(dir, script).filter((l) => !ALLOWED.has(l.split(' ')[0]!));
      assert.deepEqual(unwanted, [], `${which}: take these with process.getBuiltinModule instead`);
    }
  });
});
