/** docs/registry.md's ```ts examples, joined in order, are type-checked and run, so the docs cannot drift. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

const ROOT = process.cwd();

export function extractTs(markdown: string): string {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

test('docs/registry.md examples type-check and run', { timeout: 120_000 }, () => {
  const dir = tempDir('tracklab-docs-');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const code = extractTs(readFileSync(join(ROOT, 'docs', 'registry.md'), 'utf8')).replaceAll(
    "from 'tracklab'",
    `from '${join(ROOT, 'src', 'index.js')}'`,
  );
  const file = join(dir, 'registry-docs.mts');
  writeFileSync(file, code);
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--typeRoots',
      join(ROOT, 'node_modules', '@types'),
      file,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  const out = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: dir, encoding: 'utf8' });
  assert.match(out, /^runs:\/[0-9a-f]{32}\/model$/m);
  assert.match(out, /^ml-random-forest$/m);
  assert.match(out, /^\[ 7 \]$/m);
  assert.match(out, /^1$/m);
  assert.match(out, /version: 1,/);
  assert.match(out, /^\[ 0 \]$/m);
  assert.match(out, /^transition 1 None -> Production .* first model$/m);
  assert.match(out, /^set_alias 1 1 -> 1 champion .* confirmed after review$/m);
});
