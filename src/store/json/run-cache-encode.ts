/**
 * Writes the run cache's base (the layout is described in run-cache-file.ts): every run's record taken apart into
 * columns, so a reader rebuilds a record from values it already holds instead of parsing it as JSON.
 */
import type { RunRecord } from '../../core/entities.js';
import { encodeNumber, nonFiniteReplacer, type EncodedNumber } from '../../core/number-codec.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { crc32 } = process.getBuiltinModule('node:zlib');

export const BASE_VERSION = 7;

export interface Entry {
  mtimeMs: number;
  size: number;
  record: RunRecord;
}

/**
 * The per-run attributes in the directory, one array each, in row order. `mtimes` is not in the directory's JSON but
 * in the `mtimes` section, as float64 (little-endian, base64): exact, and read without parsing 10,000 decimals.
 */
export interface Directory {
  ids: string[];
  sizes: number[];
  mtimes: ArrayLike<number>;
  experimentIds: string[];
  deleted: number[];
  deletedTimes: (number | null)[];
  names: string[];
  statuses: string[];
  startTimes: number[];
  endTimes: (number | null)[];
  users: string[];
  /** each row's index in the `shapes` section, or -1 for a record kept whole in the `records` section */
  shapes: number[];
}

export type Section = [offset: number, length: number, crc: number];

/** The fields of a record the columns hold: a record with other fields is kept whole. */
const RECORD_FIELDS = new Set(
  'id,experimentId,name,status,startTime,endTime,lifecycleStage,deletedTime,user,params,tags,metrics,inputs'.split(','),
);
const SUMMARY_FIELDS = new Set(['value', 'step', 'timestamp', 'min', 'max', 'count']);

type Column = (number | string | null)[];
/** A metric's summary fields other than the value (in `m:<key>`): steps, timestamps, mins, maxs, counts. */
type SummaryColumns = [Column, Column, Column, Column, Column];

/** Collects the sections while the rows are added one by one. */
class BaseBuilder {
  readonly dir: Directory & { mtimes: number[] } = {
    ...{ ids: [], sizes: [], mtimes: [], experimentIds: [], deleted: [], deletedTimes: [], names: [] },
    ...{ statuses: [], startTimes: [], endTimes: [], users: [], shapes: [] },
  };
  private readonly strings = new Map<string, number>();
  private readonly shapes = new Map<string, number>();
  private readonly columns = new Map<string, Column>();
  private readonly summaries = new Map<string, SummaryColumns>();
  private readonly inputs: Record<number, unknown> = {};
  private readonly records: Record<number, RunRecord> = {};
  private hasInputs = false;
  private hasRecords = false;

  constructor(private readonly rows: number) {}

  add(i: number, id: string, { size, mtimeMs, record: r }: Entry): void {
    addAttributes(this.dir, id, size, mtimeMs, r);
    const shape: string[] = [];
    for (const key in r.params) shape.push(this.put(`p:${key}`, -1, i, this.stringAt(r.params[key]!)));
    for (const key in r.tags) shape.push(this.put(`t:${key}`, -1, i, this.stringAt(r.tags[key]!)));
    for (const key in r.metrics) shape.push(this.put(`m:${key}`, null, i, encodeNumber(r.metrics[key]!.value)));
    if (!columnar(r)) {
      // kept whole: a record with fields of another version, or a summary of another form
      this.dir.shapes.push(-1);
      this.records[i] = r;
      this.hasRecords = true;
      return;
    }
    for (const key in r.metrics) this.summary(key, i, r.metrics[key]!);
    if (r.inputs.length > 0) {
      this.inputs[i] = r.inputs;
      this.hasInputs = true;
    }
    const joined = JSON.stringify(shape);
    let s = this.shapes.get(joined);
    if (s === undefined) this.shapes.set(joined, (s = this.shapes.size));
    this.dir.shapes.push(s);
  }

  /** The sections' names and texts. */
  parts(): [string, string][] {
    const parts: [string, string][] = [];
    for (const [name, values] of this.columns) parts.push([name, JSON.stringify(values)]);
    for (const [key, columns] of this.summaries) parts.push([`s:${key}`, JSON.stringify(columns)]);
    parts.push(
      ['strings', JSON.stringify([...this.strings.keys()])],
      ['shapes', `[${[...this.shapes.keys()].join(',')}]`],
    );
    if (this.hasInputs) parts.push(['inputs', JSON.stringify(this.inputs)]);
    if (this.hasRecords) parts.push(['records', JSON.stringify(this.records, nonFiniteReplacer)]);
    return parts;
  }

  private stringAt(text: string): number {
    let i = this.strings.get(text);
    if (i === undefined) this.strings.set(text, (i = this.strings.size));
    return i;
  }

  /** Sets row `i` of column `name` (made on first use, filled with `fill`); returns the name. */
  private put(name: string, fill: number | null, i: number, value: number | string): string {
    let c = this.columns.get(name);
    if (c === undefined) this.columns.set(name, (c = new Array<number | string | null>(this.rows).fill(fill)));
    c[i] = value;
    return name;
  }

  private summary(key: string, i: number, s: RunRecord['metrics'][string]): void {
    let c = this.summaries.get(key);
    if (c === undefined) {
      const empty = (): Column => new Array<EncodedNumber | null>(this.rows).fill(null);
      this.summaries.set(key, (c = [empty(), empty(), empty(), empty(), empty()]));
    }
    c[0][i] = encodeNumber(s.step);
    c[1][i] = encodeNumber(s.timestamp);
    c[2][i] = encodeNumber(s.min);
    c[3][i] = encodeNumber(s.max);
    c[4][i] = encodeNumber(s.count);
  }
}

/** Whether a record has exactly the fields a reader rebuilds from the columns (their order is not data). */
function columnar(r: RunRecord): boolean {
  if (!sameFields(r, RECORD_FIELDS)) return false;
  for (const key in r.metrics) if (!sameFields(r.metrics[key]!, SUMMARY_FIELDS)) return false;
  return true;
}

function sameFields(o: object, fields: ReadonlySet<string>): boolean {
  let n = 0;
  for (const field in o) if (!fields.has(field) || ++n > fields.size) return false;
  return n === fields.size;
}

function addAttributes(
  dir: Directory & { mtimes: number[] },
  id: string,
  size: number,
  mtimeMs: number,
  r: RunRecord,
): void {
  dir.ids.push(id);
  dir.sizes.push(size);
  dir.mtimes.push(mtimeMs);
  dir.experimentIds.push(r.experimentId);
  dir.deleted.push(r.lifecycleStage === 'deleted' ? 1 : 0);
  dir.deletedTimes.push(r.deletedTime);
  dir.names.push(r.name);
  dir.statuses.push(r.status);
  dir.startTimes.push(r.startTime);
  dir.endTimes.push(r.endTime);
  dir.users.push(r.user);
}

/** The base's text for `entries` (written as UTF-8). */
export function encodeBase(entries: Map<string, Entry>, gen: string): string {
  const builder = new BaseBuilder(entries.size);
  let i = 0;
  for (const [id, entry] of entries) builder.add(i++, id, entry);
  const { mtimes, ...dir } = builder.dir;
  const bytes = Buffer.alloc(mtimes.length * 8);
  mtimes.forEach((m, k) => bytes.writeDoubleLE(m, k * 8));
  return assemble(gen, dir, [['mtimes', bytes.toString('base64')], ...builder.parts()]);
}

/** Header, directory and sections, each section with its offset, length and checksum (of its UTF-8) in the header. */
function assemble(gen: string, dir: Omit<Directory, 'mtimes'>, parts: [string, string][]): string {
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
