/**
 * Decodes a run's published histories (src/report/publish-histories.ts). A chunk is binary columns
 * (src/core/history-chunk.ts): a leading part, deflated, and low byte planes, deflated only when they were not noise,
 * written 7 bits a character (src/core/script-text.ts). The drawn chunks come with the run's data file, as one pack
 * of their deflated parts (inflated once a run, when the page first draws one of its metrics) and a text each for the
 * low planes stored as they are, decoded only for the metrics a page draws. A full-resolution chunk is a classic script
 * calling `tracklabHistory(name, layout, "text")` (fetch() cannot read file://), loaded only when a user asks for the
 * CSV. The page uses installHistoryHook, loadSeries and historiesCsv; decodeChunk, drawnChunk and columnsCsv are
 * exported for tests.
 */
import { unpackChunk, type ChunkColumns } from '../../src/core/history-chunk.js';
import { scriptTextToBytes } from '../../src/core/script-text.js';
import { MAX_NON_FINITE, type Series } from '../../src/report/downsample.js';
import type { ChunkLayout, HistoryRef, PublishedHistories } from '../../src/report/publish-histories.js';

type Chunk = Promise<ChunkColumns>;
const chunks = new Map<string, Chunk>();
const arrived = new Map<string, (raw: [ChunkLayout, string]) => void>();

/** Inflates zlib bytes with the browser's own decompressor (no library in the page). */
async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decodes a chunk script's arguments into its columns. */
export async function decodeChunk([head, tail, deflated]: ChunkLayout, text: string): Promise<ChunkColumns> {
  const bytes = scriptTextToBytes(text, head + tail);
  const lead = await inflate(bytes.subarray(0, head));
  const low = deflated ? await inflate(bytes.subarray(head)) : bytes.subarray(head);
  const all = new Uint8Array(lead.length + low.length);
  all.set(lead);
  all.set(low, lead.length);
  return unpackChunk(all);
}

/** Installs the global the chunk scripts call. */
export function installHistoryHook(): void {
  (globalThis as { tracklabHistory?: (name: string, layout: ChunkLayout, text: string) => void }).tracklabHistory = (
    name,
    layout,
    text,
  ) => {
    arrived.get(name)?.([layout, text]);
    arrived.delete(name);
  };
}

/** The columns of the chunk at `base + rel` (`rel` as a run's data file lists it), loaded once per page. */
function loadChunk(base: string, rel: string): Chunk {
  const name = rel.replace(/\.js$/, '');
  let chunk = chunks.get(name);
  if (!chunk) {
    chunk = new Promise<[ChunkLayout, string]>((resolve, reject) => {
      arrived.set(name, resolve);
      const s = document.createElement('script');
      s.src = base + rel;
      s.async = true;
      s.onerror = () => reject(new Error(`could not load ${base + rel}`));
      s.onload = () => s.remove();
      document.head.append(s);
    }).then(([layout, text]) => decodeChunk(layout, text));
    chunks.set(name, chunk);
  }
  return chunk;
}

/** A column as plain numbers, non-finite values as null (a loop: `Array.from` with a map function is slower). */
function drawable(col: Float64Array): (number | null)[] {
  const out = new Array<number | null>(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** A chart's series from a drawn chunk. */
function toChartSeries(ref: HistoryRef, cols: ChunkColumns): Series {
  const t0 = cols.timestamp[0] ?? 0;
  const nonFinite: [number, string][] = [];
  const values = drawable(cols.value);
  for (let i = 0; i < values.length && nonFinite.length < MAX_NON_FINITE; i++)
    if (values[i] === null) nonFinite.push([cols.step[i]!, String(cols.value[i])]);
  const steps = new Array<number>(cols.step.length);
  for (let i = 0; i < steps.length; i++) steps[i] = cols.step[i]!;
  const times = new Array<number>(cols.timestamp.length);
  for (let i = 0; i < times.length; i++) times[i] = cols.timestamp[i]! - t0;
  return {
    key: ref.key,
    steps,
    t0,
    times,
    values,
    total: ref.total,
    ...(nonFinite.length > 0 ? { nonFinite } : {}),
    ...(cols.min && cols.max ? { min: drawable(cols.min), max: drawable(cols.max) } : {}),
  };
}

/** A run's histories as its data file holds them: the pack's layout and the list, and the file's texts, pack first. */
export interface RunHistories extends PublishedHistories {
  id: string;
  texts: readonly string[];
}

/** A run's pack, inflated: the drawn chunks' leading parts and their packed low planes, and where each starts. */
interface Pack {
  heads: Uint8Array;
  lows: Uint8Array;
  headAt: number[];
  lowAt: number[];
}

const packs = new Map<string, Promise<Pack>>();

async function inflatePack(run: RunHistories): Promise<Pack> {
  const [head, low] = run.pack;
  const bytes = scriptTextToBytes(run.texts[0] ?? '', head + low);
  const [heads, lows] = await Promise.all([
    inflate(bytes.subarray(0, head)),
    low > 0 ? inflate(bytes.subarray(head)) : new Uint8Array(0),
  ]);
  const headAt: number[] = [];
  const lowAt: number[] = [];
  let [h, l] = [0, 0];
  for (const { layout } of run.refs) {
    headAt.push(h);
    lowAt.push(l);
    h += layout[0];
    if (layout[2] === 1) l += layout[1];
  }
  return { heads, lows, headAt, lowAt };
}

const drawnChunks = new Map<string, Chunk>();

/** The columns of the i-th drawn chunk of a run, decoded once per page (its run's pack inflated once). */
export function drawnChunk(run: RunHistories, i: number): Chunk {
  const name = `${run.id}\n${i}`;
  let chunk = drawnChunks.get(name);
  if (!chunk) {
    let pack = packs.get(run.id);
    if (!pack) packs.set(run.id, (pack = inflatePack(run)));
    chunk = pack.then(({ heads, lows, headAt, lowAt }) => {
      const [head, low, packed] = run.refs[i]!.layout;
      const [h, l] = [headAt[i] ?? 0, lowAt[i] ?? 0];
      const own = (): Uint8Array => scriptTextToBytes(run.texts[i + 1] ?? '', low);
      return unpackChunk(heads.subarray(h, h + head), packed === 1 ? lows.subarray(l, l + low) : own());
    });
    drawnChunks.set(name, chunk);
  }
  return chunk;
}

/** The chart series of a run's histories (all, or those whose key is in `keys`). */
export async function loadSeries(run: RunHistories, keys?: readonly string[]): Promise<Series[]> {
  const wanted = run.refs.map((r, i) => ({ r, i })).filter(({ r }) => !keys || keys.includes(r.key));
  return Promise.all(wanted.map(async ({ r, i }) => toChartSeries(r, await drawnChunk(run, i))));
}

/**
 * Every point of every history, as CSV: `key,step,timestamp,value`, NaN, ±Infinity and -0 spelled out. `base` is the
 * run data file's folder, where the full-resolution chunks are.
 */
export async function historiesCsv(run: RunHistories, base: string): Promise<string> {
  const all = await Promise.all(run.refs.map((r, i) => (r.exact ? drawnChunk(run, i) : loadChunk(base, r.full))));
  return columnsCsv(run.refs.map((r, i) => ({ key: r.key, cols: all[i]! })));
}

/** The CSV of columns (exported for tests). */
export function columnsCsv(histories: readonly { key: string; cols: ChunkColumns }[]): string {
  const q = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const num = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  const lines = ['key,step,timestamp,value'];
  for (const { key, cols } of histories) {
    const k = q(key);
    for (let i = 0; i < cols.step.length; i++)
      lines.push(`${k},${num(cols.step[i]!)},${num(cols.timestamp[i]!)},${num(cols.value[i]!)}`);
  }
  return `${lines.join('\n')}\n`;
}
