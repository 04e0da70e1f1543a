/**
 * What a cached run of an mlruns folder depends on, and the signature of those files and folders (inode, ctime, size),
 * one `stat` each. MLflow rewrites meta.yaml and tag files in place and appends metric lines, which moves only the
 * file's own ctime and size, so every such file is looked at; a new or removed entry changes its folder's ctime, so
 * param files (written once) and dataset inputs (only added) are covered by their folders.
 */
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync, readdirSync, statSync } = process.getBuiltinModule('node:fs');

const SUBFOLDERS = ['params', 'tags', 'metrics', 'inputs'] as const;
const NO_THROW = { throwIfNoEntry: false } as const;

/** The keys of a run folder's params, tags and metrics and its input ids, as one listing found them. */
export interface RunListing {
  params: string[];
  tags: string[];
  metrics: string[];
  inputs: string[];
}

const isTemp = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * What a cached run depends on, relative to its folder: meta.yaml, the param/tag/metric/input folders and their
 * sub-folders, and the tag and metric files. The same walk gives the listing the run is then read with, so each
 * folder is listed once.
 */
export function runFiles(dir: string): { files: string[]; listing: RunListing } {
  const files = ['meta.yaml'];
  const listing: RunListing = { params: [], tags: [], metrics: [], inputs: [] };
  const walk = (rel: string, top: 'params' | 'tags' | 'metrics' | 'inputs', prefix: string): void => {
    let entries;
    if (rel === top) files.push(rel); // also when missing: MLflow creates inputs/ when a dataset is first logged
    // most runs have no inputs/: a failed listing costs an Error with its stack, a failed access() nothing
    if (rel === 'inputs' && !existsSync(`${dir}/inputs`)) return;
    try {
      entries = readdirSync(`${dir}/${rel}`, { withFileTypes: true });
    } catch {
      return;
    }
    if (rel !== top) files.push(rel);
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (top === 'inputs') {
        if (e.isDirectory()) listing.inputs.push(e.name);
      } else if (e.isDirectory()) {
        walk(child, top, `${prefix}${e.name}/`);
      } else if (!isTemp(e.name)) {
        listing[top].push(`${prefix}${e.name}`);
        if (top !== 'params') files.push(child);
      }
    }
  };
  for (const sub of SUBFOLDERS) walk(sub, sub, '');
  return { files, listing };
}

/**
 * Whether every file still has the inode, ctime and size in `sig` from `offset` on (three numbers a file, -1 each
 * for a missing one); stops at the first difference.
 */
export function unchanged(dir: string, files: readonly string[], sig: ArrayLike<number>, offset = 0): boolean {
  if (offset + files.length * 3 > sig.length) return false;
  for (let i = 0, j = offset; i < files.length; i++, j += 3) {
    const st = statSync(`${dir}/${files[i]}`, NO_THROW); // no join: the names are known to be plain
    if (st === undefined) {
      if (sig[j] !== -1) return false;
    } else if (st.ino !== sig[j] || st.ctimeMs !== sig[j + 1] || st.size !== sig[j + 2]) {
      return false;
    }
  }
  return true;
}

/** Like `unchanged`, for the file at index `i` of `files` only. */
export function unchangedAt(
  dir: string,
  files: readonly string[],
  i: number,
  sig: ArrayLike<number>,
  offset = 0,
): boolean {
  if (offset + files.length * 3 > sig.length) return false;
  const st = statSync(`${dir}/${files[i]}`, NO_THROW);
  const j = offset + i * 3;
  return st === undefined ? sig[j] === -1 : st.ino === sig[j] && st.ctimeMs === sig[j + 1] && st.size === sig[j + 2];
}

/** The inode, ctime and size of each file (-1 each when missing) and the newest change time (ms), in one pass. */
export function stamp(dir: string, files: readonly string[]): { sig: number[]; newest: number } {
  const sig: number[] = [];
  let newest = 0;
  for (const f of files) {
    const st = statSync(`${dir}/${f}`, NO_THROW);
    if (st === undefined) {
      sig.push(-1, -1, -1);
      continue;
    }
    // any change of content or mtime sets ctime; a file replaced by rename is another inode
    sig.push(st.ino, st.ctimeMs, st.size);
    if (st.ctimeMs > newest) newest = st.ctimeMs;
  }
  return { sig, newest };
}

/**
 * File times tick coarsely (a few ms on Linux), so a file changed within the same tick as the read that cached it
 * could keep its signature. A run whose newest change is this close to the moment it was read is not cached (read
 * again next time), as git treats "racily clean" index entries.
 */
export const RACY_MS = 2000;
