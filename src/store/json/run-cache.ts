/**
 * Folded runs, kept by the size and mtime of their run.jsonl. Run logs only grow, so a changed log always has a new
 * size. The cache is derived data: it is saved to `<store>/.cache/runs.json` after a listing that had to read many
 * logs, so the next cold process stats files instead of opening them; a missing or unreadable cache file is simply
 * rebuilt.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunRecord } from '../../core/entities.js';
import { nonFiniteReplacer } from '../../core/number-codec.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { toRunRecord } from './run-events.js';

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
      writeFileAtomicSync(
        this.file,
        JSON.stringify({ version: 1, runs: Object.fromEntries(this.entries) }, nonFiniteReplacer),
        false,
      );
    } catch {
      // derived data only: the next listing reads the logs again
    }
  }

  private load(): void {
    this.loaded = true;
    let parsed: { version?: unknown; runs?: Record<string, Entry> };
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.version !== 1 || parsed.runs === null || typeof parsed.runs !== 'object') return;
    for (const [id, entry] of Object.entries(parsed.runs)) {
      const record = toRunRecord(entry?.record);
      if (typeof entry?.mtimeMs === 'number' && typeof entry.size === 'number' && record)
        this.entries.set(id, { ...entry, record });
    }
  }
}
