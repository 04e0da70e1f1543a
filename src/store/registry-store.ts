/**
 * The one interface every model-registry backend implements (JSON files today). Like TrackingStore, it names no file:
 * an MLflow REST backend must be able to implement it. Inputs arrive validated (src/registry/registry-validation.ts)
 * and sources already checked against the tracking store; a backend only stores, atomically per call.
 */

export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';
export const MODEL_STAGES: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];

/** What a history entry records. Beyond MLflow, which keeps no history of transitions. */
export type HistoryAction =
  'create_model' | 'register' | 'transition' | 'set_alias' | 'delete_alias' | 'delete_version';

export interface RegistryHistoryEntry {
  /** ms since the epoch */
  at: number;
  user: string;
  action: HistoryAction;
  version: number | null;
  /** stage before a transition, or the version (as text) an alias pointed to before */
  from: string | null;
  /** stage after a transition, or the version (as text) an alias points to after */
  to: string | null;
  alias: string | null;
  comment: string | null;
}

export interface ModelVersionRecord {
  version: number;
  /** `runs:/<run id>/<path>` */
  source: string;
  runId: string;
  /** the model folder inside the run's artifacts */
  path: string;
  stage: ModelStage;
  status: 'READY';
  description: string;
  tags: Record<string, string>;
  user: string;
  createdAt: number;
  updatedAt: number;
}

export interface RegisteredModelRecord {
  name: string;
  description: string;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** alias -> version */
  aliases: Record<string, number>;
  /** oldest first */
  versions: ModelVersionRecord[];
  /** oldest first */
  history: RegistryHistoryEntry[];
  /** versions are never reused, even after a deletion */
  nextVersion: number;
}

/** Who makes a change and why; recorded in the history. */
export interface Change {
  user: string;
  comment: string | null;
}

export interface NewModelVersion {
  source: string;
  runId: string;
  path: string;
  description: string;
  tags: Record<string, string>;
  user: string;
}

export interface ModelUpdate {
  description?: string;
  /** tags to set */
  tags?: Record<string, string>;
  /** tag keys to remove */
  deleteTags?: string[];
}

export interface ModelRegistryStore {
  createRegisteredModel(
    name: string,
    init: { description: string; tags: Record<string, string>; user: string },
  ): Promise<RegisteredModelRecord>;
  updateRegisteredModel(name: string, update: ModelUpdate): Promise<RegisteredModelRecord>;
  deleteRegisteredModel(name: string): Promise<void>;
  getRegisteredModel(name: string): Promise<RegisteredModelRecord>;
  listRegisteredModels(): Promise<RegisteredModelRecord[]>;

  /** Creates the model when missing; several processes registering at once get distinct versions. */
  createModelVersion(name: string, input: NewModelVersion): Promise<ModelVersionRecord>;
  updateModelVersion(name: string, version: number, update: ModelUpdate): Promise<ModelVersionRecord>;
  /** Deletes the version and every alias pointing to it. */
  deleteModelVersion(name: string, version: number, change: Change): Promise<void>;
  /** With `archiveExisting` (Staging/Production only), the other versions in `stage` move to Archived. */
  transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    options: Change & { archiveExisting: boolean },
  ): Promise<ModelVersionRecord>;
  /** Points `alias` at `version`, moving it when it pointed elsewhere. */
  setAlias(name: string, alias: string, version: number, change: Change): Promise<void>;
  deleteAlias(name: string, alias: string, change: Change): Promise<void>;
}
