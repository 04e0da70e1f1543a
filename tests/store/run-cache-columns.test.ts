/** The run cache's base rebuilds every record from its columns exactly as it was folded, and reports any damage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSummary, RunRecord } from '../../src/core/entities.js';
import { BadBase, BaseFile, encodeBase, type Entry } from '../../src/store/json/run-cache-file.js';
import { mulberry32 } from '../random.js';

const dict = <T>(entries: [string, T][]): Record<string, T> =>
  Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));

function summary(value: number, extra: Partial<MetricSummary> = {}): MetricSummary {
  return { value, step: 3, timestamp: 1_700_000_000_123, min: value, max: value, count: 1, ...extra };
}

function record(i: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: `run${i}`,
    experimentId: String(1 + (i % 2)),
    name: `été ${i} 😀`,
    status: i % 3 ? 'FINISHED' : 'RUNNING',
    startTime: 1_700_000_000_000 + i,
    endTime: i % 3 ? 1_700_000_000_500 + i : null,
    lifecycleStage: i % 5 ? 'active' : 'deleted',
    deletedTime: i % 5 ? null : 1_700_000_001_000,
    user: 'me',
    params: dict([['lr', String(i % 7)]]),
    tags: dict([['mlflow.runName', `été ${i} 😀`]]),
    metrics: dict([['acc', summary(i / 10)]]),
    inputs: [],
    ...over,
  };
}

/** `records` through a base file and back. */
function roundTrip(records: RunRecord[]): { base: BaseFile; text: string } {
  const entries = new Map<string, Entry>(
    records.map((r, i) => [r.id, { mtimeMs: 1000.5 + i, size: 10 + i, record: r }]),
  );
  const text = encodeBase(entries, 'abc123');
  const base = BaseFile.parse(Buffer.from(text))!;
  assert.ok(base, 'the base parses');
  records.forEach((r, i) => {
    const entry = base.entry(base.row(r.id)!);
    assert.deepStrictEqual(entry, { mtimeMs: 1000.5 + i, size: 10 + i, record: r }, `record ${r.id}`);
    for (const kind of ['params', 'tags', 'metrics'] as const) {
      assert.deepEqual(Object.keys(entry.record[kind]), Object.keys(r[kind]), `${kind} of ${r.id} in their order`);
    }
  });
  return { base, text };
}

/** A copy of `text` with one character of section `name` changed. */
function damaged(text: string, name: string): Buffer {
  const bytes = Buffer.from(text);
  const header = JSON.parse(bytes.toString('latin1', 0, bytes.indexOf(0x0a))) as {
    sections: Record<string, [number, number]>;
  };
  const start = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1;
  const [offset, length] = header.sections[name]!;
  const at = start + offset + Math.floor(length / 2);
  bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
  return bytes;
}

describe('run cache base columns', () => {
  it('gives back records with hostile keys, non-finite numbers, datasets and other forms exactly', () => {
    const hostile = JSON.parse('{"__proto__": "proto", "constructor": "c", "toString": ""}') as Record<string, string>;
    const odd = summary(Number.NaN, { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, count: 4 });
    const records = [
      record(0, { params: dict(Object.entries(hostile)), tags: dict([]) }),
      record(1, {
        metrics: dict([
          ['z', summary(-0)],
          ['__proto__', odd],
          ['acc', summary(1.5, { step: -2 })],
        ]),
      }),
      record(2, { inputs: [{ name: 'iris', digest: 'd1', sourceType: 'local', source: '/x', context: 'training' }] }),
      // fields of another version, and a summary of another form: kept whole
      { ...record(3), extra: { note: 'kept' } } as RunRecord,
      record(4, { metrics: dict([['acc', { ...summary(Number.NaN), since: 2 } as MetricSummary]]) }),
      record(5, {
        params: dict([
          ['b', '1'],
          ['a', '2'],
        ]),
        metrics: dict([]),
      }),
      record(6, {
        params: dict([
          ['a', '2'],
          ['b', '1'],
        ]),
      }),
    ];
    const { base } = roundTrip(records);
    assert.equal(base.verify(), true);
    const rebuilt = base.entry(base.row('run0')!).record;
    assert.equal(Object.getPrototypeOf(rebuilt.params), null);
    assert.equal(rebuilt.params['__proto__'], 'proto');
    assert.ok(Object.is(base.entry(base.row('run1')!).record.metrics['z']!.value, -0));
    // each rebuilt record is a copy: changing one leaves the base as it was
    base.entry(base.row('run2')!).record.inputs[0]!.name = 'changed';
    assert.equal(base.entry(base.row('run2')!).record.inputs[0]!.name, 'iris');
  });

  it('keeps random records exactly, looked up in any order', () => {
    const random = mulberry32(16);
    const values = [Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 1e-300, -1.5, 2 ** 53 + 2];
    const records = Array.from({ length: 300 }, (_, i) => {
      const keys = ['a', 'b', 'c', 'd'].filter(() => random() < 0.6);
      const value = (): number => values[Math.floor(random() * values.length)]!;
      return record(i, {
        params: dict(keys.map((k) => [`p${k}`, String(random())])),
        tags: dict(keys.reverse().map((k) => [`t${k}`, random() < 0.5 ? '' : 'x'])),
        metrics: dict(keys.map((k) => [k, summary(value(), { min: value(), max: value(), count: i })])),
      });
    });
    const { base } = roundTrip(records.reverse());
    assert.equal(base.row('missing'), undefined);
  });

  it('gives back every log mtime bit for bit', () => {
    const mtimes = [1796544806423.042, 0.1 + 0.2, 1e-300, 2 ** 53 + 2, 1_700_000_000_000 + 1 / 3, 0, -0];
    const entries = new Map<string, Entry>(
      mtimes.map((m, i) => [`run${i}`, { mtimeMs: m, size: i, record: record(i) }]),
    );
    const base = BaseFile.parse(Buffer.from(encodeBase(entries, 'g')))!;
    mtimes.forEach((m, i) => assert.ok(Object.is(base.dir.mtimes[i], m), `mtime ${m}`));
  });

  it('a damaged column, string table or shape list fails its checksum when read, not before', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i));
    const { text } = roundTrip(records);
    for (const name of ['t:mlflow.runName', 's:acc', 'm:acc', 'strings', 'shapes']) {
      const base = BaseFile.parse(damaged(text, name))!;
      assert.ok(base, `the directory still checks with ${name} damaged`);
      assert.throws(() => base.entry(0), BadBase, name);
      assert.equal(base.verify(), false, name);
    }
    // the mtimes are checked with the directory: damaged, the base is not used at all
    assert.equal(BaseFile.parse(damaged(text, 'mtimes')), undefined);
    // a search reading only the metric column still uses a base whose tag column is damaged
    assert.equal(BaseFile.parse(damaged(text, 't:mlflow.runName'))!.metricColumn('acc')!.length, 50);
  });
});
