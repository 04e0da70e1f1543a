/**
 * Artifacts sit behind their own small interface, resolved from a run's artifact URI: local folders (`file:`) here;
 * other schemes (`mlflow-artifacts:` through a tracking server) register a factory with `registerArtifactScheme`.
 */
import type { ArtifactEntry, RunRecord } from '../core/entities.js';
import { invalid } from '../core/errors.js';
import { ArtifactFolder } from './json/artifacts.js';
import { storeMessages } from './messages.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync } = process.getBuiltinModule('node:fs');
const { fileURLToPath, pathToFileURL } = process.getBuiltinModule('node:url');

/** The files of one run. Paths are validated, '/'-separated and relative to the run's artifact root. */
export interface ArtifactRepository {
  /** e.g. `file:///home/me/mlruns/1/<run id>/artifacts` */
  readonly uri: string;
  /** Copies a local file or folder (by its base name) into `dir` ('' is the root). */
  copyIn(localPath: string, dir: string): Promise<void>;
  write(path: string, data: string | Uint8Array): Promise<void>;
  /** Entries under `dir`, sorted by path; [] when the run has no artifacts yet. */
  list(dir: string, recursive: boolean): Promise<ArtifactEntry[]>;
  read(path: string): Promise<Buffer>;
  /** A local path after a containment check, or undefined when the files are not local. */
  localPath(path: string): Promise<string | undefined>;
}

/** How a backend finds the repository of a run (it may know fallbacks the URI alone does not). */
export interface ArtifactResolver {
  forRun(run: RunRecord): ArtifactRepository;
  /**
   * The files of an MLflow 3 logged model (`models:/m-…`), kept outside any run's artifacts; absent when the backend
   * has no logged models.
   */
  forLoggedModel?(modelId: string): Promise<ArtifactRepository>;
}

type Factory = (uri: string, run: RunRecord) => ArtifactRepository;
const SCHEMES = new Map<string, Factory>();

/** Adds a non-local artifact scheme such as `mlflow-artifacts:` (a tracking server's proxied artifacts). */
export function registerArtifactScheme(scheme: string, factory: Factory): void {
  SCHEMES.set(scheme.endsWith(':') ? scheme : `${scheme}:`, factory);
}

/** A run's files in a local folder, with the containment checks of ArtifactFolder on every read. */
export class LocalArtifactRepository implements ArtifactRepository {
  readonly uri: string;
  private readonly folder: ArtifactFolder;

  constructor(
    readonly root: string,
    runId: string,
  ) {
    this.uri = pathToFileURL(root).href;
    this.folder = new ArtifactFolder(root, runId);
  }

  async copyIn(localPath: string, dir: string): Promise<void> {
    this.folder.copyIn(localPath, dir);
  }
  async write(path: string, data: string | Uint8Array): Promise<void> {
    this.folder.write(path, data);
  }
  async list(dir: string, recursive: boolean): Promise<ArtifactEntry[]> {
    return this.folder.list(dir, recursive);
  }
  async read(path: string): Promise<Buffer> {
    return this.folder.read(path);
  }
  async localPath(path: string): Promise<string | undefined> {
    return this.folder.contained(path);
  }
}

/**
 * Resolves `run.artifactUri`: a `file:` URI whose folder exists is used as is; one that does not (a store copied from
 * another machine records that machine's absolute paths) falls back to `fallback(run)`, the folder inside the store.
 * Other schemes go to their registered factory.
 */
export function artifactResolver(fallback: (run: RunRecord) => string): ArtifactResolver {
  return {
    forRun(run: RunRecord): ArtifactRepository {
      const uri = run.artifactUri ?? '';
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(uri)?.[1]?.toLowerCase();
      if (uri === '' || scheme === 'file' || scheme === undefined || scheme.length === 1) {
        const own = localPath(uri);
        const inStore = fallback(run);
        // the usual case, a run of this very store, needs no look at the disk
        const usable = own !== undefined && own !== inStore && existsSync(own);
        return new LocalArtifactRepository(usable ? own : inStore, run.id);
      }
      const factory = SCHEMES.get(`${scheme}:`);
      if (!factory) {
        throw invalid(storeMessages.artifactSchemeUnknown(run.id, uri, scheme, ['file:', ...SCHEMES.keys()]));
      }
      return factory(uri, run);
    },
  };
}

function localPath(uri: string): string | undefined {
  if (uri === '') return undefined;
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined; // e.g. file://other-host/..., not a path here
  }
}
