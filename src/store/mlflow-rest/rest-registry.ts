/**
 * ModelRegistryStore over MLflow's REST API. MLflow keeps no history of stage transitions or alias moves, so this
 * backend records each change as a registered-model tag `tracklab.history.<time>-<n>` (JSON of the entry); those tags
 * are read back as `history` and hidden from `tags`. Other MLflow clients see them as ordinary model tags.
 */
import { badState, notFound, TracklabError } from '../../core/errors.js';
import { checkArchiveExisting } from '../registry-rules.js';
import type {
  Change,
  ModelRegistryStore,
  ModelStage,
  ModelUpdate,
  ModelVersionRecord,
  NewModelVersion,
  RegisteredModelRecord,
} from '../registry-store.js';
import { toKeyValues } from './convert.js';
import type { RestClient } from './rest-client.js';
import { assemble, recordHistory, toVersion, type RestModel, type RestVersion } from './rest-registry-wire.js';
import { storeMessages } from '../messages.js';

export class RestRegistry implements ModelRegistryStore {
  constructor(private readonly client: RestClient) {}

  async createRegisteredModel(
    name: string,
    init: { description: string; tags: Record<string, string>; user: string },
  ): Promise<RegisteredModelRecord> {
    await this.client.call(
      'POST',
      'registered-models/create',
      { name, description: init.description, tags: toKeyValues(init.tags) },
      false,
    );
    await recordHistory(this.client, name, { user: init.user, comment: null }, 'create_model', {});
    return this.getRegisteredModel(name);
  }

  async updateRegisteredModel(name: string, update: ModelUpdate): Promise<RegisteredModelRecord> {
    await this.getRegisteredModel(name);
    if (update.description !== undefined)
      await this.client.call('PATCH', 'registered-models/update', { name, description: update.description });
    for (const [key, value] of Object.entries(update.tags ?? {}))
      await this.client.call('POST', 'registered-models/set-tag', { name, key, value });
    for (const key of update.deleteTags ?? [])
      await this.client.call('DELETE', 'registered-models/delete-tag', { name, key });
    return this.getRegisteredModel(name);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    const live = (await this.getRegisteredModel(name)).versions.filter(
      (v) => v.stage === 'Staging' || v.stage === 'Production',
    );
    if (live.length > 0) {
      throw badState(
        storeMessages.liveVersions(
          name,
          live.map((v) => `${v.stage} (v${v.version})`),
        ),
      );
    }
    await this.client.call('DELETE', 'registered-models/delete', { name });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModelRecord> {
    const { registered_model: m } = await this.client.call<{ registered_model: RestModel }>(
      'GET',
      'registered-models/get',
      { name },
    );
    return assemble(m, await this.versionsOf(m.name));
  }

  async listRegisteredModels(): Promise<RegisteredModelRecord[]> {
    const models: RestModel[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.call<{ registered_models?: RestModel[]; next_page_token?: string }>(
        'GET',
        'registered-models/search',
        { max_results: 1000, ...(token ? { page_token: token } : {}) },
      );
      models.push(...(res.registered_models ?? []));
      token = res.next_page_token || undefined;
    } while (token);
    const records = await Promise.all(models.map(async (m) => assemble(m, await this.versionsOf(m.name))));
    return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createModelVersion(name: string, input: NewModelVersion): Promise<ModelVersionRecord> {
    try {
      await this.client.call('POST', 'registered-models/create', { name }, false);
      await recordHistory(this.client, name, { user: input.user, comment: null }, 'create_model', {});
    } catch (error) {
      if ((error as TracklabError).code !== 'RESOURCE_ALREADY_EXISTS') throw error;
    }
    const { model_version: v } = await this.client.call<{ model_version: RestVersion }>(
      'POST',
      'model-versions/create',
      {
        name,
        source: input.source,
        run_id: input.runId,
        description: input.description,
        tags: toKeyValues(input.tags),
      },
      false,
    );
    const created = toVersion(v);
    await recordHistory(this.client, name, { user: input.user, comment: null }, 'register', {
      version: created.version,
      to: 'None',
    });
    return created;
  }

  async updateModelVersion(name: string, version: number, update: ModelUpdate): Promise<ModelVersionRecord> {
    await this.getVersion(name, version);
    const id = { name, version: String(version) };
    if (update.description !== undefined)
      await this.client.call('PATCH', 'model-versions/update', { ...id, description: update.description });
    for (const [key, value] of Object.entries(update.tags ?? {}))
      await this.client.call('POST', 'model-versions/set-tag', { ...id, key, value });
    for (const key of update.deleteTags ?? [])
      await this.client.call('DELETE', 'model-versions/delete-tag', { ...id, key });
    return this.getVersion(name, version);
  }

  async deleteModelVersion(name: string, version: number, change: Change): Promise<void> {
    const target = await this.getVersion(name, version);
    const model = await this.getRegisteredModel(name);
    for (const [alias, v] of Object.entries(model.aliases)) {
      if (v === version)
        await this.deleteAlias(name, alias, { user: change.user, comment: `version ${version} deleted` });
    }
    await this.client.call('DELETE', 'model-versions/delete', { name, version: String(version) });
    await recordHistory(this.client, name, change, 'delete_version', { version, from: target.stage, to: null });
  }

  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    options: Change & { archiveExisting: boolean },
  ): Promise<ModelVersionRecord> {
    if (options.archiveExisting) checkArchiveExisting(stage);
    const before = await this.getVersion(name, version);
    const others = options.archiveExisting
      ? (await this.versionsOf(name)).filter((v) => v.version !== version && v.stage === stage)
      : [];
    const { model_version: v } = await this.client.call<{ model_version: RestVersion }>(
      'POST',
      'model-versions/transition-stage',
      {
        name,
        version: String(version),
        stage,
        archive_existing_versions: options.archiveExisting,
      },
    );
    await recordHistory(this.client, name, options, 'transition', { version, from: before.stage, to: stage });
    for (const other of others) {
      await recordHistory(
        this.client,
        name,
        { user: options.user, comment: `archived because version ${version} moved to ${stage}` },
        'transition',
        { version: other.version, from: stage, to: 'Archived' },
      );
    }
    return toVersion(v);
  }

  async setAlias(name: string, alias: string, version: number, change: Change): Promise<void> {
    await this.getVersion(name, version);
    const before = (await this.getRegisteredModel(name)).aliases[alias];
    await this.client.call('POST', 'registered-models/alias', { name, alias, version: String(version) });
    await recordHistory(this.client, name, change, 'set_alias', {
      version,
      alias,
      from: before === undefined ? null : String(before),
      to: String(version),
    });
  }

  async deleteAlias(name: string, alias: string, change: Change): Promise<void> {
    const model = await this.getRegisteredModel(name);
    const before = Object.hasOwn(model.aliases, alias) ? model.aliases[alias] : undefined;
    if (before === undefined) {
      throw notFound(storeMessages.noSuchAlias(name, alias, Object.keys(model.aliases)));
    }
    await this.client.call('DELETE', 'registered-models/alias', { name, alias });
    await recordHistory(this.client, name, change, 'delete_alias', {
      version: before,
      alias,
      from: String(before),
      to: null,
    });
  }

  private async getVersion(name: string, version: number): Promise<ModelVersionRecord> {
    try {
      const res = await this.client.call<{ model_version: RestVersion }>('GET', 'model-versions/get', {
        name,
        version: String(version),
      });
      return toVersion(res.model_version);
    } catch (error) {
      if ((error as TracklabError).code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
      await this.getRegisteredModel(name); // a missing model says so
      throw notFound(storeMessages.noSuchVersion(name, version, undefined));
    }
  }

  private async versionsOf(name: string): Promise<ModelVersionRecord[]> {
    const versions: ModelVersionRecord[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.call<{ model_versions?: RestVersion[]; next_page_token?: string }>(
        'GET',
        'model-versions/search',
        {
          filter: `name='${name.replace(/'/g, "\\'")}'`,
          max_results: 10000,
          ...(token ? { page_token: token } : {}),
        },
      );
      versions.push(...(res.model_versions ?? []).map(toVersion));
      token = res.next_page_token || undefined;
    } while (token);
    return versions.sort((a, b) => a.version - b.version);
  }
}
