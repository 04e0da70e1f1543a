/**
 * A run's artifacts while its server may go away: uploads go through the server's proxy, and once the run logs to the
 * offline queue (or an upload finds the server unreachable) the files are copied into the queue instead, for
 * `tracklab sync` to upload after the run's earlier operations. Until then, listings merge the queued files into the
 * server's (a queued file stands for the server's at the same path: it is the newer), and reads of a queued path read
 * the queued copy. A run started offline is not on the server at all; for one that went offline mid-run, a server
 * still down gives the queued files alone, with a warning that the server's were not listed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ArtifactEntry } from '../../core/entities.js';
import { ioError } from '../../core/errors.js';
import type { ArtifactRepository } from '../artifact-repository.js';
import { ServerUnavailableError } from './rest-client.js';
import type { ProxiedArtifactRepository } from './rest-artifacts.js';
import { switchToQueue, type WriterHooks } from './rest-run-writer.js';
import type { SpoolFile } from './spool.js';
import { serverMessages as msg } from './server-messages.js';

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

  /** The run's queue: this process's, else one another process left for `tracklab sync`. */
  private queue(): SpoolFile | undefined {
    return this.hooks.offline?.get(this.runId) ?? this.hooks.spool?.forRun(this.runId);
  }

  async list(dir: string, recursive: boolean): Promise<ArtifactEntry[]> {
    const queue = this.queue();
    const queued = queue?.queuedArtifacts();
    if (!queue || !queued || queued.size === 0) return this.server.list(dir, recursive);
    const merged = new Map<string, ArtifactEntry>();
    for (const entry of await this.serverEntries(queue, dir, recursive)) merged.set(entry.path, entry);
    for (const entry of queuedEntries(queued, dir, recursive)) {
      if (!entry.isDir || !merged.has(entry.path)) merged.set(entry.path, entry);
    }
    return [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async serverEntries(queue: SpoolFile, dir: string, recursive: boolean): Promise<ArtifactEntry[]> {
    if (queue.bornOffline) return [];
    try {
      return await this.server.list(dir, recursive);
    } catch (error) {
      if (!(error instanceof ServerUnavailableError)) throw error;
      process.stderr.write(`${error.message}\n${msg.listingQueuedOnly(this.runId)}\n`);
      return [];
    }
  }

  async read(path: string): Promise<Buffer> {
    const file = this.queue()?.queuedArtifacts().get(path);
    if (file === undefined) return this.server.read(path);
    try {
      return readFileSync(file);
    } catch (error) {
      throw ioError('read the queued artifact', file, error);
    }
  }

  async localPath(): Promise<string | undefined> {
    return undefined;
  }
}

/** The queued files under `dir` as listing entries: files directly in it, and its sub-folders (or all, recursive). */
function queuedEntries(queued: Map<string, string>, dir: string, recursive: boolean): ArtifactEntry[] {
  const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
  const entries: ArtifactEntry[] = [];
  for (const [path, file] of queued) {
    if (!path.startsWith(prefix)) continue;
    const parts = path.slice(prefix.length).split('/');
    const folders = recursive ? parts.length - 1 : Math.min(1, parts.length - 1);
    for (let i = 1; i <= folders; i += 1) {
      entries.push({ path: prefix + parts.slice(0, i).join('/'), isDir: true, size: 0 });
    }
    if (recursive || parts.length === 1) entries.push({ path, isDir: false, size: sizeOf(file) });
  }
  return entries;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // a queue another process's sync is removing
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
