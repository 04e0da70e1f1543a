/** The package loads the way notebooks load it: CommonJS require() and TypeScript's Node10 resolution. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { TRACKLAB_VERSION } from '../src/index.js';
import { repoRoot, tempDir } from './helpers.js';

function projectUsingTracklab(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'tracklab'));
  return dir;
}

describe('package', () => {
  it('require("tracklab") works from CommonJS and logs a run', () => {
    const dir = projectUsingTracklab();
    writeFileSync(
      join(dir, 'use.cjs'),
      `
      const { Tracker } = require('tracklab');
      (async () => {
        const tracker = await Tracker.open({ store: ${JSON.stringify(join(dir, 'store'))} });
        const run = await tracker.startRun({ experiment: 'cjs' });
        run.logMetric('m', 1);
        await run.end();
        console.log((await tracker.getRun(run.id)).metrics.m);
      })();
    `,
    );
    assert.equal(execFileSync(process.execPath, [join(dir, 'use.cjs')], { encoding: 'utf8' }).trim(), '1');
  });

  it('type-checks as tslab compiles cells: CommonJS with Node10 resolution', () => {
    const dir = projectUsingTracklab();
    writeFileSync(
      join(dir, 'cell.ts'),
      `
      import { Tracker, type Run } from 'tracklab';
      export async function f(): Promise<Run> {
        const t = await Tracker.open();
        const run = await t.startRun({ experiment: 'x' });
        run.logMetric('loss', 0.5, { step: 1 });
        return t.getRun(run.id);
      }
    `,
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(
      process.execPath,
      [
        tsc,
        '--module',
        'commonjs',
        '--moduleResolution',
        'node10',
        '--target',
        'es2020',
        '--strict',
        '--noEmit',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(repoRoot, 'node_modules', '@types'),
        join(dir, 'cell.ts'),
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
  });

  it('exports the backend seam from tracklab/store, for require() and Node10 type resolution', () => {
    const dir = projectUsingTracklab();
    writeFileSync(
      join(dir, 'seam.ts'),
      `
      import { openBackend, type Backend, type TrackingStore } from 'tracklab/store';
      export async function kind(path: string): Promise<string> {
        const backend: Backend = await openBackend(path);
        const tracking: TrackingStore = backend.tracking;
        await tracking.listExperiments();
        await backend.close();
        return backend.kind;
      }
    `,
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(
      process.execPath,
      [
        tsc,
        '--module',
        'commonjs',
        '--moduleResolution',
        'node10',
        '--target',
        'es2020',
        '--strict',
        '--noEmit',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(repoRoot, 'node_modules', '@types'),
        join(dir, 'seam.ts'),
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    writeFileSync(
      join(dir, 'seam.cjs'),
      `
      const { openBackend } = require('tracklab/store');
      openBackend(${JSON.stringify(join(dir, 'mlruns'))}).then(async (b) => { console.log(b.kind); await b.close(); });
    `,
    );
    assert.equal(execFileSync(process.execPath, [join(dir, 'seam.cjs')], { encoding: 'utf8' }).trim(), 'mlruns');
  });

  it('has no import.meta or top-level await in anything require("tracklab") loads', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      if (/\bimport\.meta\.\w|^await\s/m.test(code)) offenders.push(file);
      for (const [, rel] of code.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g))
        visit(join(dirname(file), rel as string));
    };
    visit(join(repoRoot, 'dist', 'index.js'));
    assert.ok(seen.size > 10, `followed ${seen.size} modules`);
    assert.deepEqual(offenders, []);
  });

  it('declares its version once: package.json and TRACKLAB_VERSION agree', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; types: string };
    assert.equal(TRACKLAB_VERSION, pkg.version);
    assert.equal(pkg.types, './dist/index.d.ts');
  });
});
