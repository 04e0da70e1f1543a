/**
 * Folded runs, kept by the size and mtime of their run.jsonl. Run logs only grow, so a changed log always has a new
 * size. The cache is derived data: it is saved to `<store>/.cache/runs.json` after a listing that had to read many
 * logs, so the next cold process stats files instead of opening them; a missing or unreadable cache file is simply
 * rebuilt. The file is a header line with the SHA-1 of the body line, which holds records that were checked when they
 * were folded: a body that still has its digest is read without checking each record again (the costliest part of a
 * cold listing), and any other body, damaged or edited, is dropped.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { decodeMetricSummaries } from './shapes.js';

interface Entry {
  mtimeMs: number;
  size: number;
  record: RunRecord;
}

/** Save after a listing that read at least this many logs. */
const SAVE_AFTER_MISSES = 200;

export class RunCache {
  private readonly entries = new Map<string, Entry>();
  private loaded = false;
  private misses = 0;

  constructor(private readonly file: string) {}

  get(id: string): Entry | undefined {
    if (!this.loaded) this.load();
    return this.entries.get(id);
  }

  set(id: string, entry: Entry): void {
    this.entries.set(id, entry);
    this.misses += 1;
  }

  /** Saves when enough runs were read since the last save (best effort: a cache that cannot be written is skipped). */
  saveIfWorthIt(): void {
    if (this.misses < SAVE_AFTER_MISSES) return;
    this.misses = 0;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const body = JSON.stringify(Object.fromEntries(this.entries), nonFiniteReplacer);
      writeFileAtomicSync(this.file, `${JSON.stringify({ version: 2, sha1: sha1(body) })}\n${body}`, false);
    } catch {
      // derived data only: the next listing reads the logs again
    }
  }

  private load(): void {
    this.loaded = true;
    let runs: Record<string, Entry>;
    try {
      const text = readFileSync(this.file, 'utf8');
      const cut = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, cut)) as { version?: unknown; sha1?: unknown };
      const body = text.slice(cut + 1);
      if (cut < 0 || header.version !== 2 || header.sha1 !== sha1(body)) return;
      runs = JSON.parse(body) as Record<string, Entry>;
    } catch {
      return;
    }
    for (const [id, entry] of Object.entries(runs)) {
      const { record } = entry;
      // null prototypes, as folded records have, so keys such as "toString" are data; "NaN" back to a number
      for (const dict of [record.params, record.tags, record.metrics]) Object.setPrototypeOf(dict, null);
      if (decodeMetricSummaries(record.metrics)) this.entries.set(id, entry);
    }
  }
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
