/**
 * Experiments of an MLflow file store: `<root>/<id>/meta.yaml` and `tags/`, moved whole into `.trash/` when deleted.
 * Creation takes a lock so processes asking for one name at once get one experiment. The lock lives outside the
 * store (MLflow would read any folder inside it as an experiment), so it serialises processes of one machine that
 * share a temp folder: a lock file directly in the OS temp folder (sticky and writable by every user), named by a hash
 * of the store's real path, that exists only while held.
 */
import { join } from 'node:path';
import type { Experiment, ViewType } from '../../core/entities.js';
import { exists, invalid, ioError, notFound } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { inRunView } from '../search-records.js';
import { ensureDir, listDirs, readValues, readYaml, underLock, writeValue, writeYaml } from './files.js';
import { experimentFromMeta, experimentMeta, META, MODELS, TRASH } from './layout.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { existsSync, realpathSync, renameSync } = process.getBuiltinModule('node:fs');
const { tmpdir } = process.getBuiltinModule('node:os');
const { pathToFileURL } = process.getBuiltinModule('node:url');

/**
 * What the experiments' lock of the store at `root` is named after (`<it>.lock` while held): a file in the OS temp
 * folder, no folder of its own, so nothing is left behind once the lock is released.
 */
export function experimentsLock(root: string): string {
  const { createHash } = process.getBuiltinModule('node:crypto'); // on first use: reading loads no crypto
  const key = createHash('sha1').update(realpathSync(root)).digest('hex').slice(0, 16);
  return join(tmpdir(), `tracklab-mlruns-${key}-experiments`);
}

export class MlrunsExperiments {
  private lockBase: string | undefined;

  constructor(readonly root: string) {}

  /** Named on first use: opening a store to read it computes nothing for the lock. */
  private get lockFile(): string {
    return (this.lockBase ??= experimentsLock(this.root));
  }

  /** The folder of an experiment, active or in the trash, or undefined. */
  dirOf(id: string): string | undefined {
    if (!/^[\w-]+$/.test(id) || id === TRASH || id === MODELS) return undefined;
    for (const dir of [join(this.root, id), join(this.root, TRASH, id)]) if (existsSync(join(dir, META))) return dir;
    return undefined;
  }

  private read(dir: string): Experiment {
    const file = join(dir, META);
    const meta = readYaml(file);
    if (meta === undefined) throw notFound(storeMessages.experimentFolderNoMeta(dir, META));
    return experimentFromMeta(meta, readValues(join(dir, 'tags')), file);
  }

  get(id: string): Experiment {
    const dir = this.dirOf(id);
    if (dir === undefined) throw notFound(storeMessages.experimentMissing(id, this.root));
    return this.read(dir);
  }

  list(view: ViewType = 'ACTIVE_ONLY'): Experiment[] {
    const out: Experiment[] = [];
    const scan = (parent: string): void => {
      for (const name of listDirs(parent)) {
        if (name.startsWith('.') || name === MODELS) continue;
        const dir = join(parent, name);
        if (!existsSync(join(dir, META))) continue; // not an experiment (or one being created)
        const e = this.read(dir);
        if (inRunView(e.lifecycleStage, view)) out.push(e);
      }
    };
    if (view !== 'DELETED_ONLY') scan(this.root);
    if (view !== 'ACTIVE_ONLY') scan(join(this.root, TRASH));
    return out.sort((a, b) => a.creationTime - b.creationTime || (a.id < b.id ? -1 : 1));
  }

  byName(name: string): Experiment | undefined {
    return this.list('ALL').find((e) => e.name === name);
  }

  /** MLflow's Default experiment (id 0), created with the store. */
  ensureDefault(): void {
    if (this.dirOf('0') === undefined) this.write({ id: '0', name: 'Default', tags: {} });
  }

  async create(name: string, tags: Record<string, string> = {}): Promise<Experiment> {
    return underLock(this.lockFile, () => {
      const clash = this.byName(name);
      if (clash) {
        throw exists(storeMessages.experimentExists(name, clash.lifecycleStage === 'deleted'));
      }
      return this.write({ id: this.newId(), name, tags });
    });
  }

  async ensure(name: string): Promise<Experiment> {
    const found = this.byName(name);
    if (found) return found;
    return underLock(this.lockFile, () => this.byName(name) ?? this.write({ id: this.newId(), name, tags: {} }));
  }

  /** MLflow's ids: random positive integers of up to 18 digits. */
  private newId(): string {
    const { randomInt } = process.getBuiltinModule('node:crypto');
    for (;;) {
      const id = String(randomInt(1, 2 ** 31)) + String(randomInt(0, 10 ** 9)).padStart(9, '0');
      if (this.dirOf(id) === undefined) return id;
    }
  }

  private write(init: { id: string; name: string; tags: Record<string, string> }): Experiment {
    const now = Date.now();
    const dir = join(this.root, init.id);
    ensureDir(dir);
    const e: Experiment = {
      id: init.id,
      name: init.name,
      lifecycleStage: 'active',
      creationTime: now,
      lastUpdateTime: now,
      tags: {},
    };
    writeYaml(join(dir, META), experimentMeta(e, pathToFileURL(dir).href), true);
    for (const [key, value] of Object.entries(init.tags)) this.writeTag(dir, key, value);
    return { ...e, tags: { ...init.tags } };
  }

  private writeTag(dir: string, key: string, value: string): void {
    writeValue(join(dir, 'tags', ...key.split('/')), value);
  }

  setTag(id: string, key: string, value: string): void {
    const e = this.get(id);
    if (e.lifecycleStage !== 'active') throw invalid(storeMessages.experimentDeletedNoTags(id));
    this.writeTag(this.dirOf(id) as string, key, value);
  }

  /**
   * Deleting marks the experiment and its active runs deleted and moves the folder into `.trash/`; restoring moves it
   * back and restores the runs deleted with it, as MLflow does. `markRuns` rewrites the runs' meta.yaml.
   */
  async setLifecycle(
    id: string,
    stage: 'active' | 'deleted',
    markRuns: (dir: string, stage: 'active' | 'deleted', at: number) => void,
  ): Promise<void> {
    if (id === '0' && stage === 'deleted') throw invalid(storeMessages.defaultExperimentUndeletable());
    await underLock(this.lockFile, () => {
      const e = this.get(id);
      if (e.lifecycleStage === stage) return;
      const now = Date.now();
      const from = this.dirOf(id) as string;
      const to = stage === 'deleted' ? join(this.root, TRASH, id) : join(this.root, id);
      markRuns(from, stage, now);
      const meta = readYaml(join(from, META)) ?? {};
      writeYaml(join(from, META), { ...meta, lifecycle_stage: stage, last_update_time: now }, true);
      ensureDir(join(this.root, TRASH));
      try {
        renameSync(from, to);
      } catch (error) {
        throw ioError(`move experiment ${id} to`, to, error);
      }
    });
  }
}
