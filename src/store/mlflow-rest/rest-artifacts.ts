/**
 * A run's artifacts through the tracking server's proxy (`mlflow-artifacts:` URIs,
 * `/api/2.0/mlflow-artifacts/artifacts/<path>`). Uploads are PUT file by file; folders are walked.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ArtifactEntry } from '../../core/entities.js';
import { invalid, notFound, TracklabError } from '../../core/errors.js';
import type { ArtifactRepository } from '../artifact-repository.js';
import type { RestClient } from './rest-client.js';
import { storeMessages } from '../messages.js';

const API = '/api/2.0/mlflow-artifacts/artifacts';

/** The path under the proxy's root of `mlflow-artifacts:/1/<run>/artifacts` (or `mlflow-artifacts://host/1/...`). */
export function proxyRoot(uri: string): string {
  const rest = uri.slice('mlflow-artifacts:'.length);
  const path = rest.startsWith('//') ? rest.replace(/^\/\/[^/]*/, '') : rest;
  return path.replace(/^\/+|\/+$/g, '');
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

export class ProxiedArtifactRepository implements ArtifactRepository {
  private readonly root: string;

  constructor(
    private readonly client: RestClient,
    readonly uri: string,
  ) {
    this.root = proxyRoot(uri);
  }

  private full(path: string): string {
    return [this.root, path].filter((p) => p !== '').join('/');
  }

  async copyIn(localPath: string, dir: string): Promise<void> {
    const target = [dir, basename(localPath)].filter((p) => p !== '').join('/');
    if (!statSync(localPath).isDirectory()) {
      await this.put(target, readFileSync(localPath));
      return;
    }
    for (const name of readdirSync(localPath).sort()) await this.copyIn(join(localPath, name), target);
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    await this.put(path, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
  }

  /** Uploads one local file to `path` (a PUT: uploading it again replaces it, so a replay is harmless). */
  async upload(path: string, localFile: string): Promise<void> {
    await this.put(path, readFileSync(localFile));
  }

  private async put(path: string, data: Buffer): Promise<void> {
    await this.client.request({ method: 'PUT', path: `${API}/${encodePath(this.full(path))}`, data });
  }

  async list(dir: string, recursive: boolean): Promise<ArtifactEntry[]> {
    const res = await this.client.request({ method: 'GET', path: API, query: { path: this.full(dir) } });
    const files =
      (
        JSON.parse(res.body.toString('utf8')) as {
          files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
        }
      ).files ?? [];
    const entries: ArtifactEntry[] = [];
    for (const f of files) {
      const path = [dir, f.path].filter((p) => p !== '').join('/');
      entries.push({ path, isDir: f.is_dir === true, size: Number(f.file_size ?? 0) });
      if (recursive && f.is_dir === true) entries.push(...(await this.list(path, true)));
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: string): Promise<Buffer> {
    if (path === '' || path.split('/').includes('..')) throw invalid(storeMessages.artifactPathOutside(path));
    const spec = { method: 'GET', path: `${API}/${encodePath(this.full(path))}` } as const;
    try {
      return (await this.client.request({ ...spec, retries: 0 })).body;
    } catch (error) {
      // MLflow 2.x answers a missing file with HTTP 500: look before retrying
      if (!(error instanceof TracklabError) || !(await this.exists(path))) {
        throw notFound(storeMessages.artifactMissing(path, this.uri));
      }
      return (await this.client.request(spec)).body;
    }
  }

  private async exists(path: string): Promise<boolean> {
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return (await this.list(dir, false)).some((e) => e.path === path && !e.isDir);
  }

  async localPath(): Promise<string | undefined> {
    return undefined;
  }
}
