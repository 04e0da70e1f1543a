/**
 * Writing a model folder into a run's artifacts and reading it back: flavor.save -> files -> input example -> signature
 * -> manifest (written last, so a folder with a manifest is complete).
 */
import { corrupt, exists, invalid, notFound, TracklabError } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';
import { TAGS } from '../core/entities.js';
import { ownEntries, validateArtifactPath } from '../core/validation.js';
import { TRACKLAB_VERSION } from '../core/version.js';
import { runArtifacts, type Backend } from '../store/backend.js';
import type { ArtifactRepository } from '../store/artifact-repository.js';
import { detectFlavor, getFlavor, type Flavor, type ModelFiles } from './flavor.js';
import './json-flavor.js';
import './random-forest-flavor.js';
import { INPUT_EXAMPLE_FILE, isModelManifest, MANIFEST_FILE, MANIFEST_FORMAT, type ModelManifest } from './manifest.js';
import { runsUri } from './runs-uri.js';
import { checkSignature, inferSchema, type Signature } from './signature.js';

export interface LogModelOptions {
  /** folder inside the run's artifacts; default "model" */
  path?: string;
  /** default: the flavor whose detect() claims the model, else "json" */
  flavor?: string;
  /** default: inferred from inputExample (outputs from the model's predictions on it, when the flavor can predict) */
  signature?: Signature;
  inputExample?: unknown;
  metadata?: Record<string, unknown>;
  /** json flavor: the loader (registerJsonLoader) that recreates functions such as predict */
  loader?: string;
}

export interface LoggedModel {
  /** `runs:/<run id>/<path>`, ready for registerModel or loadModel */
  uri: string;
  runId: string;
  path: string;
  flavor: string;
  manifest: ModelManifest;
}

/** Saves `model` into the artifacts of run `runId` of `backend`, with tracklab's manifest. */
export async function writeModel(
  backend: Backend,
  runId: string,
  model: unknown,
  options: LogModelOptions = {},
): Promise<LoggedModel> {
  const repo = await runArtifacts(backend, runId);
  const path = validateArtifactPath(options.path ?? 'model', 'model path');
  if (path === '') throw invalid(msg.modelPathEmpty());
  const flavor = options.flavor === undefined ? detectFlavor(model) : getFlavor(options.flavor);
  await refuseExisting(repo, runId, path);
  const saved = await flavor.save(model, options.loader === undefined ? {} : { loader: options.loader });
  const files = new Map(
    Object.entries(saved.files).map(([name, data]) => [checkFileName(name, flavor.name), data] as const),
  );
  let signature = options.signature === undefined ? undefined : checkSignature(options.signature);
  if (options.inputExample !== undefined) {
    files.set(INPUT_EXAMPLE_FILE, JSON.stringify(options.inputExample));
    signature ??= inferSignature(flavor, model, options.inputExample);
  }
  let size = 0;
  for (const [name, data] of files) {
    await repo.write(`${path}/${name}`, data);
    size += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
  const now = Date.now();
  const manifest: ModelManifest = {
    formatVersion: MANIFEST_FORMAT,
    flavor: flavor.name,
    flavors: { [flavor.name]: saved.config ?? {} },
    runId,
    artifactPath: path,
    // node:crypto taken here, not on import (see atomic-file.ts randomHex)
    modelUuid: process.getBuiltinModule('node:crypto').randomUUID().replaceAll('-', ''),
    createdAt: now,
    utcTimeCreated: new Date(now).toISOString(),
    sizeBytes: size,
    files: [...files.keys()].sort(),
    tracklabVersion: TRACKLAB_VERSION,
    ...(signature ? { signature } : {}),
    ...(options.inputExample !== undefined ? { inputExample: INPUT_EXAMPLE_FILE } : {}),
    ...(options.metadata !== undefined ? { metadata: checkMetadata(options.metadata) } : {}),
  };
  const { MLMODEL_FILE, mlmodelYaml } = await import('./mlmodel.js'); // the YAML library only when a model is logged
  await repo.write(`${path}/${MLMODEL_FILE}`, mlmodelYaml(manifest));
  await repo.write(`${path}/${MANIFEST_FILE}`, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordOnRun(backend, runId, manifest);
  return { uri: runsUri(runId, path), runId, path, flavor: flavor.name, manifest };
}

/** Overwriting a model could silently change a registered version, so a path is written once. */
async function refuseExisting(repo: ArtifactRepository, runId: string, path: string): Promise<void> {
  try {
    if ((await repo.list(path, false)).length === 0) return;
  } catch (error) {
    if (error instanceof TracklabError && error.code === 'RESOURCE_DOES_NOT_EXIST') return;
    throw error;
  }
  throw exists(msg.modelPathTaken(runId, path));
}

function checkFileName(name: string, flavor: string): string {
  const checked = validateArtifactPath(name, `file name from flavor "${flavor}"`);
  if (checked === '' || checked === MANIFEST_FILE || checked === INPUT_EXAMPLE_FILE || checked === 'MLmodel') {
    throw invalid(msg.reservedFile(flavor, name));
  }
  return checked;
}

function inferSignature(flavor: Flavor<unknown>, model: unknown, example: unknown): Signature {
  const inputs = inferSchema(example);
  let output: unknown;
  try {
    output = flavor.predict?.(model, example);
  } catch {
    output = undefined; // outputs are optional; a model that cannot predict on its example still logs
  }
  if (output === undefined || output instanceof Promise) return { inputs };
  try {
    return { inputs, outputs: inferSchema(output, 'model output') };
  } catch {
    return { inputs };
  }
}

function checkMetadata(metadata: unknown): Record<string, unknown> {
  ownEntries('metadata', metadata);
  try {
    return JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
  } catch (error) {
    throw invalid(msg.metadataUnserializable((error as Error).message.split('\n')[0] ?? ''));
  }
}

/** MLflow's mlflow.log-model.history tag: one entry per model logged in the run. */
async function recordOnRun(backend: Backend, runId: string, m: ModelManifest): Promise<void> {
  const run = await backend.tracking.getRun(runId);
  let history: unknown[] = [];
  try {
    const parsed: unknown = JSON.parse(run.tags[TAGS.logModelHistory] ?? '[]');
    if (Array.isArray(parsed)) history = parsed;
  } catch {
    /* a hand-edited tag: start a new list */
  }
  history.push({
    run_id: runId,
    artifact_path: m.artifactPath,
    utc_time_created: m.utcTimeCreated,
    flavors: Object.keys(m.flavors),
    model_uuid: m.modelUuid,
  });
  const text = JSON.stringify(history);
  if (text.length <= 8000) await backend.tracking.logBatch(runId, { tags: { [TAGS.logModelHistory]: text } });
}

/** The manifest of the model at runs:/<runId>/<path>; a clear error when there is none or it is damaged. */
export async function readManifest(backend: Backend, runId: string, path: string): Promise<ModelManifest> {
  const repo = await runArtifacts(backend, runId); // "run does not exist" rather than "not a model"
  return readManifestIn(
    repo,
    path,
    runsUri(runId, path),
    msg.notALoggedModel(runsUri(runId, path), MANIFEST_FILE, path),
  );
}

/** The manifest in `path` of `repo` (`label` names the model in errors; `missing` is the error when it has none). */
async function readManifestIn(
  repo: ArtifactRepository,
  path: string,
  label: string,
  missing: string,
): Promise<ModelManifest> {
  const file = path === '' ? MANIFEST_FILE : `${path}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = (await repo.read(file)).toString('utf8');
  } catch (error) {
    if (error instanceof TracklabError && error.code === 'RESOURCE_DOES_NOT_EXIST') throw notFound(missing);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(
      `${label}/${MANIFEST_FILE}`,
      msg.manifestNotJson((error as Error).message.split('\n')[0] ?? ''),
      error,
    );
  }
  if (!isModelManifest(value)) throw corrupt(`${label}/${MANIFEST_FILE}`, msg.manifestShape());
  return value;
}

/** Loads the model at runs:/<runId>/<path> with its flavor's loader. */
export async function loadModelFrom(backend: Backend, runId: string, path: string): Promise<unknown> {
  const manifest = await readManifest(backend, runId, path);
  return loadWith(manifest, await runArtifacts(backend, runId), `${path}/`);
}

/**
 * Loads an MLflow 3 logged model (`models:/m-…`) whose files are the root of `repo`, when tracklab saved it (its
 * manifest is there); one saved by MLflow's own client in an MLflow flavor gets a clear error.
 */
export async function loadLoggedModel(repo: ArtifactRepository, uri: string): Promise<unknown> {
  const manifest = await readManifestIn(repo, '', uri, msg.notATracklabLoggedModel(uri, MANIFEST_FILE));
  return loadWith(manifest, repo, '');
}

async function loadWith(manifest: ModelManifest, repo: ArtifactRepository, prefix: string): Promise<unknown> {
  const flavor = getFlavor(manifest.flavor);
  const read = (name: string): Promise<Buffer> => repo.read(`${prefix}${validateArtifactPath(name, 'model file')}`);
  const files: ModelFiles = { read, readText: async (name) => (await read(name)).toString('utf8') };
  return flavor.load(files, manifest.flavors[manifest.flavor] ?? {});
}
