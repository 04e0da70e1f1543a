import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temp folder removed when the test file ends. */
export function tempDir(prefix = 'tracklab-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const distCli = join(repoRoot, 'dist', 'cli', 'main.js');
