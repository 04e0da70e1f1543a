/**
 * The run cache's base file, in sections a search reads only as far as it needs:
 *
 * - line 1, the header: `{version, gen, crc32, sections}` (`crc32` of line 2; `sections`, name -> [offset after
 *   line 2, length, crc32]);
 * - line 2, the directory: every run's id, log size and mtime and the attributes a search filters and orders by;
 * - sections: one column per metric key (latest values, null where a run has none), per param and tag key (indexes
 *   into the string table, -1 where missing), the string table, and `records`, one line per run with the full folded
 *   record.
 *
 * A search parses the directory and the columns its filter and order name, then only the records of the runs it
 * returns. Each section is checked against its checksum when first read; any mismatch drops the whole base.
 */
import { crc32 } from 'node:zlib';
import type { RunRecord, RunStatus } from '../../core/entities.js';
import { encodeNumber, nonFiniteReplacer } from '../../core/number-codec.js';
import { decodeMetricSummaries } from './shapes.js';

export const BASE_VERSION = 5;

export interface Entry {
  mtimeMs: number;
  size: number;
  record: RunRecord;
}

/** The per-run attributes in the directory, one array each, in row order. */
export interface Directory {
  ids: string[];
  sizes: number[];
  mtimes: number[];
  experimentIds: string[];
  deleted: number[];
  names: string[];
  statuses: RunStatus[];
  startTimes: number[];
  endTimes: (number | null)[];
  users: string[];
  /** offset of each row's line in `records` (bytes, and characters: the section is ASCII) */
  recordOffsets: number[];
  /** rows whose metric summaries hold NaN, ±Infinity or -0, written as strings ("NaN"): decoded when read */
  encodedRows: number[];
}

type Section = [offset: number, length: number, crc: number];

type Column = (number | string | null)[];

/** The base's text for `entries` (written as UTF-8). */
export function encodeBase(entries: Map<string, Entry>, gen: string): string {
  const table = new Map<string, number>();
  const stringAt = (text: string): number => {
    let i = table.get(text);
    if (i === undefined) table.set(text, (i = table.size));
    return i;
  };
  const rows = [...entries];
  const dir = emptyDirectory();
  // one map per kind, so a key is looked up as it is, without building its section name per run
  const kinds = { m: new Map<string, Column>(), p: new Map<string, Column>(), t: new Map<string, Column>() };
  const column = (kind: Map<string, Column>, key: string, fill: number | null): Column => {
    let c = kind.get(key);
    if (c === undefined) kind.set(key, (c = new Array<number | string | null>(rows.length).fill(fill)));
    return c;
  };
  const lines: string[] = [];
  let at = 0;
  rows.forEach(([id, { size, mtimeMs, record: r }], i) => {
    addAttributes(dir, id, size, mtimeMs, r);
    for (const key in r.metrics) column(kinds.m, key, null)[i] = encodeNumber(r.metrics[key]!.value);
    for (const key in r.params) column(kinds.p, key, -1)[i] = stringAt(r.params[key]!);
    for (const key in r.tags) column(kinds.t, key, -1)[i] = stringAt(r.tags[key]!);
    const plain = plainNumbers(r.metrics);
    if (!plain) dir.encodedRows.push(i);
    // a replacer costs a call per value: only records holding NaN, ±Infinity or -0 need it
    const line = asciiJson(plain ? JSON.stringify(r) : JSON.stringify(r, nonFiniteReplacer));
    dir.recordOffsets.push(at);
    at += line.length + 1;
    lines.push(line);
  });
  const parts: [string, string][] = [];
  for (const [kind, columns] of Object.entries(kinds))
    for (const [key, values] of columns) parts.push([`${kind}:${key}`, JSON.stringify(values)]);
  // one line per record, all ASCII: a reader decodes the section as latin1 once and parses each line as a slice of it
  parts.push(['strings', JSON.stringify([...table.keys()])], ['records', `${lines.join('\n')}\n`]);
  return assemble(gen, dir, parts);
}

/** Header, directory and sections, each section with its offset, length and checksum (of its UTF-8) in the header. */
function assemble(gen: string, dir: Directory, parts: [string, string][]): string {
  const sections: Record<string, Section> = {};
  let offset = 0;
  for (const [name, text] of parts) {
    const length = Buffer.byteLength(text);
    sections[name] = [offset, length, crc32(text)];
    offset += length;
  }
  const directory = JSON.stringify(dir);
  const header = { version: BASE_VERSION, gen, crc32: crc32(directory), sections };
  return `${JSON.stringify(header)}\n${directory}\n${parts.map(([, text]) => text).join('')}`;
}

/** JSON text with every character past ASCII written as a \u escape: the same value, one byte per character. */
function asciiJson(json: string): string {
  return NON_ASCII.test(json)
    ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/** Whether every number of the summaries is one JSON writes as itself (finite, not -0). */
function plainNumbers(metrics: RunRecord['metrics']): boolean {
  for (const key in metrics) {
    const s = metrics[key]!;
    for (const v of [s.value, s.min, s.max]) if (!Number.isFinite(v) || Object.is(v, -0)) return false;
  }
  return true;
}

function emptyDirectory(): Directory {
  const d = { ids: [], sizes: [], mtimes: [], experimentIds: [], deleted: [], names: [], statuses: [], startTimes: [] };
  return { ...d, endTimes: [], users: [], recordOffsets: [], encodedRows: [] };
}

function addAttributes(dir: Directory, id: string, size: number, mtimeMs: number, r: RunRecord): void {
  dir.ids.push(id);
  dir.sizes.push(size);
  dir.mtimes.push(mtimeMs);
  dir.experimentIds.push(r.experimentId);
  dir.deleted.push(r.lifecycleStage === 'deleted' ? 1 : 0);
  dir.names.push(r.name);
  dir.statuses.push(r.status);
  dir.startTimes.push(r.startTime);
  dir.endTimes.push(r.endTime);
  dir.users.push(r.user);
}

/** A base file read into memory: the directory parsed, sections parsed and checked on first use. */
export class BaseFile {
  private readonly parsed = new Map<string, unknown>();
  private readonly rows = new Map<string, number>();
  private strings: string[] | undefined;
  private readonly encoded: ReadonlySet<number>;

  private constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly sections: Record<string, Section>,
    readonly gen: string,
    readonly dir: Directory,
  ) {
    dir.ids.forEach((id, i) => this.rows.set(id, i));
    this.encoded = new Set(dir.encodedRows);
  }

  /** The base in `bytes`; undefined when of another version or its header or directory does not check. */
  static parse(bytes: Buffer): BaseFile | undefined {
    try {
      const cut1 = bytes.indexOf(0x0a);
      const cut2 = bytes.indexOf(0x0a, cut1 + 1);
      if (cut1 < 0 || cut2 < 0) return undefined;
      const header = JSON.parse(bytes.toString('latin1', 0, cut1)) as Record<string, unknown>;
      const dirBytes = bytes.subarray(cut1 + 1, cut2);
      if (header['version'] !== BASE_VERSION || typeof header['gen'] !== 'string') return undefined;
      if (header['crc32'] !== crc32(dirBytes) || typeof header['sections'] !== 'object') return undefined;
      const dir = JSON.parse(dirBytes.toString('utf8')) as Directory;
      const sections = header['sections'] as Record<string, Section>;
      return new BaseFile(bytes, cut2 + 1, sections, header['gen'], dir);
    } catch {
      return undefined;
    }
  }

  get size(): number {
    return this.bytes.length;
  }

  row(id: string): number | undefined {
    return this.rows.get(id);
  }

  /** A section's parsed JSON; undefined when absent; throws BadBase when it does not match its checksum. */
  private section(name: string): unknown {
    if (this.parsed.has(name)) return this.parsed.get(name);
    const s = Object.hasOwn(this.sections, name) ? this.sections[name] : undefined;
    let value: unknown;
    if (s !== undefined) {
      const bytes = this.bytes.subarray(this.start + s[0], this.start + s[0] + s[1]);
      if (bytes.length !== s[1] || crc32(bytes) !== s[2]) throw new BadBase();
      value = name === 'records' ? bytes.toString('latin1') : JSON.parse(bytes.toString('utf8'));
    }
    this.parsed.set(name, value);
    return value;
  }

  /** Latest values of metric `key` by row (encoded: "NaN" etc.; null where missing). */
  metricColumn(key: string): unknown[] | undefined {
    return this.section(`m:${key}`) as unknown[] | undefined;
  }

  /** Values of param (`p`) or tag (`t`) `key` by row, as strings; undefined where missing. */
  stringColumn(kind: 'p' | 't', key: string): (string | undefined)[] | undefined {
    const column = this.section(`${kind}:${key}`) as number[] | undefined;
    if (column === undefined) return undefined;
    const strings = this.table();
    return column.map((i) => (i < 0 ? undefined : strings[i]));
  }

  private table(): string[] {
    return (this.strings ??= this.section('strings') as string[]);
  }

  /** The full record of row `i`, in folded form (null-prototype dicts, decoded numbers); throws BadBase if damaged. */
  entry(i: number): Entry {
    const text = this.section('records');
    if (typeof text !== 'string') throw new BadBase();
    const from = this.dir.recordOffsets[i]!;
    const next = this.dir.recordOffsets[i + 1] ?? text.length;
    let record: RunRecord;
    try {
      record = JSON.parse(text.slice(from, next - 1)) as RunRecord; // without its newline
    } catch {
      throw new BadBase();
    }
    // null prototypes, as folded records have, so keys such as "toString" are data
    for (const dict of [record.params, record.tags, record.metrics]) {
      if (typeof dict !== 'object' || dict === null) throw new BadBase();
      Object.setPrototypeOf(dict, null);
    }
    if (this.encoded.has(i) && !decodeMetricSummaries(record.metrics)) throw new BadBase();
    return { mtimeMs: this.dir.mtimes[i]!, size: this.dir.sizes[i]!, record };
  }

  /** Whether every section matches its checksum (doctor's check). */
  verify(): boolean {
    try {
      for (const name of Object.keys(this.sections)) this.section(name);
      for (let i = 0; i < this.dir.ids.length; i++) this.entry(i);
      return true;
    } catch {
      return false;
    }
  }
}

/** A base whose section does not match its checksum: the cache drops it and reads the logs. */
export class BadBase extends Error {}
