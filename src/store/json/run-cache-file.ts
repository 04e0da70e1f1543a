/**
 * The run cache's base file, in sections a search reads only as far as it needs:
 *
 * - line 1, the header: `{version, gen, crc32, sections}` (`crc32` of line 2; `sections`, name -> [offset after
 *   line 2, length, crc32]);
 * - line 2, the directory: every run's id and log size, the attributes a search filters and orders by, and the
 *   index of its shape;
 * - the `mtimes` section: every run's log mtime, float64 little-endian in base64 (exact, and read without parsing);
 * - sections: per metric key its latest values (`m:<key>`, null where a run has none) and the rest of its summaries
 *   (`s:<key>`); per param and tag key indexes into the string table (`p:<key>`, `t:<key>`, -1 where missing); the
 *   string table; `shapes`, the distinct lists of sections a record's params, tags and metrics are in, in their order;
 *   `inputs`, the datasets of the runs that have any; `records`, whole records of a form the columns do not hold.
 *
 * A search parses the directory and the columns its filter and order name; the records it returns are rebuilt from
 * the columns their shapes name, which are parsed on first use. Each section is checked against its checksum when
 * first read; any mismatch drops the whole base.
 */
import type { MetricSummary, RunRecord, RunStatus } from '../../core/entities.js';
import { BASE_VERSION, type Directory, type Entry, type Section } from './run-cache-encode.js';
import { setOwn } from '../../core/run-view.js';
import { decodeMetricSummaries } from './shapes.js';
import { BadBase, readMtimes, summaryAt, type BaseColumn as Column } from './run-cache-decode.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { crc32 } = process.getBuiltinModule('node:zlib');

export { encodeBase, type Entry, type Directory } from './run-cache-encode.js';
export { BadBase } from './run-cache-decode.js';

/** A shape with its sections looked up: per entry its kind ('p', 't' or 'm'), key, values, and summary columns. */
interface Resolved {
  kinds: number[];
  keys: string[];
  values: Column[];
  summaries: (Column[] | undefined)[];
  /** plain objects with the shape's params, tags and metrics keys in order: a row's dicts are copies of these */
  params: Record<string, unknown>;
  tags: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

const P = 0x70;
const T = 0x74;
const M = 0x6d;

/** A base file read into memory: the directory parsed, sections parsed and checked on first use. */
export class BaseFile {
  private readonly parsed = new Map<string, unknown>();
  /** row by id, made on the first lookup out of row order */
  private rows: Map<string, number> | undefined;
  /** the row after the last one looked up: a listing in the order the base was written in finds each run there */
  private next = 0;
  private strings: unknown[] | undefined;
  private readonly resolved: (Resolved | undefined)[] = [];

  private constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly sections: Record<string, Section>,
    readonly gen: string,
    readonly dir: Directory,
  ) {}

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
      const sections = header['sections'] as Record<string, Section>;
      const dir = JSON.parse(dirBytes.toString('utf8')) as Directory;
      const mtimes = readMtimes(bytes, cut2 + 1, sections['mtimes'], dir.ids.length);
      if (mtimes === undefined) return undefined;
      dir.mtimes = mtimes;
      return new BaseFile(bytes, cut2 + 1, sections, header['gen'], dir);
    } catch {
      return undefined;
    }
  }

  get size(): number {
    return this.bytes.length;
  }

  row(id: string): number | undefined {
    const { ids } = this.dir;
    if (ids[this.next] === id) return this.next++;
    if (this.rows === undefined) {
      this.rows = new Map();
      for (let i = 0; i < ids.length; i++) this.rows.set(ids[i]!, i);
    }
    const i = this.rows.get(id);
    if (i !== undefined) this.next = i + 1;
    return i;
  }

  /** A section's parsed JSON; undefined when absent; throws BadBase when it does not match its checksum. */
  private section(name: string): unknown {
    if (this.parsed.has(name)) return this.parsed.get(name);
    const s = Object.hasOwn(this.sections, name) ? this.sections[name] : undefined;
    let value: unknown;
    if (s !== undefined) {
      const bytes = this.bytes.subarray(this.start + s[0], this.start + s[0] + s[1]);
      if (bytes.length !== s[1] || crc32(bytes) !== s[2]) throw new BadBase();
      try {
        value = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new BadBase();
      }
    }
    this.parsed.set(name, value);
    return value;
  }

  /** An array section the shapes say is there; throws BadBase otherwise. */
  private column(name: string): Column {
    const c = this.section(name);
    if (!Array.isArray(c) || c.length !== this.dir.ids.length) throw new BadBase();
    return c;
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
    return column.map((i) => (i < 0 ? undefined : (strings[i] as string)));
  }

  private table(): unknown[] {
    if (this.strings !== undefined) return this.strings;
    const strings = this.section('strings');
    if (!Array.isArray(strings)) throw new BadBase();
    return (this.strings = strings);
  }

  /** The full record of row `i`, in folded form (null-prototype dicts, decoded numbers); throws BadBase if damaged. */
  entry(i: number): Entry {
    return { mtimeMs: this.dir.mtimes[i]!, size: this.dir.sizes[i]!, record: this.record(i, false) };
  }

  /**
   * The full record of row `i`, a new object; with `plain` its params and tags are plain objects (as `toRun` copies
   * them) instead of null-prototype ones. Throws BadBase if damaged.
   */
  record(i: number, plain: boolean): RunRecord {
    const shape = this.dir.shapes[i];
    if (shape !== -1) return this.rebuilt(i, this.shape(shape), plain);
    const record = this.whole(i);
    return plain ? { ...record, params: { ...record.params }, tags: { ...record.tags } } : record;
  }

  private shape(s: number | undefined): Resolved {
    const known = this.resolved[s!];
    if (known !== undefined) return known;
    const names = (this.section('shapes') as unknown[] | undefined)?.[s!];
    if (!Array.isArray(names)) throw new BadBase();
    const resolved: Resolved = { kinds: [], keys: [], values: [], summaries: [], params: {}, tags: {}, metrics: {} };
    for (const name of names as string[]) {
      const kind = name.charCodeAt(0);
      const key = name.slice(2);
      if (kind !== P && kind !== T && kind !== M) throw new BadBase();
      setOwn(kind === P ? resolved.params : kind === T ? resolved.tags : resolved.metrics, key, null);
      resolved.kinds.push(kind);
      resolved.keys.push(key);
      resolved.values.push(this.column(name));
      resolved.summaries.push(kind === M ? this.summaryColumns(key) : undefined);
    }
    this.resolved[s!] = resolved;
    return resolved;
  }

  private summaryColumns(key: string): Column[] {
    const c = this.section(`s:${key}`);
    if (!Array.isArray(c) || c.length !== 5 || !c.every((x) => Array.isArray(x) && x.length === this.dir.ids.length))
      throw new BadBase();
    return c as Column[];
  }

  /**
   * Fills copies of the shape's dicts with row `i`'s values. Copies of plain objects holding the keys are far cheaper
   * to fill than null-prototype objects (an own "__proto__" of the copy is set as data); the caller sets null
   * prototypes after.
   */
  private fill(
    i: number,
    shape: Resolved,
    params: Record<string, string>,
    tags: Record<string, string>,
    metrics: Record<string, MetricSummary>,
  ): void {
    const strings = this.table();
    const { kinds, keys, values, summaries } = shape;
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[k];
      if (kind === M) {
        metrics[keys[k]!] = summaryAt(values[k]!, summaries[k]!, i);
        continue;
      }
      const text = strings[values[k]![i] as number];
      if (typeof text !== 'string') throw new BadBase();
      (kind === P ? params : tags)[keys[k]!] = text;
    }
  }

  /** Row `i`'s datasets, a new list. */
  private inputsOf(i: number): RunRecord['inputs'] {
    const inputs = (this.section('inputs') as Record<number, RunRecord['inputs']> | undefined)?.[i];
    return inputs === undefined ? [] : structuredClone(inputs);
  }

  /** Row `i` rebuilt from the directory and the columns of its shape. */
  private rebuilt(i: number, shape: Resolved, plain: boolean): RunRecord {
    const d = this.dir;
    const params = { ...shape.params } as Record<string, string>;
    const tags = { ...shape.tags } as Record<string, string>;
    const metrics = { ...shape.metrics } as Record<string, MetricSummary>;
    this.fill(i, shape, params, tags, metrics);
    if (!plain) {
      Object.setPrototypeOf(params, null);
      Object.setPrototypeOf(tags, null);
    }
    Object.setPrototypeOf(metrics, null);
    return {
      id: d.ids[i]!,
      experimentId: d.experimentIds[i]!,
      name: d.names[i]!,
      status: d.statuses[i] as RunStatus,
      startTime: d.startTimes[i]!,
      endTime: d.endTimes[i]!,
      lifecycleStage: d.deleted[i] === 1 ? 'deleted' : 'active',
      deletedTime: d.deletedTimes[i]!,
      user: d.users[i]!,
      params,
      tags,
      metrics,
      inputs: this.inputsOf(i),
    };
  }

  /** Row `i` kept whole (a record the columns do not hold). */
  private whole(i: number): RunRecord {
    const text = (this.section('records') as Record<number, unknown> | undefined)?.[i];
    if (text === undefined) throw new BadBase();
    const record = structuredClone(text) as RunRecord;
    // null prototypes, as folded records have, so keys such as "toString" are data
    for (const dict of [record.params, record.tags, record.metrics]) {
      if (typeof dict !== 'object' || dict === null) throw new BadBase();
      Object.setPrototypeOf(dict, null);
    }
    if (!decodeMetricSummaries(record.metrics)) throw new BadBase();
    return record;
  }

  /** Whether every section matches its checksum (doctor's check). */
  verify(): boolean {
    try {
      // mtimes were checked by parse; every other section is JSON
      for (const name of Object.keys(this.sections)) if (name !== 'mtimes') this.section(name);
      for (let i = 0; i < this.dir.ids.length; i++) this.record(i, false);
      return true;
    } catch {
      return false;
    }
  }
}
