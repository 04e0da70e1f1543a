/**
 * A run's artifact folder on disk. Every read and every write is checked by real path, so a symlink (the artifacts
 * folder itself, a folder inside it, or an existing file) can never make tracklab read or write outside it.
 */
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ArtifactEntry } from '../../core/entities.js';
import { invalid, ioError, notFound, TracklabError } from '../../core/errors.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { storeMessages } from '../messages.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } =
  process.getBuiltinModule('node:fs');

export class ArtifactFolder {
  constructor(
    readonly root: string,
    private readonly runId: string,
  ) {}

  /** Copies a local file or folder (symlinks inside it are copied as their contents) under `dir`. */
  copyIn(localPath: string, dir: string): void {
    let stats;
    try {
      stats = statSync(localPath);
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message;
      throw new TracklabError('INVALID_PARAMETER_VALUE', storeMessages.artifactSourceUnreadable(localPath, reason), {
        cause: error,
      });
    }
    // resolve() first: the name of "..", "." or "dir/.." is the folder's real name, never a step out of artifacts/
    const name = basename(resolve(localPath));
    if (name === '') throw invalid(storeMessages.artifactSourceIsRoot(localPath));
    const folder = this.makeFolder(splitPath(dir));
    const target = join(folder, name);
    this.replaceLink(target);
    try {
      cpSync(localPath, target, { recursive: stats.isDirectory(), dereference: true, force: true });
    } catch (error) {
      throw ioError('copy artifact into', target, error);
    }
  }

  write(path: string, data: string | Uint8Array): void {
    const parts = splitPath(path);
    if (parts.length === 0) throw invalid(storeMessages.artifactPathEmpty());
    const dir = this.makeFolder(parts.slice(0, -1));
    writeFileAtomicSync(join(dir, parts[parts.length - 1] as string), data, false);
  }

  /**
   * Creates `parts` under the artifacts folder one level at a time, checking each existing level by real path, so a
   * symlinked folder cannot carry the write outside. Returns the folder's real path.
   */
  private makeFolder(parts: string[]): string {
    const runDir = dirname(this.root);
    let current = this.root;
    try {
      mkdirSync(current, { recursive: true });
      for (const part of ['', ...parts]) {
        current = part === '' ? current : join(current, part);
        if (part !== '' && !existsSync(current)) mkdirSync(current);
        const real = realpathSync(current);
        const base = join(realpathSync(runDir), 'artifacts');
        if (real !== base && !real.startsWith(base + sep)) throw outside(this.runId, current);
        current = real;
      }
    } catch (error) {
      if (error instanceof TracklabError) throw error;
      throw ioError('create folder', current, error);
    }
    return current;
  }

  /** An existing symlink at the target is replaced, never written through. */
  private replaceLink(target: string): void {
    try {
      if (lstatSync(target).isSymbolicLink()) rmSync(target);
    } catch {
      // nothing there yet
    }
  }

  list(dir: string, recursive: boolean): ArtifactEntry[] {
    if (!existsSync(this.root)) return [];
    const start = this.contained(dir);
    if (!statSync(start).isDirectory()) throw invalid(storeMessages.artifactNotAFolder(dir, this.runId));
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
    if (!existsSync(abs)) throw notFound(storeMessages.artifactMissing(path, `run ${this.runId}`));
    if (!this.isInside(abs)) {
      throw new TracklabError('PERMISSION_DENIED', storeMessages.artifactLinkOutside(path, this.runId));
    }
    return abs;
  }

  private isInside(abs: string): boolean {
    try {
      // the artifacts folder itself may be a symlink: containment is judged from the run folder's real path
      const root = join(realpathSync(dirname(this.root)), 'artifacts');
      const real = realpathSync(abs);
      return real === root || real.startsWith(root + sep);
    } catch {
      return false; // a dangling link
    }
  }
}

const outside = (runId: string, path: string): TracklabError =>
  new TracklabError('PERMISSION_DENIED', storeMessages.artifactFolderLinkOutside(path, runId));

const splitPath = (path: string): string[] => (path === '' ? [] : path.split('/'));
