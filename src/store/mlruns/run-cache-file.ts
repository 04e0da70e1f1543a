/**
 * The file format of an mlruns folder's run cache (run-cache.ts), made for a cold search to read only what it uses:
 * - line 1: the store's real path as a JSON string, checked on load and read by pruning;
 * - line 2: one JSON object in columns, `{"v":5,"order":"LE","n":<signature numbers>,"lists":[[files],...],
 *   "keys":["<experiment>/<run>",...],"l":[list index,...],"base":"file:///.../mlruns/","rb":<record bytes>,
 *   "m":{"<metric>":[entry index,latest value,...],...}}`: the latest value of each metric by entry, so a filter on
 *   a metric is decided without the run's record;
 * - then one record a line (`rb` bytes in all), parsed only for the runs a search returns or must look into; a
 *   record leaves out its id, experiment id and artifact URI when they follow from its key (`base` + key +
 *   `/artifacts`);
 * - then spaces up to a multiple of 8 bytes and the signatures, `n` float64 numbers in the machine's byte order
 *   (`order`), three per file of each run's list (inode, ctime, size), used in place without being parsed.
 */
import type { RunRecord } from '../../core/entities.js';
import { decodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { endianness } = process.getBuiltinModule('node:os');

export interface CacheEntry {
  /** files and folders the run was read from, relative to its folder (shared between entries) */
  f: readonly string[];
  /** their inode, ctime and size, three numbers per file (-1 each when missing), from `o` on */
  s: ArrayLike<number>;
  o: number;
  /**
   * the record's JSON text as packed for its key (`packRecord`), or where its UTF-8 bytes are in the loaded file
   * (`CacheContents.bytes`, from `at` to `end`); parsed on use
   */
  raw: string | undefined;
  at: number;
  end: number;
  /** where its metrics' latest values are: its index in the loaded file's metric columns, or its own map */
  i: number;
  m?: Record<string, number>;
  /** met by this process (a search listed its folder); set on use, never stored */
  seen?: boolean;
}

/** A cache file's entries and the columns shared by them. */
export interface CacheContents {
  entries: Map<string, CacheEntry>;
  /** the start of artifact URIs left out of records; fixed once a record was packed with it */
  base: string;
  /** latest metric values by metric key: pairs of entry index and encoded value */
  metrics: Record<string, unknown[]>;
  /** the loaded file */
  bytes: Buffer;
}

/** A record as stored: fields that follow from its key are left out. */
type Packed = Omit<RunRecord, 'id' | 'experimentId' | 'artifactUri'> & {
  id?: string;
  experimentId?: string;
  /** null: the run has none */
  artifactUri?: string | null;
};

interface Columns {
  v: number;
  order: string;
  n: number;
  lists: string[][];
  keys: string[];
  l: number[];
  base: string;
  rb: number;
  m: Record<string, unknown[]>;
}

const VERSION = 5;
const NEWLINE = 10;

/**
 * The name of the cache file of the store at real path `root`: a 64-bit hash of the path (not cryptographic:
 * loading node:crypto costs a cold process more than the lookup it names). The file's first line names its store
 * and is checked on load, so two paths with one hash only cost each other speed.
 */
export function cacheFileName(root: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < root.length; i++) {
    const c = root.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  return `${hex(h2)}${hex(h1)}.json`;
}

/** The run and experiment folder names of a key `<experiment>/<run>` or `.trash/<experiment>/<run>`. */
function namesOf(key: string): { run: string; experiment: string } {
  const cut = key.lastIndexOf('/');
  return { run: key.slice(cut + 1), experiment: key.slice(key.lastIndexOf('/', cut - 1) + 1, cut) };
}

function pack(key: string, r: RunRecord, base: string): Packed {
  const { id, experimentId, artifactUri, ...rest } = r;
  const names = namesOf(key);
  const out: Packed = rest;
  if (id !== names.run) out.id = id;
  if (experimentId !== names.experiment) out.experimentId = experimentId;
  // null keeps a run without one from getting `base` + key when read back
  if (artifactUri !== `${base}${key}/artifacts`) out.artifactUri = artifactUri ?? null;
  return out;
}

/** The JSON text a cache entry keeps of run `r` in folder `key`, given the file's artifact URI base. */
export const packRecord = (key: string, r: RunRecord, base: string): string =>
  JSON.stringify(pack(key, r, base), nonFiniteReplacer);

/**
 * The run of an entry's JSON text (a new object each time); undefined for JSON that is not a packed record, and
 * throws on text that is not JSON.
 */
export function unpackRecord(key: string, raw: string, base: string): RunRecord | undefined {
  const p = JSON.parse(raw) as Packed;
  if (typeof p !== 'object' || p === null || typeof p.metrics !== 'object' || p.metrics === null) return undefined;
  const names = namesOf(key);
  p.id ??= names.run;
  p.experimentId ??= names.experiment;
  if (p.artifactUri === undefined) p.artifactUri = `${base}${key}/artifacts`;
  else if (p.artifactUri === null) delete p.artifactUri;
  for (const k in p.metrics) {
    const m = p.metrics[k] as RunRecord['metrics'][string];
    if (typeof m.value !== 'number') m.value = decodeNumber(m.value) ?? Number.NaN;
    if (typeof m.min !== 'number') m.min = decodeNumber(m.min) ?? Number.NaN;
    if (typeof m.max !== 'number') m.max = decodeNumber(m.max) ?? Number.NaN;
  }
  return p as unknown as RunRecord;
}

/** The artifact URI base of run `r` in folder `key` when its URI is `<base><key>/artifacts`, else ''. */
export function baseOf(key: string, r: RunRecord): string {
  const uri = r.artifactUri;
  return uri?.endsWith(`/${key}/artifacts`) ? uri.slice(0, uri.length - key.length - '/artifacts'.length) : '';
}

/** The latest value of each metric of `r` (no prototype: a metric may be called `__proto__` or `constructor`). */
export function latestValues(r: RunRecord): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const k in r.metrics) out[k] = (r.metrics[k] as RunRecord['metrics'][string]).value;
  return out;
}

/** The metric columns of `entries` (new indices by order), from the loaded columns and the entries' own values. */
function metricColumns(contents: CacheContents): Record<string, unknown[]> {
  const m = Object.create(null) as Record<string, unknown[]>; // metric names are keys: no prototype
  const remap: number[] = [];
  let at = 0;
  for (const e of contents.entries.values()) {
    if (e.m !== undefined) for (const k in e.m) (m[k] ??= []).push(at, e.m[k]);
    else if (e.i >= 0) remap[e.i] = at;
    at += 1;
  }
  for (const k in contents.metrics) {
    const pairs = contents.metrics[k] as unknown[];
    for (let j = 0; j < pairs.length; j += 2) {
      const to = remap[pairs[j] as number];
      if (to !== undefined) (m[k] ??= []).push(to, pairs[j + 1]);
    }
  }
  return m;
}

/** The cache file's bytes for the store at real path `root`. */
export function encodeCache(root: string, contents: CacheContents): Buffer {
  const cols: Columns = { v: VERSION, order: endianness(), n: 0, lists: [], keys: [], l: [], base: '', rb: 0, m: {} };
  cols.base = contents.base;
  const sig: number[] = [];
  const lists = new Map<string, number>();
  const records: Buffer[] = [];
  const newline = Buffer.from('\n');
  for (const [key, e] of contents.entries) {
    const name = e.f.join('\n');
    let at = lists.get(name);
    if (at === undefined) {
      at = cols.lists.push([...e.f]) - 1;
      lists.set(name, at);
    }
    cols.keys.push(key);
    cols.l.push(at);
    for (let i = 0; i < e.f.length * 3; i++) sig.push(e.s[e.o + i] as number);
    records.push(e.raw === undefined ? contents.bytes.subarray(e.at, e.end) : Buffer.from(e.raw, 'utf8'), newline);
  }
  const body = Buffer.concat(records);
  cols.n = sig.length;
  cols.rb = body.length;
  cols.m = metricColumns(contents);
  const head = Buffer.from(`${JSON.stringify(root)}\n${JSON.stringify(cols, nonFiniteReplacer)}\n`, 'utf8');
  const at = Math.ceil((head.length + body.length) / 8) * 8;
  const out = Buffer.alloc(at + sig.length * 8, ' ');
  head.copy(out);
  body.copy(out, head.length);
  out.set(new Uint8Array(Float64Array.from(sig).buffer), at);
  return out;
}

/** Whether parsed JSON has the columns of this version (a damaged file of another shape is dropped, never trusted). */
function isColumns(x: Partial<Columns>): x is Columns {
  return (
    x.v === VERSION &&
    x.order === endianness() &&
    Number.isInteger(x.n) &&
    Number.isInteger(x.rb) &&
    [x.lists, x.keys, x.l].every(Array.isArray) &&
    typeof x.m === 'object' &&
    x.m !== null &&
    Object.values(x.m).every(Array.isArray) &&
    typeof x.base === 'string'
  );
}

/** The `n` numbers from byte `at` to the end of `buf`, in place when aligned; undefined when the length is wrong. */
function signatures(buf: Buffer, at: number, n: number): Float64Array | undefined {
  if (buf.length !== at + n * 8) return undefined;
  if ((buf.byteOffset + at) % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset + at, n);
  return new Float64Array(new Uint8Array(buf.subarray(at)).buffer);
}

/** Contents with no entries. */
export const emptyContents = (): CacheContents => ({
  entries: new Map(),
  base: '',
  metrics: {},
  bytes: Buffer.alloc(0),
});

/**
 * The entries of a cache file's bytes, their records left as text; empty when the file is of another store (its
 * first line), another version or damaged in a way that can be seen. Throws on JSON that does not parse.
 */
export function decodeCache(buf: Buffer, root: string): CacheContents {
  const none = emptyContents();
  const head = buf.indexOf(NEWLINE);
  if (head < 0 || buf.toString('utf8', 0, head) !== JSON.stringify(root)) return none;
  const end = buf.indexOf(NEWLINE, head + 1); // JSON text holds no raw newline
  if (end < 0) return none;
  const cols = JSON.parse(buf.toString('utf8', head + 1, end)) as Partial<Columns>;
  if (!isColumns(cols) || end + 1 + cols.rb > buf.length) return none;
  const s = signatures(buf, Math.ceil((end + 1 + cols.rb) / 8) * 8, cols.n);
  if (s === undefined) return none;
  const { lists, keys, l, base } = cols;
  const entries = new Map<string, CacheEntry>();
  let o = 0;
  // records stay bytes: decoding only those a search uses saves decoding the whole section
  let at = end + 1;
  const stop = end + 1 + cols.rb;
  for (let i = 0; i < keys.length; i++) {
    const f = lists[l[i] as number];
    const key = keys[i];
    const next = buf.indexOf(NEWLINE, at);
    if (!Array.isArray(f) || typeof key !== 'string' || next < 0 || next >= stop) return none;
    entries.set(key, { f, s, o, raw: undefined, at, end: next, i, seen: false });
    o += f.length * 3;
    at = next + 1;
  }
  return o === s.length && at === stop ? { entries, base, metrics: cols.m, bytes: buf } : none;
}
