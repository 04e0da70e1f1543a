/**
 * Where better-sqlite3 did not install, the sqlite: backend fails with one clear error saying what to install, and
 * every other backend works: the real CLI in a process whose `require('better-sqlite3')` fails as on such a machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { distCli, tempDir } from '../helpers.js';

function cliWithoutBinding(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const hide = join(cwd, 'hide-better-sqlite3.cjs');
  writeFileSync(hide, `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'better-sqlite3') throw new Error("Cannot find module 'better-sqlite3'");
  return load.call(this, request, ...rest);
};\n`);
  const r = spawnSync(process.execPath, ['--require', hide, distCli, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('without the optional better-sqlite3', () => {
  it('names what to install for sqlite: and leaves other stores working', () => {
    const dir = tempDir();
    const sqlite = cliWithoutBinding(dir, 'experiments', 'list', '--store', 'sqlite:///mlflow.db');
    assert.notEqual(sqlite.status, 0);
    assert.match(sqlite.stderr, /better-sqlite3 12\.x.*npm install better-sqlite3@12/s);
    // one message (the CLI currently prints a store-opening error twice, the same line, for every backend)
    assert.equal(new Set(sqlite.stderr.trim().split('\n')).size, 1, sqlite.stderr);
    const json = cliWithoutBinding(dir, 'experiments', 'list', '--store', join(dir, 'tracklab'));
    assert.equal(json.status, 0, json.stderr);
    assert.match(json.stdout, /Default/);
  });
});
