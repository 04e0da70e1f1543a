/**
 * ModelRegistryStore over MLflow's registry tables, as MLflow 2.12.2 keeps them: a deleted version stays as a row in
 * stage `Deleted_Internal` with its source redacted (so numbers are never reused), aliases in
 * registered_model_aliases. MLflow keeps no history of changes, so `history` is always empty.
 */
import { exists, notFound } from '../../core/errors.js';
import { checkArchiveExisting, checkDeletable } from '../registry-rules.js';
import type {
  Change,
  ModelStage,
  ModelUpdate,
  ModelVersionRecord,
  NewModelVersion,
  RegisteredModelRecord,
  ModelRegistryStore,
} from '../registry-store.js';
import type { SqliteDb } from './sqlite-db.js';
import { storeMessages } from '../messages.js';

const DELETED = 'Deleted_Internal';

interface ModelRow {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
}
interface VersionRow {
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
}

export class SqliteRegistry implements ModelRegistryStore {
  constructor(private readonly db: SqliteDb) {}

  async createRegisteredModel(
    name: string,
    init: { description: string; tags: Record<string, string>; user: string },
  ): Promise<RegisteredModelRecord> {
    this.db.write(() => {
      if (this.db.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(name)) {
        throw exists(storeMessages.modelExists(name));
      }
      this.insertModel(name, init.description, init.tags);
    });
    return this.getRegisteredModel(name);
  }

  private insertModel(name: string, description: string, tags: Record<string, string>): void {
    const now = Date.now();
    this.db
      .stmt(
        `INSERT INTO registered_models (name, creation_time, last_updated_time, description)
      VALUES (?, ?, ?, ?)`,
      )
      .run(name, now, now, description);
    this.setTags('registered_model_tags', [name], tags);
  }

  async updateRegisteredModel(name: string, update: ModelUpdate): Promise<RegisteredModelRecord> {
    this.db.write(() => {
      this.model(name);
      this.update('registered_models', 'registered_model_tags', [name], update);
    });
    return this.getRegisteredModel(name);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    this.db.write(() => {
      checkDeletable(this.read(name));
      const tables = [
        'model_version_tags',
        'model_versions',
        'registered_model_aliases',
        'registered_model_tags',
        'registered_models',
      ];
      for (const table of tables) this.db.stmt(`DELETE FROM ${table} WHERE name = ?`).run(name);
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    return this.db.read(() => this.read(name));
  }

  async listRegisteredModels(): Promise<RegisteredModelRecord[]> {
    return this.db.read(() => {
      const names = this.db.stmt('SELECT name FROM registered_models ORDER BY name').all() as { name: string }[];
      return names.map((n) => this.read(n.name));
    });
  }

  async createModelVersion(name: string, input: NewModelVersion): Promise<ModelVersionRecord> {
    const version = this.db.write(() => {
      if (!this.db.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(name)) this.insertModel(name, '', {});
      const { next } = this.db
        .stmt('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE name = ?')
        .get(name) as { next: number };
      const now = Date.now();
      this.db
        .stmt(
          `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id,
        current_stage, source, run_id, status, status_message, run_link, storage_location)
        VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, 'READY', '', '', ?)`,
        )
        .run(name, next, now, now, input.description, input.user, input.source, input.runId, input.source);
      this.setTags('model_version_tags', [name, next], input.tags);
      this.db.stmt('UPDATE registered_models SET last_updated_time = ? WHERE name = ?').run(now, name);
      return next;
    });
    return this.version(name, version);
  }

  async updateModelVersion(name: string, version: number, update: ModelUpdate): Promise<ModelVersionRecord> {
    this.db.write(() => {
      this.findVersion(name, version);
      this.update('model_versions', 'model_version_tags', [name, version], update);
    });
    return this.version(name, version);
  }

  async deleteModelVersion(name: string, version: number, _change: Change): Promise<void> {
    this.db.write(() => {
      this.findVersion(name, version);
      this.db.stmt('DELETE FROM registered_model_aliases WHERE name = ? AND version = ?').run(name, version);
      this.db.stmt('DELETE FROM model_version_tags WHERE name = ? AND version = ?').run(name, version);
      this.db
        .stmt(
          `UPDATE model_versions SET current_stage = '${DELETED}', source = 'REDACTED-SOURCE-PATH',
        run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = NULL, last_updated_time = ?
        WHERE name = ? AND version = ?`,
        )
        .run(Date.now(), name, version);
    });
  }

  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    options: Change & { archiveExisting: boolean },
  ): Promise<ModelVersionRecord> {
    if (options.archiveExisting) checkArchiveExisting(stage);
    this.db.write(() => {
      this.findVersion(name, version);
      const now = Date.now();
      if (options.archiveExisting) {
        this.db
          .stmt(
            `UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
          WHERE name = ? AND version != ? AND current_stage = ?`,
          )
          .run(now, name, version, stage);
      }
      this.db
        .stmt('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?')
        .run(stage, now, name, version);
      this.db.stmt('UPDATE registered_models SET last_updated_time = ? WHERE name = ?').run(now, name);
    });
    return this.version(name, version);
  }

  async setAlias(name: string, alias: string, version: number, _change: Change): Promise<void> {
    this.db.write(() => {
      this.findVersion(name, version);
      this.db
        .stmt(
          `INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)
        ON CONFLICT(name, alias) DO UPDATE SET version = excluded.version`,
        )
        .run(alias, version, name);
    });
  }

  async deleteAlias(name: string, alias: string, _change: Change): Promise<void> {
    this.db.write(() => {
      const doc = this.read(name);
      if (!Object.hasOwn(doc.aliases, alias)) {
        throw notFound(storeMessages.noSuchAlias(name, alias, Object.keys(doc.aliases)));
      }
      this.db.stmt('DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?').run(name, alias);
    });
  }

  private async version(name: string, version: number): Promise<ModelVersionRecord> {
    return this.findVersion(name, version);
  }

  private findVersion(name: string, version: number): ModelVersionRecord {
    const doc = this.read(name);
    const found = doc.versions.find((v) => v.version === version);
    if (!found) {
      throw notFound(
        storeMessages.noSuchVersion(
          name,
          version,
          doc.versions.map((v) => v.version),
        ),
      );
    }
    return found;
  }

  private model(name: string): ModelRow {
    const row = this.db
      .stmt(
        `SELECT name, creation_time, last_updated_time, description FROM registered_models
      WHERE name = ?`,
      )
      .get(name) as ModelRow | undefined;
    if (!row) throw notFound(storeMessages.modelMissing(name, storeMessages.listModelsHint()));
    return row;
  }

  private read(name: string): RegisteredModelRecord {
    const row = this.model(name);
    const rows = this.db
      .stmt(
        `SELECT version, creation_time, last_updated_time, description, user_id, current_stage,
      source, run_id FROM model_versions WHERE name = ? ORDER BY version`,
      )
      .all(name) as VersionRow[];
    const tags = this.tags('SELECT "key", value FROM model_version_tags WHERE name = ? AND version = ?');
    const versions = rows.filter((v) => v.current_stage !== DELETED).map((v) => toVersion(v, tags(name, v.version)));
    const aliases: Record<string, number> = {};
    const aliasRows = this.db
      .stmt('SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias')
      .all(name) as { alias: string; version: number }[];
    for (const a of aliasRows) aliases[a.alias] = a.version;
    return {
      name: row.name,
      description: row.description ?? '',
      createdAt: row.creation_time ?? 0,
      updatedAt: row.last_updated_time ?? 0,
      tags: this.tags('SELECT "key", value FROM registered_model_tags WHERE name = ?')(name),
      aliases,
      versions,
      history: [],
      nextVersion: (rows[rows.length - 1]?.version ?? 0) + 1,
    };
  }

  private tags(sql: string): (...key: unknown[]) => Record<string, string> {
    return (...key) => {
      const out: Record<string, string> = {};
      const rows = this.db.stmt(sql).all(...key) as { key: string; value: string | null }[];
      for (const t of rows) out[t.key] = t.value ?? '';
      return out;
    };
  }

  private setTags(table: string, key: readonly unknown[], tags: Record<string, string>): void {
    const columns = key.length === 1 ? 'name' : 'name, version';
    const marks = key.map(() => '?').join(', ');
    const put = this.db.stmt(`INSERT INTO ${table} ("key", value, ${columns}) VALUES (?, ?, ${marks})
      ON CONFLICT("key", ${columns}) DO UPDATE SET value = excluded.value`);
    for (const [k, v] of Object.entries(tags)) put.run(k, v, ...key);
  }

  private update(table: string, tagTable: string, key: readonly unknown[], update: ModelUpdate): void {
    const where = key.length === 1 ? 'name = ?' : 'name = ? AND version = ?';
    const now = Date.now();
    if (update.description !== undefined) {
      this.db.stmt(`UPDATE ${table} SET description = ? WHERE ${where}`).run(update.description, ...key);
    }
    this.db.stmt(`UPDATE ${table} SET last_updated_time = ? WHERE ${where}`).run(now, ...key);
    if (update.tags) this.setTags(tagTable, key, update.tags);
    const drop = this.db.stmt(`DELETE FROM ${tagTable} WHERE "key" = ? AND ${where}`);
    for (const k of update.deleteTags ?? []) drop.run(k, ...key);
  }
}

function toVersion(v: VersionRow, tags: Record<string, string>): ModelVersionRecord {
  const source = v.source ?? '';
  const path = /^runs:\/[^/]+\/(.*)$/.exec(source)?.[1] ?? '';
  return {
    version: v.version,
    source,
    runId: v.run_id ?? '',
    path,
    stage: (v.current_stage ?? 'None') as ModelStage,
    status: 'READY',
    description: v.description ?? '',
    tags,
    user: v.user_id ?? '',
    createdAt: v.creation_time ?? 0,
    updatedAt: v.last_updated_time ?? 0,
  };
}
