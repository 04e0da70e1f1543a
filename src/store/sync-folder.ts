/**
 * Makes everything written under a folder durable with one call (syncfs of its file system through `sync -f`, or a
 * whole `sync` where `-f` is not known), for bulk writers such as an import that skip the fsync of each item: one
 * flush at the end gives each item the guarantee its own fsync would have, at a fraction of the cost.
 */
import { spawnSync } from 'node:child_process';
import { ioError } from '../core/errors.js';
import { storeMessages } from './messages.js';

export function syncFolder(dir: string): void {
  const flags = process.platform === 'linux' ? [['-f', dir], []] : [[]];
  for (const args of flags) {
    const r = spawnSync('sync', args, { stdio: 'ignore', timeout: 600_000 });
    if (r.status === 0) return;
  }
  throw ioError('sync', dir, new Error(storeMessages.syncCommandFailed()));
}
