/** Every ```ts example in README.md type-checks and runs, so the docs cannot drift from the code. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot, tempDir } from './helpers.js';

const docs = ['README.md'];
const blocks = docs.flatMap((doc) =>
  [...readFileSync(join(repoRoot, doc), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m, i) => ({
    doc,
    index: i + 1,
    code: m[1] as string,
  })),
);

// Inside the repository so `import ... from 'tracklab'` resolves to this package by self-reference (package.json
// "exports").
const work = join(repoRoot, 'tmp', `docs-examples-${process.pid}`);
mkdirSync(work, { recursive: true });
after(() => rmSync(work, { recursive: true, force: true }));
const files = blocks.map(({ doc, index, code }) => {
  const file = join(work, `${doc.replace(/[/.]/g, '_')}_${index}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  return file;
});

describe('documentation examples', () => {
  it('finds examples to check', () => {
    assert.ok(blocks.length >= 3, `${blocks.length} examples`);
  });

  it('type-check under the strict settings', () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--types',
        'node',
        ...files,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  for (const [i, block] of blocks.entries()) {
    it(`${block.doc} example ${block.index} runs`, () => {
      const store = tempDir();
      execFileSync(process.execPath, ['--import', 'tsx', files[i] as string], {
        cwd: work,
        env: { ...process.env, TRACKLAB_STORE: store },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    });
  }
});
