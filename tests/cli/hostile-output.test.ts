/** The CLI never passes terminal control sequences from stored data to the terminal, and never creates a store. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { escapeControl, escapeJsonControl } from '../../src/cli/terminal-text.js';
import { distCli, tempDir } from '../helpers.js';

const cli = (store: string, ...args: string[]) =>
  spawnSync(process.execPath, [distCli, '--store', store, ...args], { encoding: 'utf8' });

const HOSTILE = 'run\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\u0000';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile text in CLI output', () => {
  it('escapes control characters and bidi overrides in tables, details and JSON', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: `exp${HOSTILE}`, name: HOSTILE, tags: { t: HOSTILE } });
    await run.logParam('p', HOSTILE);
    await run.end();
    for (const args of [
      ['runs', 'list'],
      ['runs', 'show', run.id],
      ['experiments', 'list'],
      ['runs', 'list', '--json'],
      ['runs', 'show', run.id, '--json'],
    ]) {
      const r = cli(store, ...args);
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, RAW_CONTROL, `tracklab ${args.join(' ')} printed a raw control character`);
      if (args.includes('--json')) assert.match(JSON.stringify(JSON.parse(r.stdout)), /pwned/);
      else assert.match(r.stdout, /run\\x1b\]0;pwned\\x07/);
    }
    const err = cli(store, 'runs', 'show', `x${HOSTILE.replace('\u0000', '')}`);
    assert.notEqual(err.status, 0);
    assert.doesNotMatch(err.stderr, RAW_CONTROL);
  });

  it('escapes every C0, C1 and bidi control, keeps tabs, newlines and ordinary text', () => {
    for (let c = 0; c < 0x2070; c++) {
      const ch = String.fromCharCode(c);
      const out = escapeControl(ch);
      if (ch === '\n' || ch === '\t') assert.equal(out, ch);
      else assert.ok(!RAW_CONTROL.test(out), `U+${c.toString(16)} passed raw`);
    }
    assert.equal(escapeControl('loss é 名前'), 'loss é 名前');
    assert.deepEqual(JSON.parse(escapeJsonControl(JSON.stringify(HOSTILE))), HOSTILE);
  });
});

describe('read-only commands', () => {
  it('do not create a store in a folder that is not one', () => {
    const dir = tempDir();
    for (const args of [
      ['runs', 'list'],
      ['experiments', 'list'],
      ['models', 'list'],
    ]) {
      const r = cli(dir, ...args);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /no tracklab store at .* \(it has no tracklab-store\.json\)/);
    }
    assert.deepEqual(readdirSync(dir), []);
    const missing = join(dir, 'nothing-here');
    assert.equal(cli(missing, 'runs', 'list').status, 3);
    assert.equal(existsSync(missing), false);
  });
});
