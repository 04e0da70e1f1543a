/**
 * Decodes a run's published histories (src/report/publish-histories.ts). A chunk's text is binary columns
 * (src/core/history-chunk.ts), deflated (the low byte planes only when they were not noise), written 7 bits a character
 * (src/core/script-text.ts). The drawn chunks come with the run's data file and are decoded only for the metrics a
 * page draws; a full-resolution chunk is a classic script calling `tracklabHistory(name, layout, "text")` (fetch()
 * cannot read file://), loaded only when a user asks for the CSV. The page uses installHistoryHook, loadSeries and
 * historiesCsv; decodeChunk and columnsCsv are exported for tests.
 */
import { unpackChunk, type ChunkColumns } from '../../src/core/history-chunk.js';
import { scriptTextToBytes } from '../../src/core/script-text.js';
import { MAX_NON_FINITE, type Series } from '../../src/report/downsample.js';
import type { ChunkLayout, HistoryRef } from '../../src/report/publish-histories.js';

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

const drawable = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** A chart's series from a drawn chunk. */
function toChartSeries(ref: HistoryRef, cols: ChunkColumns): Series {
  const t0 = cols.timestamp[0] ?? 0;
  const nonFinite: [number, string][] = [];
  for (let i = 0; i < cols.value.length && nonFinite.length < MAX_NON_FINITE; i++)
    if (!Number.isFinite(cols.value[i]!)) nonFinite.push([cols.step[i]!, String(cols.value[i])]);
  return {
    key: ref.key,
    steps: Array.from(cols.step),
    t0,
    times: Array.from(cols.timestamp, (t) => t - t0),
    values: Array.from(cols.value, drawable),
    total: ref.total,
    ...(nonFinite.length > 0 ? { nonFinite } : {}),
    ...(cols.min && cols.max ? { min: Array.from(cols.min, drawable), max: Array.from(cols.max, drawable) } : {}),
  };
}

/** A run's histories as its data file holds them: the list, and the drawn chunks' texts in the same order. */
export interface RunHistories {
  id: string;
  refs: readonly HistoryRef[];
  texts: readonly string[];
}

const drawnChunks = new Map<string, Chunk>();

/** The columns of the i-th drawn chunk of a run, decoded once per page. */
function drawnChunk(run: RunHistories, i: number): Chunk {
  const name = `${run.id}\n${i}`;
  let chunk = drawnChunks.get(name);
  if (!chunk) {
    chunk = decodeChunk(run.refs[i]!.layout, run.texts[i] ?? '');
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
