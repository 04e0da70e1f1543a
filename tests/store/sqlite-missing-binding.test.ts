/**
 * Where better-sqlite3 did not install, the sqlite: backend fails with one clear error saying what to install, and
 * every other backend works: the real CLI in a process whose `require('better-sqlite3')` fails as on such a machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { distCli, tempDir } from '../helpers.js';

function cliWithoutBinding(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // the binding is loaded with a dynamic import, so hide it from ESM resolution
  writeFileSync(
    join(cwd, 'hide-hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  if (specifier === 'better-sqlite3') throw new Error("Cannot find module 'better-sqlite3'");
  return next(specifier, context);
}\n`,
  );
  const hide = join(cwd, 'hide-better-sqlite3.mjs');
  writeFileSync(hide, "import { register } from 'node:module';\nregister('./hide-hooks.mjs', import.meta.url);\n");
  const r = spawnSync(process.execPath, ['--import', hide, distCli, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('without the optional better-sqlite3', () => {
  it('names what to install for sqlite: and leaves other stores working', async () => {
    const dir = tempDir();
    const sqlite = cliWithoutBinding(dir, 'experiments', 'list', '--store', 'sqlite:///mlflow.db');
    assert.notEqual(sqlite.status, 0);
    assert.match(sqlite.stderr, /better-sqlite3 12\.x.*npm install better-sqlite3@12/s);
    assert.equal(sqlite.stderr.trim().split('\n').length, 1, `one line: ${sqlite.stderr}`);
    // read-only commands refuse a folder that holds no store, so make one first
    await (await openJsonBackend(join(dir, 'tracklab'))).close();
    const json = cliWithoutBinding(dir, 'experiments', 'list', '--store', join(dir, 'tracklab'));
    assert.equal(json.status, 0, json.stderr);
    assert.match(json.stdout, /Default/);
  });
});
