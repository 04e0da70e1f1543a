/**
 * Phase 5: files on disk. The writer keeps a manifest (`.tracklab-report.json`) of what it wrote, so a rebuild removes
 * pages of runs that are gone, an incremental build can keep unchanged run files, and a folder tracklab did not write
 * is never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TracklabError, ioError } from '../core/errors.js';
import { reportMessages as msg } from './messages.js';

export const MANIFEST = '.tracklab-report.json';

export interface Manifest {
  version: 1;
  /** per run: fingerprint and the files the run produced */
  runs: Record<string, { key: string; files: string[] }>;
  files: string[];
  /** true when every file listed was scanned for secret patterns by the build that wrote it or an earlier one */
  scanned?: boolean;
}

export interface SiteWriter {
  readonly out: string;
  readonly previous: Manifest | null;
  write(rel: string, data: string | Uint8Array): Promise<void>;
  /** records a file kept from the previous build (incremental) */
  keep(rel: string): void;
  has(rel: string): boolean;
  /** the files this build wrote (not those kept from the previous build) */
  written(): string[];
  /**
   * removes files of the previous build that were not written or kept, writes the manifest (`scanned`: whether the
   * build checks its files for secrets); returns total bytes
   */
  finish(runs: Manifest['runs'], scanned?: boolean): Promise<{ files: number; bytes: number }>;
}

function checkRel(rel: string): void {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..') || rel.includes('\\')) {
    throw new TracklabError('INVALID_PARAMETER_VALUE', msg.writeOutside(rel));
  }
}

async function readManifest(out: string): Promise<Manifest | null> {
  const file = path.join(out, MANIFEST);
  if (!existsSync(file)) {
    const entries = existsSync(out) ? await readdir(out) : [];
    if (entries.length > 0) {
      throw new TracklabError('INVALID_STATE', msg.outNotOurs(out));
    }
    return null;
  }
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    return m && m.version === 1 && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

export async function createSiteWriter(out: string): Promise<SiteWriter> {
  const previous = await readManifest(out);
  const sizes = new Map<string, number>();
  const dirs = new Set<string>();
  return {
    out,
    previous,
    async write(rel, data) {
      checkRel(rel);
      const file = path.join(out, rel);
      const dir = path.dirname(file);
      try {
        if (!dirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          dirs.add(dir);
        }
        await writeFile(file, data);
      } catch (err) {
        throw ioError('write', file, err);
      }
      sizes.set(rel, typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
    },
    keep(rel) {
      sizes.set(rel, 0);
    },
    has: (rel) => sizes.has(rel),
    written: () => [...sizes].filter(([, size]) => size > 0).map(([rel]) => rel),
    async finish(runs, scanned = false) {
      for (const rel of previous?.files ?? []) {
        if (!sizes.has(rel) && !rel.split('/').includes('..')) await rm(path.join(out, rel), { force: true });
      }
      const files = [...sizes.keys()].sort();
      const sortedRuns: Manifest['runs'] = {};
      for (const id of Object.keys(runs).sort()) sortedRuns[id] = runs[id] as Manifest['runs'][string];
      const manifest: Manifest = { version: 1, runs: sortedRuns, files, ...(scanned ? { scanned } : {}) };
      await writeFile(path.join(out, MANIFEST), `${JSON.stringify(manifest)}\n`);
      let bytes = 0;
      for (const [rel, size] of sizes) bytes += size > 0 ? size : await fileSize(path.join(out, rel));
      return { files: files.length, bytes };
    },
  };
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
