import assert from 'node:assert/strict';
import type { Run } from '../../../src/core/entities.js';
import { TracklabError } from '../../../src/core/errors.js';

/** A finished run with sensible defaults; tests override only what they look at. */
export function makeRun(over: Partial<Run> & { id: string }): Run {
  return {
    name: `run-${over.id}`,
    experimentId: '0',
    experimentName: 'Default',
    status: 'FINISHED',
    startTime: 1_700_000_000_000,
    endTime: 1_700_000_060_000,
    lifecycleStage: 'active',
    user: 'ada',
    parentRunId: null,
    params: {},
    metrics: {},
    metricSummaries: {},
    tags: {},
    inputs: [],
    ...over,
  };
}

export const ids = (runs: readonly Run[]): string[] => runs.map((r) => r.id);

/** Asserts an INVALID_PARAMETER_VALUE whose one-line message contains every fragment. */
export function assertInvalid(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TracklabError, `not a TracklabError: ${String(err)}`);
    assert.equal(err.code, 'INVALID_PARAMETER_VALUE');
    assert.ok(err.message.startsWith('tracklab: '), err.message);
    assert.ok(!err.message.includes('\n'), `more than one line: ${err.message}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" lacks "${f}"`);
    return true;
  });
}
