/**
 * Published history chunks: the binary columns, the script text and the whole chain the page runs (script call ->
 * text -> inflate -> columns) return exactly what was logged, NaN, ±Infinity and -0 included; the drawn chunk comes
 * from the sampling path, and the CSV the page builds equals the logged values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { fitsFloat32, packChunk, unpackChunk, type ChunkColumns } from '../../src/core/history-chunk.js';
import { columnsOfSample, sampleHistory } from '../../src/core/history-sample.js';
import { bytesToScriptText, scriptTextToBytes } from '../../src/core/script-text.js';
import { scriptTextBound, writeScriptText } from '../../src/core/script-text-writer.js';
import { createMemorySource } from '../../src/report/collect.js';
import { drawnNarrow, packDrawn } from '../../src/core/history-pack.js';
import {
  chunkScript,
  publishHistories,
  runDataScript,
  type ChunkLayout,
  type PublishedHistories,
} from '../../src/report/publish-histories.js';
import { columnsCsv, decodeChunk, drawnChunk, type RunHistories } from '../../templates/client/history-data.js';
import { mulberry32 } from '../random.js';

/** Seeded, so a failure names a reproducible case. */
const rng = mulberry32;

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, Number.MIN_VALUE, 1e308];

function randomColumns(seed: number, n: number, range: boolean): ChunkColumns {
  const r = rng(seed);
  const value = (): number => (r() < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() - 0.5) * 10 ** (r() * 12));
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  const integral = seed % 2 === 0;
  const cols: ChunkColumns = {
    // repeated, out-of-order and (for odd seeds) fractional or -0 steps
    step: col((i) => (integral ? Math.floor(i / 2) - (r() < 0.05 ? 7 : 0) : r() < 0.1 ? -0 : i + r())),
    timestamp: col((i) => 1.7e12 + i * 1000 + Math.floor(r() * 50)),
    value: col(value),
  };
  return range ? { ...cols, min: col(value), max: col(value) } : cols;
}

function assertSameColumns(actual: ChunkColumns, expected: ChunkColumns, label: string): void {
  for (const name of ['step', 'timestamp', 'value', 'min', 'max'] as const) {
    const a = actual[name];
    const e = expected[name];
    assert.equal(a?.length, e?.length, `${label}: ${name} length`);
    if (!a || !e) continue;
    for (let i = 0; i < e.length; i++) assert.ok(Object.is(a[i], e[i]), `${label}: ${name}[${i}] ${a[i]} != ${e[i]}`);
  }
}

test('history chunk: columns read back bit for bit, NaN, ±Infinity, -0, fractional and unordered steps', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const cols = randomColumns(seed, Math.floor(rng(seed)() * 3000), seed % 3 === 0);
    assertSameColumns(unpackChunk(packChunk(cols).bytes), cols, `seed ${seed}`);
  }
  assertSameColumns(unpackChunk(packChunk(randomColumns(2, 0, true)).bytes), randomColumns(2, 0, true), 'empty');
  for (const n of [1, 2, 3, 1000]) {
    const even = randomColumns(5, n, false);
    const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
    const cols = { ...even, step: col((i) => 5 - i * 3), timestamp: col((i) => 1.7e12 + i * 1000) };
    const packed = packChunk(cols).bytes;
    assertSameColumns(unpackChunk(packed), cols, `evenly spaced, ${n}`);
    assert.ok(packed.length < 20 + n * 8, 'evenly spaced columns cost a few bytes');
  }
  assert.throws(() => unpackChunk(packChunk(randomColumns(3, 100, false)).bytes.subarray(0, 50)), /truncated/);
});

test('history chunk: float32 columns on request, version 2; NaN, ±Infinity, -0 kept; version 1 otherwise', () => {
  const f32 = (xs: Float64Array | undefined): Float64Array | undefined => xs && xs.map((x) => Math.fround(x));
  for (let seed = 1; seed <= 30; seed++) {
    const cols = randomColumns(seed, Math.floor(rng(seed)() * 2000), seed % 2 === 0);
    const value = seed % 3 !== 0;
    const range = seed % 3 !== 1;
    const { bytes } = packChunk(cols, { value, range });
    const narrowed = value || (range && cols.min !== undefined);
    assert.equal(bytes[0], narrowed ? 2 : 1, 'version 2 only when a column is float32: a version-1 reader refuses it');
    const expected = {
      ...cols,
      value: value ? f32(cols.value)! : cols.value,
      ...(cols.min ? { min: range ? f32(cols.min) : cols.min, max: range ? f32(cols.max) : cols.max } : {}),
    };
    assertSameColumns(unpackChunk(bytes), expected, `seed ${seed}`);
    const exact = packChunk(cols).bytes;
    if (narrowed) assert.ok(bytes.length < exact.length, 'float32 columns take fewer bytes');
    if (value && cols.value.length > 0) {
      const v = unpackChunk(bytes).value;
      assert.ok(
        cols.value.every((x, i) => Object.is(Math.fround(x), v[i])),
        'NaN, ±Infinity and -0 read back',
      );
    }
  }
  const tampered = packChunk(randomColumns(4, 10, true), { value: true }).bytes;
  tampered[0] = 1;
  assert.throws(() => unpackChunk(tampered), /bad flags/, 'version 1 never carries float32 columns');
  assert.throws(() => unpackChunk(Uint8Array.of(3, 0, 0)), /unknown version 3/);
});

test('fitsFloat32: special values and float32 normal range only', () => {
  assert.ok(fitsFloat32([Number.NaN, Infinity, -Infinity, 0, -0, 1, -3.4e38, 1.2e-38, 0.1]));
  for (const bad of [1e39, -3.5e38, 1e-39, Number.MIN_VALUE, 1e308])
    assert.ok(!fitsFloat32([1, bad]), `${bad} does not fit`);
});

test('drawnNarrow: a downsampled history at float32 when it shows the same; exact histories and big values not', () => {
  const history = (n: number, f: (i: number) => number) =>
    columnsOfSample(
      sampleHistory(
        Array.from({ length: n }, (_, i) => ({ step: i, timestamp: i, value: f(i) })),
        100,
      ),
    );
  assert.deepEqual(drawnNarrow(history(50, Math.sin)), {}, 'exact: the history itself');
  assert.deepEqual(drawnNarrow(history(5000, Math.sin)), { value: true, range: true });
  // integers above 2^24 change in the 4-significant-digit form at 1e4..1e9 (shown whole): values stay float64
  assert.deepEqual(drawnNarrow(history(5000, (i) => 123_456_789 + i)), { value: false, range: true });
  assert.deepEqual(drawnNarrow(history(5000, (i) => (i === 4999 ? 1e300 : i))), { value: false, range: false });
});

test('script text: any bytes read back, and the text holds no NUL, line break, quote or backslash', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const bytes = Uint8Array.from({ length: seed * 37 }, () =>
      r() < 0.3 ? [0, 10, 13, 34, 92][seed % 5]! : r() * 256,
    );
    const utf8 = bytesToScriptText(bytes);
    const text = decoder.decode(utf8);
    assert.doesNotMatch(text, /[\0\n\r"\\\u2028\u2029]/);
    assert.deepEqual(scriptTextToBytes(text, bytes.length), bytes, `seed ${seed}`);
    assert.ok(utf8.length <= Math.ceil((bytes.length * 8) / 7) + 2, 'at most 8/7 of the bytes');
  }
  assert.throws(() => scriptTextToBytes('\u0400', 1), /unexpected character/);
});

test('fast script text: what bytesToScriptText writes, escapes at block edges, into a shared buffer at an offset', () => {
  // every 7-bit group of zero bytes is escaped; 0x5c/0x22 patterns put escapes across the 7-byte blocks
  for (let n = 0; n <= 30; n++) {
    for (const fill of [0x00, 0xff, 0x0a, 0x22, 0x5c, 0x81]) {
      const bytes = new Uint8Array(n).fill(fill);
      if (n > 8) bytes[n - 8] = 0x80;
      const out = new Uint8Array(5 + scriptTextBound(n)).fill(0x41);
      const end = writeScriptText(bytes, out, 5);
      assert.deepEqual(out.subarray(0, 5), new Uint8Array(5).fill(0x41), 'nothing written before the offset');
      const text = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(5, end));
      assert.deepEqual(scriptTextToBytes(text, n), bytes, `${n} bytes of ${fill}`);
      assert.deepEqual(out.subarray(5, end), bytesToScriptText(bytes));
    }
  }
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const bytes = Uint8Array.from({ length: seed * 53 }, () =>
      r() < 0.2 ? [0, 10, 13, 34, 92][seed % 5]! : r() * 256,
    );
    const out = new Uint8Array(scriptTextBound(bytes.length));
    assert.deepEqual(out.subarray(0, writeScriptText(bytes, out, 0)), bytesToScriptText(bytes), `seed ${seed}`);
  }
});

/** Runs a chunk script as the page does and decodes what it hands over. */
async function runChunkScript(script: Uint8Array): Promise<{ name: string; cols: ChunkColumns; layout: ChunkLayout }> {
  let call: [string, ChunkLayout, string] | undefined;
  runInNewContext(new TextDecoder().decode(script), {
    tracklabHistory: (...args: [string, ChunkLayout, string]) => (call = args),
  });
  assert.ok(call, 'the script calls tracklabHistory');
  return { name: call[0], cols: await decodeChunk(call[1], call[2]), layout: call[1] };
}

test('chunk script: the page decodes exactly what the build encoded', async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const cols = randomColumns(seed, 500 + seed * 100, seed % 2 === 1);
    const { name, cols: back } = await runChunkScript(chunkScript('run1/h0', cols));
    assert.equal(name, 'run1/h0');
    assertSameColumns(back, cols, `seed ${seed}`);
  }
  // Low byte planes: noise is stored as it is; float32 values (zero low bytes) are deflated.
  const noisy = randomColumns(2, 2000, false);
  const single = { ...noisy, value: noisy.value.map((v) => Math.fround(v)) };
  for (const [cols, deflated] of [
    [noisy, 0],
    [single, 1],
  ] as const) {
    const { cols: back, layout } = await runChunkScript(chunkScript('r/h1', cols));
    assert.equal(layout[2], deflated);
    assertSameColumns(back, cols, `deflated ${deflated}`);
  }
});

/** Runs a data file as the page does: what `tracklabRunData` receives, as history-data.ts reads it. */
function runDataFile(script: Uint8Array): { data: { id: string; histories: PublishedHistories }; run: RunHistories } {
  let call: [{ id: string; histories: PublishedHistories }, string[]] | undefined;
  runInNewContext(new TextDecoder().decode(script), {
    tracklabRunData: (...args: NonNullable<typeof call>) => (call = args),
  });
  assert.ok(call, 'the script calls tracklabRunData');
  const [data, texts] = call;
  return { data, run: { id: data.id, ...data.histories, texts } };
}

test('drawn pack: one pack a run, noisy low planes in texts of their own, the page reads every chunk exactly', async () => {
  const noisy = randomColumns(4, 1500, true);
  const single = { ...noisy, value: noisy.value.map((v) => Math.fround(v)), min: undefined, max: undefined };
  const whole = { ...randomColumns(6, 700, false), value: Float64Array.from({ length: 700 }, (_, i) => i % 9) };
  const chunks: ChunkColumns[] = [noisy, single, randomColumns(8, 0, false), whole, randomColumns(9, 333, false)];
  delete single.min;
  delete single.max;
  const { pack, layouts, texts } = packDrawn(chunks);
  assert.deepEqual(
    layouts.slice(0, 4).map((l) => l[2]),
    [0, 1, 0, 1],
    'noise stored as it is; float32 and whole values deflated in the pack',
  );
  assert.equal(texts.length, chunks.length + 1);
  const refs = layouts.map((layout, i) => ({ key: `k${i}`, total: 0, exact: true, points: 0, layout, full: '' }));
  const { run } = runDataFile(runDataScript({ id: 'pack1', histories: { pack, refs } }, texts));
  // decoded in any order, each on its own: a page draws only some metrics
  for (const i of [3, 0, 4, 2, 1]) assertSameColumns(await drawnChunk(run, i), chunks[i]!, `chunk ${i}`);
  const empty = packDrawn([]);
  const none = runDataFile(runDataScript({ id: 'pack2', histories: { pack: empty.pack, refs: [] } }, empty.texts));
  assert.equal(none.run.refs.length, 0);
});

test('drawn pack: float32 levels read through the page as float32, beside float64 chunks, in any order', async () => {
  const chunks = [randomColumns(10, 1000, true), randomColumns(11, 900, true), randomColumns(12, 1000, false)];
  const narrow = [{ value: true, range: true }, {}, { value: true }];
  const { pack, layouts, texts } = packDrawn(chunks, narrow);
  const plain = packDrawn(chunks);
  const size = (t: Uint8Array[]): number => t.reduce((sum, x) => sum + x.length, 0);
  assert.ok(size(texts) < size(plain.texts) * 0.8, `${size(texts)} bytes against ${size(plain.texts)}`);
  const refs = layouts.map((layout, i) => ({ key: `k${i}`, total: 0, exact: false, points: 0, layout, full: '' }));
  const { run } = runDataFile(runDataScript({ id: 'pack32', histories: { pack, refs } }, texts));
  const f32 = (xs?: Float64Array): Float64Array | undefined => xs && xs.map((x) => Math.fround(x));
  const [a, b, c] = chunks as [ChunkColumns, ChunkColumns, ChunkColumns];
  assertSameColumns(await drawnChunk(run, 2), { ...c, value: f32(c.value)! }, 'values only');
  assertSameColumns(await drawnChunk(run, 1), b, 'float64');
  assertSameColumns(await drawnChunk(run, 0), { ...a, value: f32(a.value)!, min: f32(a.min), max: f32(a.max) }, 'all');
});

test('publishHistories: drawn chunks from the sampling path, a full chunk only when downsampled, CSV exact', async () => {
  const logged = (n: number, shift: number) =>
    Array.from({ length: n }, (_, i) => ({
      step: i,
      timestamp: 1e12 + i,
      value: [Number.NaN, -0, Number.POSITIVE_INFINITY][i % 997] ?? Math.sin(i / 50) + shift,
    }));
  const long = logged(5000, 0);
  const short = logged(300, 1);
  const source = createMemorySource({ experiments: [], runs: [], histories: { r1: { long, 'a,"b"': short } } });
  const { published, texts, files } = await publishHistories(source, 'r1', ['a,"b"', 'long'], 1000);
  const { refs } = published;
  assert.deepEqual(
    refs.map((r) => [r.key, r.total, r.exact, r.points, r.full]),
    [
      ['a,"b"', 300, true, 300, ''],
      ['long', 5000, false, 1000, 'r1.f1.js'],
    ],
  );
  assert.deepEqual(
    files.map((f) => f.rel),
    ['r1.f1.js'],
  );
  // The data file, run as the page runs it: the drawn chunks' pack and texts follow the data.
  const { data, run } = runDataFile(runDataScript({ id: 'r1', histories: published }, texts));
  const decoded = new Map<string, ChunkColumns>();
  for (const i of data.histories.refs.keys()) decoded.set(`h${i}`, await drawnChunk(run, i));
  for (const f of files) {
    const { name, cols } = await runChunkScript(f.bytes);
    decoded.set(`${name}.js`, cols);
  }
  const drawn = decoded.get('h1')!;
  const sampled = sampleHistory(long, 1000).points;
  assert.deepEqual(
    Array.from(drawn.max!),
    sampled.map((p) => Math.fround(p.max)),
    'bucket maxima kept (at float32 precision, the levels of a downsampled history): peaks survive',
  );
  assert.deepEqual(
    Array.from(drawn.value),
    sampled.map((p) => Math.fround(p.value)),
  );
  assert.deepEqual(
    Array.from(decoded.get('h0')!.value),
    short.map((p) => p.value),
    'an exact history stays exact',
  );
  assert.deepEqual(
    Array.from(drawn.step),
    sampled.map((p) => p.step),
  );
  const csv = columnsCsv([
    { key: 'a,"b"', cols: decoded.get('h0')! },
    { key: 'long', cols: decoded.get('r1.f1.js')! },
  ]);
  const text = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  const expected = [
    'key,step,timestamp,value',
    ...short.map((p) => `"a,""b""",${p.step},${p.timestamp},${text(p.value)}`),
    ...long.map((p) => `long,${p.step},${p.timestamp},${text(p.value)}`),
  ];
  assert.equal(csv, `${expected.join('\n')}\n`);
  assert.ok(csv.includes('long,1,1000000000001,-0') && csv.includes(',NaN\n') && csv.includes(',Infinity\n'));
});

test('publishHistories: a bulk-reading source is sampled in memory by the same path; a run outside it reads per key', async () => {
  const points = Array.from({ length: 3000 }, (_, i) => ({ step: i, timestamp: i, value: Math.cos(i) }));
  const calls: string[] = [];
  const source = createMemorySource({ experiments: [], runs: [], histories: { solo: { loss: points } } });
  const bulk = {
    ...source,
    getMetricHistories: async (runId: string) => (runId === 'bulk' ? { loss: points } : undefined),
    getMetricHistory: async (runId: string, key: string) => {
      calls.push(`full ${runId}`);
      return source.getMetricHistory(runId, key);
    },
    getSampledHistories: async (runId: string, keys: readonly string[], maxPoints: number) => {
      calls.push(`sampled ${runId}`);
      return source.getSampledHistories!(runId, keys, maxPoints);
    },
  };
  const a = await publishHistories(bulk, 'bulk', ['loss'], 500);
  assert.deepEqual(calls, [], 'the bulk read serves both the drawn and the full chunk');
  const b = await publishHistories(bulk, 'solo', ['loss'], 500);
  assert.deepEqual(calls, ['sampled solo', 'full solo']);
  assert.deepEqual(a.published, { ...b.published, refs: [{ ...b.published.refs[0]!, full: 'bulk.f0.js' }] });
  const bytes = (texts: Uint8Array[]): Buffer[] => texts.map((t) => Buffer.from(t));
  assert.deepEqual(bytes(a.texts), bytes(b.texts), 'the same drawn chunk');
  const sampled = sampleHistory(points, 500);
  assert.equal(a.published.refs[0]!.points, sampled.points.length);
});
