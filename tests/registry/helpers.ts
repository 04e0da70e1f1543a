/** Shared setup for registry and model tests: a fresh store per test, runs with a logged model. */
import type { TestContext } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { removeTempDir, tempDir } from '../helpers.js';
import { TracklabError, type ErrorCode } from '../../src/core/errors.js';

export async function openTemp(t: TestContext, user = 'alice'): Promise<{ tracker: Tracker; dir: string }> {
  const dir = tempDir('tracklab-registry-');
  const tracker = await Tracker.open({ store: dir, user });
  t.after(async () => {
    await tracker.close();
    removeTempDir(dir);
  });
  return { tracker, dir };
}

/** A finished run that logged `model` (json flavor) at `path`; returns the run id. */
export async function runWithModel(tracker: Tracker, model: unknown = { w: 2, b: 1 }, path = 'model'): Promise<string> {
  const run = await tracker.startRun({ experiment: 'registry-tests' });
  await run.logModel(model, { path });
  await run.end();
  return run.id;
}

/** Asserts that `promise` rejects with a TracklabError of `code` whose message matches `pattern`. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TracklabError)) throw error;
    if (error.code !== code || !pattern.test(error.message)) {
      throw new Error(`expected ${code} matching ${pattern}, got ${error.code}: ${error.message}`, { cause: error });
    }
    if (error.message.includes('\n')) throw new Error(`error message spans lines: ${error.message}`, { cause: error });
    return;
  }
  throw new Error(`expected a rejection with ${code}`);
}
