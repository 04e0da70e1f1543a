/**
 * The safe repairs of `tracklab doctor --repair`. Every file a repair changes or removes is first copied into
 * `<store>/.tracklab-backup/<time>/`, keeping its path inside the store.
 */
import { cpSync, mkdirSync, openSync, closeSync, ftruncateSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { corrupt } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { documentText } from './json-document.js';
import { readRunLog, RUN_LOG } from './run-log.js';

export type Repair =
  | { kind: 'cut-torn-tail'; file: string }
  | { kind: 'remove'; file: string }
  | { kind: 'rebuild-experiments'; file: string };

/** Copies `file` (if it exists) into the backup folder before it is changed. */
function backUp(root: string, backup: string, file: string): void {
  const target = join(backup, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target, { recursive: true, errorOnExist: false });
}

/** Applies one repair; the backup folder is created on first use. */
export function applyRepair(root: string, backup: string, repair: Repair): void {
  switch (repair.kind) {
    case 'cut-torn-tail': {
      backUp(root, backup, repair.file);
      const text = readFileSync(repair.file);
      const fd = openSync(repair.file, 'r+');
      try {
        ftruncateSync(fd, text.lastIndexOf(0x0a) + 1);
      } finally {
        closeSync(fd);
      }
      return;
    }
    case 'remove':
      backUp(root, backup, repair.file);
      rmSync(repair.file, { recursive: true, force: true });
      return;
    case 'rebuild-experiments':
      writeFileAtomicSync(repair.file, documentText(rebuildExperiments(root)), true);
      return;
  }
}

/**
 * An experiment list rebuilt from the runs' own records: each experiment id a run names gets an entry ("Default" for
 * 0, "recovered-<id>" otherwise, to be renamed by hand), and nextId is above all of them, so no id is reused.
 */
export function rebuildExperiments(root: string): { nextId: number; experiments: unknown[] } {
  const ids = new Set<string>(['0']);
  let earliest = Date.now();
  for (const id of readdirSync(join(root, 'runs'))) {
    const run = readRunLog(join(root, 'runs', id, RUN_LOG))?.run;
    if (!run) continue;
    ids.add(run.experimentId);
    earliest = Math.min(earliest, run.startTime);
  }
  const numeric = [...ids].filter((id) => /^\d+$/.test(id)).map(Number);
  if (numeric.length !== ids.size) throw corrupt(join(root, 'runs'), storeMessages.experimentIdsNotNumeric());
  const experiments = numeric
    .sort((a, b) => a - b)
    .map((n) => ({
      id: String(n),
      name: n === 0 ? 'Default' : `recovered-${n}`,
      lifecycleStage: 'active',
      creationTime: earliest,
      lastUpdateTime: Date.now(),
      tags: {},
    }));
  return { nextId: Math.max(...numeric) + 1, experiments };
}
