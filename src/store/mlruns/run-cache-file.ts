/**
 * The file format of an mlruns folder's run cache (run-cache.ts), made for a cold search to read in one go:
 * - line 1: the store's real path as a JSON string, checked on load and read by pruning;
 * - line 2: one JSON object in columns, `{"v":4,"order":"LE","n":<signature numbers>,"lists":[[files],...],
 *   "keys":["<experiment>/<run>",...],"l":[list index,...],"base":"file:///.../mlruns/","r":[record,...]}`; a record
 *   leaves out its id, experiment id and artifact URI when they follow from its key (`base` + key + `/artifacts`);
 * - then spaces up to a multiple of 8 bytes and the signatures, `n` float64 numbers in the machine's byte order
 *   (`order`), three per file of each run's list (inode, ctime, size), used in place without being parsed.
 */
import { endianness } from 'node:os';
import type { RunRecord } from '../../core/entities.js';
import { decodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';

export interface CacheEntry {
  /** files and folders the run was read from, relative to its folder (shared between entries) */
  f: readonly string[];
  /** their inode, ctime and size, three numbers per file (-1 each when missing), from `o` on */
  s: ArrayLike<number>;
  o: number;
  r: RunRecord;
}

/** A record as stored: fields that follow from its key are left out. */
type Packed = Omit<RunRecord, 'id' | 'experimentId'> & { id?: string; experimentId?: string };

interface Columns {
  v: number;
  order: string;
  n: number;
  lists: string[][];
  keys: string[];
  l: number[];
  base: string;
  r: Packed[];
}

const VERSION = 4;
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
  if (artifactUri !== undefined && artifactUri !== `${base}${key}/artifacts`) out.artifactUri = artifactUri;
  return out;
}

function unpack(key: string, p: Packed, base: string): RunRecord {
  const names = namesOf(key);
  p.id ??= names.run;
  p.experimentId ??= names.experiment;
  p.artifactUri ??= `${base}${key}/artifacts`;
  for (const k in p.metrics) {
    const m = p.metrics[k] as RunRecord['metrics'][string];
    if (typeof m.value !== 'number') m.value = decodeNumber(m.value) ?? Number.NaN;
    if (typeof m.min !== 'number') m.min = decodeNumber(m.min) ?? Number.NaN;
    if (typeof m.max !== 'number') m.max = decodeNumber(m.max) ?? Number.NaN;
  }
  return p as RunRecord;
}

/** The common start of artifact URIs written as `<base><key>/artifacts`, from the first entry that has one. */
function baseOf(entries: Map<string, CacheEntry>): string {
  for (const [key, e] of entries) {
    const uri = e.r.artifactUri;
    if (uri?.endsWith(`/${key}/artifacts`)) return uri.slice(0, uri.length - key.length - '/artifacts'.length);
  }
  return '';
}

/** The cache file's bytes for the store at real path `root`. */
export function encodeCache(root: string, entries: Map<string, CacheEntry>): Buffer {
  const cols: Columns = { v: VERSION, order: endianness(), n: 0, lists: [], keys: [], l: [], base: '', r: [] };
  cols.base = baseOf(entries);
  const sig: number[] = [];
  const lists = new Map<string, number>();
  for (const [key, e] of entries) {
    const name = e.f.join('\n');
    let at = lists.get(name);
    if (at === undefined) {
      at = cols.lists.push([...e.f]) - 1;
      lists.set(name, at);
    }
    cols.keys.push(key);
    cols.l.push(at);
    for (let i = 0; i < e.f.length * 3; i++) sig.push(e.s[e.o + i] as number);
    cols.r.push(pack(key, e.r, cols.base));
  }
  cols.n = sig.length;
  const text = Buffer.from(`${JSON.stringify(root)}\n${JSON.stringify(cols, nonFiniteReplacer)}\n`, 'utf8');
  const at = Math.ceil(text.length / 8) * 8;
  const out = Buffer.alloc(at + sig.length * 8, ' ');
  text.copy(out);
  out.set(new Uint8Array(Float64Array.from(sig).buffer), at);
  return out;
}

/** Whether parsed JSON has the columns of this version (a damaged file of another shape is dropped, never trusted). */
function isColumns(x: Partial<Columns>): x is Columns {
  return (
    x.v === VERSION &&
    x.order === endianness() &&
    Number.isInteger(x.n) &&
    [x.lists, x.keys, x.l, x.r].every(Array.isArray) &&
    typeof x.base === 'string'
  );
}

/** The `n` numbers from byte `at` to the end of `buf`, in place when aligned; undefined when the length is wrong. */
function signatures(buf: Buffer, at: number, n: number): Float64Array | undefined {
  if (buf.length !== at + n * 8) return undefined;
  if ((buf.byteOffset + at) % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset + at, n);
  return new Float64Array(new Uint8Array(buf.subarray(at)).buffer);
}

/**
 * The entries of a cache file's bytes; empty when the file is of another store (its first line), another version or
 * damaged in a way that can be seen. Throws on JSON that does not parse.
 */
export function decodeCache(buf: Buffer, root: string): Map<string, CacheEntry> {
  const none = new Map<string, CacheEntry>();
  const head = buf.indexOf(NEWLINE);
  if (head < 0 || buf.toString('utf8', 0, head) !== JSON.stringify(root)) return none;
  const end = buf.indexOf(NEWLINE, head + 1); // JSON text holds no raw newline
  if (end < 0) return none;
  const cols = JSON.parse(buf.toString('utf8', head + 1, end)) as Partial<Columns>;
  if (!isColumns(cols)) return none;
  const s = signatures(buf, Math.ceil((end + 1) / 8) * 8, cols.n);
  if (s === undefined) return none;
  const { lists, keys, l, base, r } = cols;
  const entries = new Map<string, CacheEntry>();
  let o = 0;
  for (let i = 0; i < keys.length; i++) {
    const f = lists[l[i] as number];
    const rec = r[i];
    const key = keys[i];
    if (!Array.isArray(f) || typeof rec !== 'object' || rec === null || typeof key !== 'string') return none;
    entries.set(key, { f, s, o, r: unpack(key, rec, base) });
    o += f.length * 3;
  }
  return o === s.length ? entries : none;
}
