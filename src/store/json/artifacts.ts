/** A run's artifact folder on disk, with a realpath containment check on every read so symlinks cannot leave it. */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { ArtifactEntry } from '../../core/entities.js';
import { invalid, ioError, notFound, TracklabError } from '../../core/errors.js';
import { writeFileAtomicSync } from './atomic-file.js';

export class ArtifactFolder {
  constructor(readonly root: string, private readonly runId: string) {}

  /** Copies a local file or folder (symlinks inside it are copied as their contents) under `dir`. */
  copyIn(localPath: string, dir: string): void {
    let stats;
    try {
      stats = statSync(localPath);
    } catch (error) {
      throw invalid(`cannot log artifact ${localPath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
    }
    const target = join(this.root, ...splitPath(dir), basename(localPath));
    try {
      mkdirSync(join(this.root, ...splitPath(dir)), { recursive: true });
      cpSync(localPath, target, { recursive: stats.isDirectory(), dereference: true, force: true });
    } catch (error) {
      throw ioError('copy artifact into', target, error);
    }
  }

  write(path: string, data: string | Uint8Array): void {
    const parts = splitPath(path);
    if (parts.length === 0) throw invalid('artifact path "" is invalid: give a file name such as "notes.md"');
    const dir = join(this.root, ...parts.slice(0, -1));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw ioError('create folder', dir, error);
    }
    writeFileAtomicSync(join(this.root, ...parts), data, false);
  }

  list(dir: string, recursive: boolean): ArtifactEntry[] {
    if (!existsSync(this.root)) return [];
    const start = this.contained(dir);
    if (!statSync(start).isDirectory()) throw invalid(`artifact path "${dir}" of run ${this.runId} is a file, not a folder`);
    const out: ArtifactEntry[] = [];
    const walk = (abs: string): void => {
      for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const child = join(abs, entry.name);
        const rel = relative(this.root, child).split(sep).join('/');
        if (entry.isSymbolicLink()) {
          // listed only when it resolves inside the artifacts
          if (!this.isInside(child)) continue;
        }
        const st = statSync(child);
        out.push({ path: rel, isDir: st.isDirectory(), size: st.isDirectory() ? 0 : st.size });
        if (recursive && st.isDirectory()) walk(child);
      }
    };
    walk(start);
    return out;
  }

  read(path: string): Buffer {
    const abs = this.contained(path);
    try {
      return readFileSync(abs);
    } catch (error) {
      throw ioError('read artifact', abs, error);
    }
  }

  /** Absolute path of an artifact after checking that it exists and really lies inside the run's artifacts. */
  contained(path: string): string {
    const abs = join(this.root, ...splitPath(path));
    if (!existsSync(abs)) throw notFound(`artifact "${path}" does not exist in run ${this.runId}; list them with tracker.listArtifacts()`);
    if (!this.isInside(abs)) {
      throw new TracklabError('PERMISSION_DENIED', `artifact "${path}" of run ${this.runId} is a symlink that points outside the store; refused`);
    }
    return abs;
  }

  private isInside(abs: string): boolean {
    try {
      const root = realpathSync(this.root);
      const real = realpathSync(abs);
      return real === root || real.startsWith(root + sep);
    } catch {
      return false; // a dangling link
    }
  }
}

const splitPath = (path: string): string[] => (path === '' ? [] : path.split('/'));
