/** Copies registered models (versions with their numbers, stages, tags, descriptions, aliases) between backends. */
import { TracklabError } from '../core/errors.js';
import type { ModelRegistryStore, ModelVersionRecord, RegisteredModelRecord } from '../store/registry-store.js';
import type { TransferContext } from './copy-runs.js';

const IMPORT = { user: 'tracklab import', comment: null };

/** Copies every registered model of the source registry; lists what the destination cannot hold. */
export async function copyModels(ctx: TransferContext): Promise<void> {
  const from = ctx.src.registry;
  if (!from) return;
  const models = await from.listRegisteredModels();
  if (models.length === 0) return;
  const to = ctx.dest.registry;
  if (!to) {
    ctx.summary.notHeld.push(`${models.length} registered models (${ctx.summary.destination} keeps no model registry)`);
    return;
  }
  const withHistory = models.filter((m) => m.history.length > 0).length;
  if (withHistory > 0) {
    ctx.summary.notHeld.push(
      ctx.dest.capabilities.registryHistory
        ? `the registry history of ${withHistory} models as written (the destination records the import's own changes instead)`
        : `the registry history of ${withHistory} models (${ctx.dest.kind} keeps none, like MLflow)`,
    );
  }
  for (const model of models) {
    await copyModel(ctx, to, model);
  }
}

async function copyModel(ctx: TransferContext, to: ModelRegistryStore, model: RegisteredModelRecord): Promise<void> {
  let dest = await to.getRegisteredModel(model.name).catch((e: unknown) => {
    if (e instanceof TracklabError && e.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw e;
  });
  if (dest) {
    ctx.summary.models.merged += 1;
  } else {
    ctx.summary.models.created += 1;
    if (!ctx.dryRun)
      dest = await to.createRegisteredModel(model.name, {
        description: model.description,
        tags: model.tags,
        user: IMPORT.user,
      });
  }
  for (const version of model.versions) {
    await copyVersion(ctx, to, model.name, version, dest);
    ctx.tick();
  }
  if (ctx.dryRun) return;
  const now = await to.getRegisteredModel(model.name);
  for (const [alias, version] of Object.entries(model.aliases)) {
    const current = Object.hasOwn(now.aliases, alias) ? now.aliases[alias] : undefined;
    if (current === version) continue;
    if (current !== undefined) {
      ctx.summary.conflicts.push(
        `alias ${model.name}@${alias} points to version ${current} in the destination, ${version} in the source; left as it is`,
      );
      continue;
    }
    await to.setAlias(model.name, alias, version, IMPORT);
    ctx.summary.aliases += 1;
  }
}

async function copyVersion(
  ctx: TransferContext,
  to: ModelRegistryStore,
  name: string,
  v: ModelVersionRecord,
  dest: RegisteredModelRecord | undefined,
): Promise<void> {
  const there = dest?.versions.find((x) => x.version === v.version);
  if (there) {
    if (there.source === v.source && there.stage === v.stage && there.description === v.description)
      ctx.summary.versions.identical += 1;
    else
      conflict(
        ctx,
        `version ${v.version} of model ${name} differs in the destination (source, stage or description); left as it is`,
      );
    return;
  }
  const next = dest?.nextVersion ?? 1;
  if (next > v.version) {
    conflict(ctx, `version ${v.version} of model ${name} was deleted in the destination; its number cannot be reused`);
    return;
  }
  ctx.summary.versions.copied += 1;
  if (ctx.dryRun) return;
  // numbers the source skipped (deleted versions) are created and deleted, so version numbers stay the same
  for (let n = next; n < v.version; n += 1) {
    const gap = await to.createModelVersion(name, {
      ...versionInput(v),
      description: 'placeholder keeping version numbers',
    });
    await to.deleteModelVersion(name, gap.version, { ...IMPORT, comment: 'keeps the version numbers of the source' });
  }
  const created = await to.createModelVersion(name, versionInput(v));
  if (v.stage !== 'None')
    await to.transitionStage(name, created.version, v.stage, { ...IMPORT, archiveExisting: false });
  const copy = (await to.getRegisteredModel(name)).versions.find((x) => x.version === v.version);
  ctx.summary.verified.versions += 1;
  if (
    !copy ||
    copy.source !== v.source ||
    copy.stage !== v.stage ||
    JSON.stringify(copy.tags) !== JSON.stringify(v.tags)
  ) {
    ctx.summary.verified.mismatches.push(`version ${v.version} of model ${name} differs after copying`);
  }
  if (dest) dest.nextVersion = v.version + 1;
}

function versionInput(v: ModelVersionRecord) {
  return { source: v.source, runId: v.runId, path: v.path, description: v.description, tags: v.tags, user: v.user };
}

function conflict(ctx: TransferContext, message: string): void {
  ctx.summary.versions.conflicts += 1;
  ctx.summary.conflicts.push(message);
}
