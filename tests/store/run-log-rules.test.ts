/** The run log's folding rules, on strings in memory: no disk, no store. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/entities.js';
import { TracklabError } from '../../src/core/errors.js';
import { applyLines, batchEvents, eventLines } from '../../src/store/json/run-log.js';
import type { RunEvent } from '../../src/store/json/run-events.js';

const FILE = '/store/runs/r1/run.jsonl';

function record(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    experimentId: '1',
    name: 'run',
    status: 'RUNNING',
    startTime: 1000,
    endTime: null,
    lifecycleStage: 'active',
    deletedTime: null,
    user: 'u',
    params: {},
    tags: {},
    metrics: {},
    inputs: [],
    ...over,
  };
}

const log = (...events: RunEvent[]): string => eventLines(events);
const fold = (text: string, skipMetrics = false) => applyLines(undefined, text, FILE, 1, skipMetrics);

describe('folding a run log', () => {
  it('starts from the create line and applies later changes in order', () => {
    const { run, lines } = fold(
      log(
        { op: 'create', run: record() },
        { op: 'params', params: { lr: '0.1' } },
        { op: 'tags', tags: { team: 'a' } },
        { op: 'status', status: 'FINISHED', endTime: 2000 },
        { op: 'name', name: 'renamed' },
      ),
    );
    assert.equal(lines, 5);
    assert.deepEqual({ ...run?.params }, { lr: '0.1' });
    assert.equal(run?.tags['team'], 'a');
    assert.equal(run?.tags['mlflow.runName'], 'renamed');
    assert.equal(run?.status, 'FINISHED');
    assert.equal(run?.endTime, 2000);
  });

  it('keeps the first value of a param when two writers raced on it', () => {
    const { run } = fold(
      log(
        { op: 'create', run: record() },
        { op: 'params', params: { lr: '0.1' } },
        { op: 'params', params: { lr: '0.2', depth: '3' } },
      ),
    );
    assert.deepEqual({ ...run?.params }, { lr: '0.1', depth: '3' });
  });

  it('replaces a dataset input with the same name and digest instead of adding it twice', () => {
    const input = {
      name: 'iris',
      digest: 'abc',
      source: 's',
      context: 'train',
    } as unknown as RunRecord['inputs'][number];
    const { run } = fold(
      log({ op: 'create', run: record() }, { op: 'inputs', inputs: [input] }, { op: 'inputs', inputs: [input] }),
    );
    assert.equal(run?.inputs.length, 1);
  });

  it("ignores metric lines for the run's owner, whose summaries in memory are newer", () => {
    const summary = { value: 1, step: 0, timestamp: 1, min: 1, max: 1, count: 1 };
    const text = log({ op: 'create', run: record() }, { op: 'metrics', metrics: { acc: summary } });
    assert.deepEqual({ ...fold(text, true).run?.metrics }, {});
    assert.deepEqual({ ...fold(text, false).run?.metrics }, { acc: summary });
  });

  it('decodes "NaN" and "Infinity" metric values back to numbers', () => {
    const text = log(
      { op: 'create', run: record() },
      {
        op: 'metrics',
        metrics: { loss: { value: Number.NaN, step: 0, timestamp: 1, min: Number.NaN, max: Infinity, count: 2 } },
      },
    );
    assert.match(text, /"value":"NaN"/);
    const loss = fold(text).run?.metrics['loss'];
    assert.ok(Number.isNaN(loss?.value));
    assert.equal(loss?.max, Infinity);
  });

  it('marks a deleted run with the time of deletion and clears it on restore', () => {
    const deleted = fold(log({ op: 'create', run: record() }, { op: 'lifecycle', stage: 'deleted', at: 5 })).run;
    assert.equal(deleted?.lifecycleStage, 'deleted');
    assert.equal(deleted?.deletedTime, 5);
    const restored = fold(
      log(
        { op: 'create', run: record() },
        { op: 'lifecycle', stage: 'deleted', at: 5 },
        { op: 'lifecycle', stage: 'active', at: 6 },
      ),
    ).run;
    assert.equal(restored?.deletedTime, null);
  });

  it('skips a torn last line and counts only the complete lines and their bytes', () => {
    const complete = log({ op: 'create', run: record() });
    const { run, lines, bytes } = fold(`${complete}{"op":"params","par`);
    assert.equal(run?.id, 'r1');
    assert.equal(lines, 1);
    assert.equal(bytes, Buffer.byteLength(complete));
  });

  it('reports a torn line in the middle (only a torn last line is skipped)', () => {
    assert.throws(
      () =>
        fold(`${log({ op: 'create', run: record() })}{"op":"params","par\n${log({ op: 'tags', tags: { a: 'b' } })}`),
      /has an unreadable line 2/,
    );
  });

  it('reports a run still being created when the first line is incomplete', () => {
    assert.equal(fold('{"op":"create","run":{"id"').run, undefined);
  });

  it('refuses a damaged complete line, a log that does not start with create, and an unknown change, naming the file', () => {
    const bad = (text: string, re: RegExp) =>
      assert.throws(
        () => fold(text),
        (e: unknown) =>
          e instanceof TracklabError && e.code === 'CORRUPT_STORE' && re.test(e.message) && e.message.includes(FILE),
      );
    bad(`${log({ op: 'create', run: record() })}{"op":}\n`, /unreadable line 2/);
    bad(log({ op: 'tags', tags: {} }), /does not start with a run/);
    bad(`${log({ op: 'create', run: record() })}{"op":"explode"}\n`, /unknown change "explode" at line 2/);
  });
});

describe('the lines a batch adds', () => {
  it('adds only params not set yet, and tags and inputs as given', () => {
    const events = batchEvents(record({ params: { lr: '0.1' } }), {
      params: { lr: '0.1', depth: '3' },
      tags: { t: 'x' },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(events)), [
      { op: 'params', params: { depth: '3' } },
      { op: 'tags', tags: { t: 'x' } },
    ]);
  });

  it('adds nothing for an empty batch', () => {
    assert.deepEqual(batchEvents(record(), {}), []);
  });

  it('refuses a different value for a param already set, naming the key, the run and both values', () => {
    assert.throws(
      () => batchEvents(record({ params: { lr: '0.1' } }), { params: { lr: '0.2' } }),
      /param "lr" of run r1 is "0.1", got "0.2"/,
    );
  });

  it('refuses any change to a deleted run and says how to restore it', () => {
    assert.throws(
      () => batchEvents(record({ lifecycleStage: 'deleted' }), { tags: { a: 'b' } }),
      (e: unknown) =>
        e instanceof TracklabError && e.code === 'INVALID_STATE' && /tracklab runs restore r1/.test(e.message),
    );
  });
});
