import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  columnsOfSample,
  mergeBuckets,
  mergePoints,
  pointBuckets,
  sampleHistory,
  sortByStep,
  type SampledColumns,
} from '../../src/core/history-sample.js';
import type { MetricPoint } from '../../src/core/entities.js';
import { checkStore } from '../../src/store/json/doctor.js';
import { JsonStore } from '../../src/store/json/json-store.js';
import { SEGMENT_FILE } from '../../src/store/json/metric-segment.js';
import { seededRandom, tempDir } from '../helpers.js';

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, Number.MAX_VALUE, 5e-324];

/** A random series: special values, repeated and out-of-order steps, several keys interleaved. */
function randomSeries(random: () => number, n: number, keys: string[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  let step = 0;
  for (let i = 0; i < n; i++) {
    const r = random();
    const value =
      r < 0.1 ? SPECIAL[Math.floor(random() * SPECIAL.length)]! : (random() - 0.5) * 10 ** (random() * 20 - 10);
    const move = random();
    step = move < 0.1 ? step : move < 0.2 ? Math.floor(random() * (step + 1)) : step + 1 + Math.floor(random() * 3);
    const key = keys[Math.floor(random() * keys.length)]!;
    out.push({ key, value, step, timestamp: 1_700_000_000_000 + Math.floor(random() * 1e6) });
  }
  return out;
}

/** Deep equality with Object.is on numbers: NaN equals NaN, -0 differs from 0. */
function assertSamePoints(actual: MetricPoint[], expected: MetricPoint[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const same = a.key === e.key && Object.is(a.value, e.value) && a.step === e.step && a.timestamp === e.timestamp;
    assert.ok(same, `${what}: point ${i} is ${JSON.stringify(a)} (value ${a.value}), logged ${JSON.stringify(e)}`);
  }
}

/** The column read of `key` holds the same points as the object read, in the same order. */
async function assertSameColumns(store: JsonStore, id: string, key: string, expected: MetricPoint[], what: string) {
  const { steps, values, timestamps } = await store.getMetricColumns(id, key);
  assert.ok(steps.length === values.length && values.length === timestamps.length, `${what}: column lengths`);
  const points = Array.from(steps, (step, i) => ({ key, value: values[i]!, step, timestamp: timestamps[i]! }));
  assertSamePoints(points, expected, `${what} (columns)`);
}

/** The object read of `key` (what Tracker.getMetricHistory returns) holds the same points in the same order. */
async function assertSameObjects(store: JsonStore, id: string, key: string, expected: MetricPoint[], what: string) {
  const objects = await store.getHistoryPoints(id, key);
  for (const p of objects) assert.deepEqual(Object.keys(p), ['step', 'value', 'timestamp'], `${what}: one shape`);
  assertSamePoints(
    objects.map((p) => ({ key, ...p })),
    expected,
    `${what} (objects)`,
  );
}

const byKey = (points: MetricPoint[], key: string): MetricPoint[] => points.filter((p) => p.key === key);

async function storeWithRun(): Promise<{ store: JsonStore; id: string; dir: string }> {
  const root = join(tempDir(), 'store');
  const store = await JsonStore.open(root);
  const run = await store.createRun({ experimentId: '0', name: 'r', startTime: 1, user: 'u', tags: {} });
  return { store, id: run.id, dir: join(root, 'runs', run.id) };
}

test('readers return exactly what was logged: lines only, segment only, segment + tail of a running run', async (t) => {
  const random = seededRandom(t);
  for (let round = 0; round < 6; round++) {
    const { store, id, dir } = await storeWithRun();
    const keys = ['loss', 'acc', 'a "quoted" key'];
    // under COMPACT_AT_END_BYTES of lines (~100 bytes a point), so ending the run leaves its tail for compactRun below
    const logged = randomSeries(random, 200 + Math.floor(random() * 2000), keys);
    const cut = Math.floor(random() * logged.length);
    const writer = await store.openRunWriter(id);
    for (const p of logged.slice(0, cut)) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
    await writer.flush();
    for (const key of keys) {
      assertSamePoints(await store.getMetricHistory(id, key), byKey(logged.slice(0, cut), key), 'lines');
      await assertSameColumns(store, id, key, byKey(logged.slice(0, cut), key), 'lines');
      await assertSameObjects(store, id, key, byKey(logged.slice(0, cut), key), 'lines');
    }
    const compaction = await store.compactRun(id);
    assert.equal(compaction.points, cut);
    assert.equal(existsSync(join(dir, SEGMENT_FILE)), cut > 0);
    for (const p of logged.slice(cut)) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
    await writer.flush();
    for (const key of keys) {
      assertSamePoints(await store.getMetricHistory(id, key), byKey(logged, key), `segment + tail, key ${key}`);
      await assertSameColumns(store, id, key, byKey(logged, key), `segment + tail, key ${key}`);
      await assertSameObjects(store, id, key, byKey(logged, key), `segment + tail, key ${key}`);
    }
    const all = await store.getAllMetricHistories(id);
    for (const key of keys) assertSamePoints(byKey(all, key), byKey(logged, key), 'all histories');
    await writer.end('FINISHED', 2);
    assert.equal((await store.compactRun(id)).written, true);
    assert.equal((await store.compactRun(id)).written, false, 'a second compaction has nothing to add');
    for (const key of keys) {
      assertSamePoints(await store.getMetricHistory(id, key), byKey(logged, key), 'segment');
      await assertSameColumns(store, id, key, byKey(logged, key), 'segment');
      await assertSameObjects(store, id, key, byKey(logged, key), 'segment');
    }
    await assertSameColumns(store, id, 'never logged', [], 'a key without points');
    await assertSameObjects(store, id, 'never logged', [], 'a key without points');
    await store.close();
  }
});

test('object reads of a segment too large to read whole are streamed: exact, independent of the next read, checked', async (t) => {
  const random = seededRandom(t);
  const { store, id, dir } = await storeWithRun();
  // two keys of ~60k points: a segment over 1 MiB, whose blocks are read one at a time into a reused buffer
  const logged = randomSeries(random, 120_000, ['loss', 'acc']);
  const writer = await store.openRunWriter(id);
  for (const p of logged) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2);
  await store.compactRun(id);
  assert.ok(readFileSync(join(dir, SEGMENT_FILE)).length > 1 << 20, 'the segment is not read whole');
  const loss = await store.getHistoryPoints(id, 'loss');
  const lossJson = JSON.stringify(loss);
  await assertSameObjects(store, id, 'acc', byKey(logged, 'acc'), 'second key');
  assert.equal(JSON.stringify(loss), lossJson, 'a later read does not change the points of an earlier one');
  assertSamePoints(
    loss.map((p) => ({ key: 'loss', ...p })),
    byKey(logged, 'loss'),
    'first key',
  );
  // a point logged after the segment is added to its points
  const more = await store.openRunWriter(id);
  more.appendMetric('loss', -0, 7, 1);
  await more.flush();
  const after = await store.getHistoryPoints(id, 'loss');
  assert.equal(after.length, loss.length + 1);
  assert.ok(Object.is(after.at(-1)!.value, -0) && after.at(-1)!.step === 7);
  await more.end('FINISHED', 3);
  // a damaged byte in the first key's points (the first block after the header): that key is read from the lines
  await store.compactRun(id);
  const file = join(dir, SEGMENT_FILE);
  const bytes = readFileSync(file);
  const at = 16 + bytes.readUInt32LE(8) + 64 + Math.floor(random() * 100_000);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
  const final = [...logged, { key: 'loss', value: -0, step: 7, timestamp: 1 }];
  for (const key of ['loss', 'acc']) await assertSameObjects(store, id, key, byKey(final, key), `damaged, ${key}`);
  await store.close();
});

test('sampled reads from the segment levels equal the in-memory path for any maxPoints', async (t) => {
  const random = seededRandom(t);
  const { store, id } = await storeWithRun();
  const logged = randomSeries(random, 25_000, ['loss']);
  const writer = await store.openRunWriter(id);
  for (const p of logged) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2); // over 256 KiB: compacted at the end
  for (const maxPoints of [1, 3, 999, 1000, 1001, 4000, 10_000, 12_000, 25_000, 30_000]) {
    const fromStore = await store.getSampledHistory(id, 'loss', maxPoints);
    const inMemory = sampleHistory(logged, maxPoints);
    assert.ok(fromStore.points.length <= maxPoints);
    assert.deepEqual(fromStore, inMemory, `maxPoints ${maxPoints}`);
    assert.equal(
      fromStore.points.reduce((n, p) => n + p.count, 0),
      logged.length,
    );
  }
  await store.close();
});

test('a level made from the values equals merging one-point buckets (NaN, infinities, -0, any width)', (t) => {
  const random = seededRandom(t);
  for (let round = 0; round < 20; round++) {
    const logged = randomSeries(random, 1 + Math.floor(random() * 5000), ['loss']);
    const sorted = sortByStep({
      step: logged.map((p) => p.step),
      value: logged.map((p) => p.value),
      timestamp: logged.map((p) => p.timestamp),
    });
    for (const max of [1, 7, 1000, 1 + Math.floor(random() * 6000)])
      assert.deepEqual(mergePoints(sorted, max), mergeBuckets(pointBuckets(sorted), max), `${logged.length} to ${max}`);
  }
});

/** Columns equal bit for bit (NaN and -0 included). */
function assertSameSampled(actual: SampledColumns | undefined, expected: SampledColumns, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.equal(actual.total, expected.total, `${what}: total`);
  assert.equal(actual.exact, expected.exact, `${what}: exact`);
  for (const name of ['step', 'value', 'timestamp', 'min', 'max'] as const) {
    const a: Float64Array | undefined = actual[name];
    const e: Float64Array | undefined = expected[name];
    assert.equal(a === undefined, e === undefined, `${what}: ${name} present`);
    if (a && e) assert.ok(Buffer.from(a.buffer).equals(Buffer.from(e.buffer)), `${what}: ${name}`);
  }
}

test('several keys sampled in one read equal the one-key path: lines only, segment + tail, segment', async (t) => {
  const random = seededRandom(t);
  const { store, id } = await storeWithRun();
  const keys = ['loss', 'acc', 'a "quoted" key'];
  const logged = randomSeries(random, 9000, keys);
  const writer = await store.openRunWriter(id);
  const check = async (what: string, points: MetricPoint[]): Promise<void> => {
    for (const maxPoints of [7, 1000, 5000]) {
      const sampled = await store.getSampledHistories(id, [...keys, 'absent'], maxPoints);
      for (const key of keys) {
        const expected = columnsOfSample(sampleHistory(byKey(points, key), maxPoints));
        assertSameSampled(sampled.get(key), expected, `${what}, ${key}, maxPoints ${maxPoints}`);
      }
      assert.equal(sampled.get('absent')?.total, 0);
    }
  };
  for (const p of logged.slice(0, 3000)) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.flush();
  await check('lines only', logged.slice(0, 3000));
  await store.compactRun(id);
  for (const p of logged.slice(3000)) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.flush();
  await check('segment + tail', logged);
  await writer.end('FINISHED', 2);
  await store.compactRun(id);
  await check('segment', logged);
  await store.close();
});

test('downsampling keeps the peak, the trough and every NaN bucket', (t) => {
  const random = seededRandom(t);
  const points = Array.from({ length: 50_000 }, (_, i) => ({ step: i, value: Math.sin(i / 100), timestamp: i }));
  const peakAt = Math.floor(random() * points.length);
  const nanAt = (peakAt + 1 + Math.floor(random() * 1000)) % points.length;
  points[peakAt]!.value = 1e9;
  points[Math.floor(random() * points.length)]!.value = -1e9;
  points[nanAt]!.value = Number.NaN;
  for (const maxPoints of [10, 100, 1000, 10_000]) {
    const { points: buckets, exact } = sampleHistory(points, maxPoints);
    assert.equal(exact, false);
    assert.equal(Math.max(...buckets.map((b) => b.max)), 1e9, `peak at ${maxPoints}`);
    assert.equal(Math.min(...buckets.map((b) => b.min)), -1e9, `trough at ${maxPoints}`);
    const withNaN = buckets.filter((b) => b.nan);
    assert.equal(withNaN.length, 1, `one NaN bucket at ${maxPoints}`);
    assert.ok(withNaN[0]!.step >= nanAt, 'the NaN bucket is the one holding its step');
  }
});

test('a damaged segment is ignored (the lines are the truth) and doctor names it', async (t) => {
  const random = seededRandom(t);
  const { store, id, dir } = await storeWithRun();
  const logged = randomSeries(random, 5000, ['loss']);
  const writer = await store.openRunWriter(id);
  for (const p of logged) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2);
  await store.compactRun(id);
  const file = join(dir, SEGMENT_FILE);
  const bytes = readFileSync(file);
  const at = bytes.length - 1 - Math.floor(random() * 1000);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
  assertSamePoints(await store.getMetricHistory(id, 'loss'), logged, 'after damage');
  await assertSameColumns(store, id, 'loss', logged, 'after damage');
  assert.deepEqual(await store.getSampledHistory(id, 'loss', 100), sampleHistory(logged, 100));
  const findings = checkStore(join(dir, '..', '..')).filter((f) => f.file === file);
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.problem, /bad checksum/);
  assert.ok(existsSync(join(dir, 'metrics.jsonl')), 'the lines are never removed');
  await store.close();
});

test('a segment of other lines (metrics.jsonl replaced) is not used', async (t) => {
  const random = seededRandom(t);
  const { store, id, dir } = await storeWithRun();
  const logged = [{ key: 'loss', value: 1.5, step: 0, timestamp: 1 }, ...randomSeries(random, 1000, ['loss'])];
  const writer = await store.openRunWriter(id);
  for (const p of logged) writer.appendMetric(p.key, p.value, p.step, p.timestamp);
  await writer.end('FINISHED', 2);
  await store.compactRun(id);
  const series = join(dir, 'metrics.jsonl');
  const original = readFileSync(series, 'utf8');
  writeFileSync(series, original.replace('"value":1.5', '"value":2.5'));
  const points = await store.getAllMetricHistories(id);
  assert.equal(points[0]!.value, 2.5, 'a changed first line makes readers skip the segment');
  assert.match(
    checkStore(join(dir, '..', '..'))
      .map((f) => f.problem)
      .join('\n'),
    /does not match metrics.jsonl/,
  );
  const lines = original.split('\n');
  const middle = Math.floor(lines.length / 2);
  lines[middle] = lines[middle]!.replace('"timestamp":17', '"timestamp":18'); // same length
  writeFileSync(series, lines.join('\n'));
  assert.match(
    checkStore(join(dir, '..', '..'))
      .map((f) => f.problem)
      .join('\n'),
    /points differ from metrics.jsonl/,
  );
  await store.close();
});
