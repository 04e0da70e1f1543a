/**
 * A run's artifacts while its server may go away: uploads go through the server's proxy, and once the run logs to the
 * offline queue (or an upload finds the server unreachable) the files are copied into the queue instead, for
 * `tracklab sync` to upload after the run's earlier operations. Reads and listings are the server's.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ArtifactEntry } from '../../core/entities.js';
import type { ArtifactRepository } from '../artifact-repository.js';
import type { ProxiedArtifactRepository } from './rest-artifacts.js';
import { switchToQueue, type WriterHooks } from './rest-run-writer.js';
import type { SpoolFile } from './spool.js';

export class QueuedArtifactRepository implements ArtifactRepository {
  constructor(
    private readonly server: ProxiedArtifactRepository,
    private readonly runId: string,
    private readonly hooks: WriterHooks,
  ) {}

  get uri(): string {
    return this.server.uri;
  }

  async copyIn(localPath: string, dir: string): Promise<void> {
    await this.upload(
      () => this.server.copyIn(localPath, dir),
      (queue) => queueTree(queue, localPath, [dir, basename(localPath)].filter((p) => p !== '').join('/')),
    );
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.upload(
      () => this.server.write(path, bytes),
      (queue) => queue.addArtifact(path, { data: bytes }),
    );
  }

  /** To the server while the run is online; to the queue once it is not (an upload cut short is queued whole). */
  private async upload(online: () => Promise<void>, offline: (queue: SpoolFile) => void): Promise<void> {
    let queue = this.hooks.offline?.get(this.runId);
    if (!queue) {
      try {
        await online();
        return;
      } catch (error) {
        queue = switchToQueue(this.hooks, this.runId, error);
      }
    }
    offline(queue);
  }

  list(dir: string, recursive: boolean): Promise<ArtifactEntry[]> {
    return this.server.list(dir, recursive);
  }

  read(path: string): Promise<Buffer> {
    return this.server.read(path);
  }

  async localPath(): Promise<string | undefined> {
    return undefined;
  }
}

/** Queues a file, or each file of a folder under its relative path. */
function queueTree(queue: SpoolFile, localPath: string, target: string): void {
  if (!statSync(localPath).isDirectory()) {
    queue.addArtifact(target, { file: localPath });
    return;
  }
  for (const name of readdirSync(localPath).sort()) queueTree(queue, join(localPath, name), `${target}/${name}`);
}
