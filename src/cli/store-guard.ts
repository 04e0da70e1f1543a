/**
 * The CLI only reads and edits existing stores; stores are created by logging runs. So a command pointed at a folder
 * that holds no store says so instead of creating one there.
 */
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notFound } from '../core/errors.js';
import { cliMessages } from './messages.js';
import { defaultStorePath } from '../store/resolve-store.js';

/** Throws RESOURCE_DOES_NOT_EXIST when `location` (or the default store) is a local folder without a tracklab store. */
export function assertStoreExists(location: string | undefined, cwd = process.cwd()): void {
  const where = location ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath(cwd);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(where)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme.length > 1 && scheme !== 'file') return; // other backends check for themselves
  const folder = scheme === 'file' ? fileURLToPath(where) : resolve(cwd, where);
  if (existsSync(join(folder, 'tracklab-store.json'))) return;
  throw notFound(cliMessages.noStore(folder, cliMessages.noStoreHintFirstRun()));
}
