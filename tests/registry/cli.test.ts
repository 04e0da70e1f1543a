/** `tracklab models ...` through the built CLI (run `npm run build` first). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openTemp, runWithModel } from './helpers.js';
import type { RegisteredModel } from '../../src/registry/views.js';
import type { Lineage } from '../../src/registry/model-registry.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');

function cli(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--store', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TRACKLAB_USER: 'ci-bot' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(dir: string, ...args: string[]): string {
  const r = cli(dir, ...args);
  assert.equal(r.status, 0, `tracklab ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** One line on stderr, the given exit status, no stack trace. */
function fails(dir: string, status: number, pattern: RegExp, ...args: string[]): void {
  const r = cli(dir, ...args);
  assert.equal(r.status, status, `tracklab ${args.join(' ')}: status ${r.status}, stderr ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test(
  'models register, stage, alias, resolve, show, list and lineage',
  { skip: !existsSync(CLI) && 'run npm run build first' },
  async (t) => {
    const { tracker, dir } = await openTemp(t);
    const runId = await runWithModel(tracker);
    assert.match(
      ok(dir, 'models', 'register', 'iris-rf', '--run', runId),
      /registered iris-rf version 1 from runs:\/.*\/model/,
    );
    assert.equal(
      (
        JSON.parse(ok(dir, 'models', 'register', 'iris-rf', '--run', runId, '--path', 'model', '--json')) as {
          version: number;
        }
      ).version,
      2,
    );
    assert.match(ok(dir, 'models', 'stage', 'iris-rf', '1', 'production'), /iris-rf version 1 is now in Production/);
    ok(dir, 'models', 'stage', 'iris-rf', '2', 'Production', '--archive-existing', '--comment', 'better');
    assert.match(ok(dir, 'models', 'alias', 'iris-rf', 'champion', '2'), /iris-rf@champion -> version 2/);
    ok(dir, 'models', 'alias', 'iris-rf', 'old', '1');
    assert.match(ok(dir, 'models', 'alias', 'iris-rf', 'old', '--delete'), /removed alias @old/);

    assert.deepEqual(JSON.parse(ok(dir, 'models', 'resolve', 'models:/iris-rf@champion', '--json')), {
      name: 'iris-rf',
      version: 2,
      runId,
      source: `runs:/${runId}/model`,
      path: 'model',
    });
    assert.match(ok(dir, 'models', 'resolve', 'models:/iris-rf/Production'), /-> iris-rf version 2/);

    const shown = JSON.parse(ok(dir, 'models', 'show', 'iris-rf', '--json')) as RegisteredModel;
    assert.deepEqual(shown, JSON.parse(JSON.stringify(await tracker.getRegisteredModel('iris-rf'))));
    assert.deepEqual(shown.aliases, { champion: 2 });
    assert.deepEqual(
      shown.versions.map((v) => [v.version, v.stage, v.aliases]),
      [
        [1, 'Archived', []],
        [2, 'Production', ['champion']],
      ],
    );
    const promo = shown.history.find((h) => h.action === 'transition' && h.version === 2);
    assert.deepEqual(promo, {
      ...promo,
      user: 'ci-bot',
      from: 'None',
      to: 'Production',
      alias: null,
      comment: 'better',
    });
    assert.match(
      ok(dir, 'models', 'show', 'iris-rf'),
      /model iris-rf[\s\S]*VERSION[\s\S]*Production[\s\S]*@champion[\s\S]*history/,
    );

    assert.equal((JSON.parse(ok(dir, 'models', 'list', '--json')) as RegisteredModel[])[0]?.name, 'iris-rf');
    assert.match(ok(dir, 'models', 'list'), /iris-rf\s+2\s+2\s+v2\s+@champion=2/);
    const lineage = JSON.parse(ok(dir, 'models', 'lineage', 'models:/iris-rf@champion', '--json')) as Lineage;
    assert.equal(lineage.run?.id, runId);
    assert.match(ok(dir, 'models', 'lineage', 'iris-rf', '1'), /iris-rf version 1 \(Archived\)/);
    assert.match(ok(dir, 'models', 'delete-version', 'iris-rf', '1'), /deleted iris-rf version 1/);
  },
);

test('models errors: one line, non-zero exit', { skip: !existsSync(CLI) && 'run npm run build first' }, async (t) => {
  const { tracker, dir } = await openTemp(t);
  const runId = await runWithModel(tracker);
  fails(
    dir,
    3,
    /run 0123456789abcdef0123456789abcdef does not exist/,
    'models',
    'register',
    'm',
    '--run',
    '0123456789abcdef0123456789abcdef',
  );
  fails(dir, 2, /climbs out with "\.\."/, 'models', 'register', 'm', '--run', runId, '--path', '../../etc');
  fails(dir, 2, /run id "\.\." is invalid/, 'models', 'register', 'm', '--run', '..');
  fails(dir, 2, /model name "\.\.\/x" is invalid/, 'models', 'register', '../x', '--run', runId);
  fails(dir, 3, /registered model "nope" does not exist/, 'models', 'show', 'nope');
  ok(dir, 'models', 'register', 'm', '--run', runId);
  fails(dir, 2, /stage "prod" is invalid/, 'models', 'stage', 'm', '1', 'prod');
  fails(dir, 2, /model version "x" is invalid/, 'models', 'stage', 'm', 'x', 'Staging');
  fails(dir, 2, /archive-existing works only/, 'models', 'stage', 'm', '1', 'None', '--archive-existing');
  fails(dir, 2, /alias "latest" is reserved/, 'models', 'alias', 'm', 'latest', '1');
  fails(dir, 2, /give the VERSION alias "a" should point to/, 'models', 'alias', 'm', 'a');
  fails(dir, 2, /not both/, 'models', 'alias', 'm', 'a', '1', '--delete');
  fails(dir, 3, /has no alias "ghost"/, 'models', 'resolve', 'models:/m@ghost');
  fails(dir, 2, /model URI "file:\/\/\/etc\/passwd" is invalid/, 'models', 'resolve', 'file:///etc/passwd');
});
