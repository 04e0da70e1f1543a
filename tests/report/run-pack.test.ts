/**
 * A run's drawn pack, written once when the JSON store compacts the run and copied by report builds: what a build
 * publishes from it is byte for byte what it publishes by sampling and encoding the histories itself, and a pack that
 * no longer matches the run (points logged after it, other keys or `maxPoints`, a damaged block) is not used.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DRAWN_POINTS } from '../../src/core/history-pack.js';
import { Tracker } from '../../src/index.js';
import { sourceFromTracker, type ReportSource } from '../../src/report/collect.js';
import { publishHistories, runDataScript } from '../../src/report/publish-histories.js';
import { JsonStore } from '../../src/store/json/json-store.js';
import { computeLevels, sortByStep } from '../../src/core/history-sample.js';
import { Segment, SEGMENT_FILE } from '../../src/store/json/metric-segment.js';
import { encodeSegment } from '../../src/store/json/series-compaction.js';
import { tempDir } from '../helpers.js';
import { mulberry32 } from '../random.js';

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e300, 5e-324];

/** Logs random series of `lengths` points (special values, repeated and out-of-order steps) into a new run. */
async function logRun(store: string, seed: number, lengths: Record<string, number>): Promise<string> {
  const random = mulberry32(seed);
  const tracker = await Tracker.open({ store });
  const run = await tracker.startRun({ experiment: 'e' });
  for (const [key, n] of Object.entries(lengths)) {
    let step = 0;
    for (let i = 0; i < n; i++) {
      const r = random();
      const value = r < 0.05 ? SPECIAL[Math.floor(random() * SPECIAL.length)]! : Math.sin(i / 40) + random();
      const move = random();
      step = move < 0.05 ? step : move < 0.1 ? Math.floor(random() * (step + 1)) : step + 1;
      run.logMetric(key, value, { step });
    }
  }
  await run.end();
  await tracker.close();
  return run.id;
}

/** What a build publishes of a run's histories: the data file's bytes and every full chunk file. */
async function published(source: ReportSource, runId: string, keys: string[], maxPoints = DRAWN_POINTS) {
  const { published: histories, texts, files } = await publishHistories(source, runId, keys, maxPoints);
  return {
    data: Buffer.from(runDataScript({ id: runId, histories }, texts)).toString('latin1'),
    files: files.map((f) => [f.rel, Buffer.from(f.bytes).toString('latin1')]),
  };
}

/** The tracker's report source, and the same without stored packs (the build samples and encodes every history). */
function sources(tracker: Tracker): { stored: ReportSource; fresh: ReportSource } {
  const stored = sourceFromTracker(tracker);
  const fresh = { ...stored };
  delete fresh.getRunPack;
  return { stored, fresh };
}

async function compact(store: string, id: string): Promise<void> {
  const json = await JsonStore.open(store);
  await json.compactRun(id);
  await json.close();
}

test('a build publishes from the stored pack exactly what it publishes by encoding the histories (seeded)', async () => {
  const store = join(tempDir(), 'store');
  const cases: Record<string, number>[] = [
    { a: 10, b: 700 },
    { loss: 3000, acc: 999, 'lr x': 1, z: 1001 },
    { only: 40_000 },
  ];
  const ids: string[] = [];
  for (const [seed, lengths] of cases.entries()) {
    const id = await logRun(store, seed + 1, lengths);
    await compact(store, id);
    ids.push(id);
  }
  const tracker = await Tracker.open({ store });
  const { stored, fresh } = sources(tracker);
  for (const [i, id] of ids.entries()) {
    const keys = Object.keys(cases[i]!).sort();
    const pack = await tracker.getRunPack(id, keys, { maxPoints: DRAWN_POINTS });
    assert.ok(pack, `run ${i}: the store holds a pack`);
    assert.deepEqual(
      pack.histories.map((h) => [h.key, h.total]),
      keys.map((k) => [k, cases[i]![k]]),
    );
    assert.deepEqual(await published(stored, id, keys), await published(fresh, id, keys), `run ${i}`);
  }
  await tracker.close();
});

test('a stored pack is not used for points logged after it, other keys, another maxPoints or a damaged block', async () => {
  const store = join(tempDir(), 'store');
  const id = await logRun(store, 7, { loss: 2500, acc: 300 });
  await compact(store, id);
  const keys = ['acc', 'loss'];
  let tracker = await Tracker.open({ store });
  const pack = (k: string[], maxPoints = DRAWN_POINTS) => tracker.getRunPack(id, k, { maxPoints });
  assert.ok(await pack(keys));
  assert.equal(await pack(['loss']), undefined, 'a subset of the keys');
  assert.equal(await pack(['loss', 'acc']), undefined, 'another order');
  assert.equal(await pack(keys, 500), undefined, 'another maxPoints');
  await tracker.close();

  // a byte of the pack's block flipped: the pack is dropped, the segment's other blocks still serve reads
  const file = join(store, 'runs', id, SEGMENT_FILE);
  const intact = readFileSync(file);
  const damaged = Buffer.from(intact);
  damaged[damaged.length - 5]! ^= 0x40;
  writeFileSync(file, damaged);
  tracker = await Tracker.open({ store });
  assert.equal(await pack(keys), undefined, 'a damaged pack');
  const { stored, fresh } = sources(tracker);
  assert.deepEqual(await published(stored, id, keys), await published(fresh, id, keys));
  assert.equal((await tracker.getMetricColumns(id, 'loss')).steps.length, 2500);
  await tracker.close();
  writeFileSync(file, intact);

  // a point logged after the compaction: the pack no longer holds every point
  tracker = await Tracker.open({ store });
  assert.ok(await pack(keys));
  const json = await JsonStore.open(store);
  const writer = await json.openRunWriter(id);
  writer.appendMetric('acc', 42, 300, Date.now());
  await writer.end('FINISHED', Date.now());
  await json.close();
  assert.equal(await pack(keys), undefined, 'a point after the segment');
  const { stored: after, fresh: encoded } = sources(tracker);
  const now = await published(after, id, keys);
  assert.deepEqual(now, await published(encoded, id, keys));
  assert.match(now.data, /"key":"acc","total":301/);
  // the single-key sampled read sees it too (it looks for lines after the segment only when there are some)
  const sampled = await tracker.getMetricHistory(id, 'acc', { maxPoints: DRAWN_POINTS });
  assert.equal(sampled.total, 301);
  assert.ok(sampled.points.some((p) => p.value === 42 && p.step === 300));
  assert.equal((await tracker.getMetricHistory(id, 'loss', { maxPoints: DRAWN_POINTS })).total, 2500);
  await tracker.close();
});

test('a segment written before packs gets one from the next compaction; then compaction has nothing to add', async () => {
  const store = join(tempDir(), 'store');
  const id = await logRun(store, 11, { loss: 1200 });
  const dir = join(store, 'runs', id);
  const json = await JsonStore.open(store);
  assert.equal((await json.compactRun(id)).written, true);
  // the same segment as a version before packs wrote it: no pack in its header, no pack block
  const segment = Segment.open(join(dir, SEGMENT_FILE))!;
  const series = segment.header.series.map(([key]) => ({ key, points: segment.points(segment.entry(key)!)! }));
  const { covered, probe } = segment.header;
  const levels = series.map(({ key, points }) => ({ key, points, levels: computeLevels(sortByStep(points)) }));
  writeFileSync(join(dir, SEGMENT_FILE), encodeSegment(covered, probe, levels));
  segment.close();
  assert.equal(Segment.open(join(dir, SEGMENT_FILE))?.header.pack, undefined);
  const tracker = await Tracker.open({ store });
  assert.equal(await tracker.getRunPack(id, ['loss'], { maxPoints: DRAWN_POINTS }), undefined);
  assert.equal((await tracker.getMetricColumns(id, 'loss')).steps.length, 1200, 'the old segment still reads');
  assert.equal((await json.compactRun(id)).written, true, 'rewritten with a pack');
  assert.ok(await tracker.getRunPack(id, ['loss'], { maxPoints: DRAWN_POINTS }));
  assert.equal((await json.compactRun(id)).written, false, 'nothing more to add');
  await tracker.close();
  await json.close();
});
