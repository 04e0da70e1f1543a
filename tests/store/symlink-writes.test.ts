/** Writes through symlinks stay inside the run's artifacts: refused or contained by real path, never outside. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { tempDir } from '../helpers.js';

describe('symlinks in artifact folders', () => {
  it('refuses to write through an artifacts folder or a sub-folder that links outside', async () => {
    const store = tempDir();
    const outside = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'links' });
    const artifacts = join(store, 'runs', run.id, 'artifacts');
    rmSync(artifacts, { recursive: true, force: true });
    symlinkSync(outside, artifacts);
    await assert.rejects(run.logText('x', 'a.txt'), /PERMISSION_DENIED|leads outside the run's artifacts; refused/);
    writeFileSync(join(outside, 'planted.txt'), 'secret');
    await assert.rejects(tracker.readArtifact(run.id, 'planted.txt'), /points outside the store; refused/);
    rmSync(artifacts);
    mkdirSync(artifacts);
    symlinkSync(outside, join(artifacts, 'sub'));
    await assert.rejects(run.logText('x', 'sub/a.txt'), /leads outside the run's artifacts; refused/);
    await assert.rejects(run.logText('x', 'sub/deeper/a.txt'), /leads outside the run's artifacts; refused/);
    const local = join(tempDir(), 'f.txt');
    writeFileSync(local, 'data');
    await assert.rejects(run.logArtifact(local, 'sub'), /leads outside the run's artifacts; refused/);
    assert.deepEqual(readdirSync(outside), ['planted.txt']);
    await run.end();
  });

  it('replaces a symlinked file instead of writing through it, and keeps a folder named ".." inside', async () => {
    const store = tempDir();
    const outside = tempDir();
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'original');
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'links' });
    await run.logText('first', 'note.txt');
    const artifacts = join(store, 'runs', run.id, 'artifacts');
    rmSync(join(artifacts, 'note.txt'));
    symlinkSync(victim, join(artifacts, 'note.txt'));
    await run.logText('second', 'note.txt');
    const copied = join(tempDir(), 'copied.txt');
    writeFileSync(copied, 'copy');
    symlinkSync(victim, join(artifacts, 'copied.txt'));
    await run.logArtifact(copied);
    assert.equal(readFileSync(victim, 'utf8'), 'original');
    assert.equal((await tracker.readArtifact(run.id, 'note.txt')).toString(), 'second');
    const parent = tempDir();
    const child = join(parent, 'child');
    mkdirSync(child);
    writeFileSync(join(parent, 'p.txt'), 'p');
    await run.logArtifact(join(child, '..'));
    assert.ok(existsSync(join(artifacts, parent.split('/').pop() as string, 'p.txt')));
    assert.ok(!existsSync(join(store, 'runs', run.id, 'p.txt')));
    await run.end();
  });
});
