/** Helpers every test may use: the one temp-folder helper, and where the repository and the built CLI are. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { mulberry32 } from './random.js';

const made = new Set<string>();
const removeAll = (): void => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
};
// Registered while this module is first evaluated, at the top level of a test file, so it runs when that file's tests
// end: an after() registered inside a before() hook would run as soon as the hook returns.
after(removeAll);
// A test file that is interrupted still leaves nothing in the temp folder.
process.once('exit', removeAll);

/**
 * A fresh folder under the OS temp folder, removed when the test file ends (and at process exit, whatever happens).
 * Every test that needs a folder on disk takes it from here; removeTempDir frees one earlier.
 *
 * @example const store = join(tempDir(), 'store');
 */
export function tempDir(prefix = 'tracklab-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes a folder made by tempDir now (for tests that must free space or a mount point early). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

export const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const distCli = join(repoRoot, 'dist', 'cli', 'main.js');

/**
 * Random numbers in [0, 1) from a seed that the test prints, for choices such as kill points: a failure is replayed
 * with `TRACKLAB_TEST_SEED=<seed>`. Without the variable each run takes a new seed.
 *
 * @example const random = seededRandom(t); const killAfter = 5 + Math.floor(random() * 20);
 */
export function seededRandom(t: { diagnostic(message: string): void }): () => number {
  const fromEnv = Number(process.env['TRACKLAB_TEST_SEED']);
  const seed =
    Number.isInteger(fromEnv) && process.env['TRACKLAB_TEST_SEED'] ? fromEnv : Math.floor(Math.random() * 2 ** 31);
  t.diagnostic(`random seed ${seed} (replay with TRACKLAB_TEST_SEED=${seed})`);
  return mulberry32(seed);
}

/**
 * A tmpfs of `size` (e.g. '2m') mounted on a new temp folder for a disk-full or read-only test, unmounted and removed
 * after the file's tests; undefined where mounting is not allowed (not root, no tmpfs), so the caller can skip.
 */
export function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tracklab-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
