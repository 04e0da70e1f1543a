/** Reading one run folder of an MLflow file store into a RunRecord, and writing its meta.yaml and dataset inputs. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatasetInput, MetricPoint, MetricSummary, RunRecord } from '../../core/entities.js';
import { setOwn } from '../../core/run-view.js';
import { ensureDir, listDirs, listKeys, readTextIfExists, readValues, readYaml, writeYaml } from './files.js';
import { META, runInfoFromMeta, runMeta, type RunInfo } from './layout.js';
import { parseMetricFile, summarizeMetricText } from './metric-file.js';

const CONTEXT_TAG = 'mlflow.data.context';

/** The run's meta.yaml, or undefined when the folder holds no run (yet). */
export function readRunInfo(dir: string): RunInfo | undefined {
  const file = join(dir, META);
  const meta = readYaml(file);
  return meta === undefined ? undefined : runInfoFromMeta(meta, file);
}

export function writeRunInfo(dir: string, info: RunInfo, durable = false): void {
  writeYaml(join(dir, META), runMeta(info), durable);
}

/** Every point of one metric, in file order ([] when it was never logged). */
export function readMetric(dir: string, key: string): MetricPoint[] {
  const file = join(dir, 'metrics', ...key.split('/'));
  const text = readTextIfExists(file);
  return text === undefined ? [] : parseMetricFile(key, text, file);
}

export function metricKeys(dir: string): string[] {
  return listKeys(join(dir, 'metrics'));
}

/** What a listing of the run folder found (run-cache.ts), so a search lists each folder once. */
export interface RunFolderKeys {
  params: string[];
  tags: string[];
  metrics: string[];
  inputs: string[];
}

const valuesOf = (dir: string, keys: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const text = readTextIfExists(`${dir}/${key}`);
    if (text !== undefined) setOwn(out, key, text);
  }
  return out;
};

/**
 * The whole run: meta.yaml, params, tags, metric summaries (from every point, as MLflow) and dataset inputs; `keys`
 * when the folder was just listed.
 */
export function readRunFolder(dir: string, info: RunInfo, keys?: RunFolderKeys): RunRecord {
  const metrics: Record<string, MetricSummary> = {};
  for (const key of keys?.metrics ?? metricKeys(dir)) {
    const file = join(dir, 'metrics', ...key.split('/'));
    const text = readTextIfExists(file);
    const summary = text === undefined ? undefined : summarizeMetricText(key, text, file);
    if (summary) setOwn(metrics, key, summary);
  }
  const { artifactUri, ...rest } = info;
  return {
    ...rest,
    params: keys ? valuesOf(`${dir}/params`, keys.params) : readValues(join(dir, 'params')),
    tags: keys ? valuesOf(`${dir}/tags`, keys.tags) : readValues(join(dir, 'tags')),
    metrics,
    inputs: readInputs(dir, keys?.inputs),
    artifactUri,
  };
}

/** Dataset inputs: `inputs/<id>/meta.yaml` points at `<experiment>/datasets/<id>/meta.yaml`. */
function readInputs(dir: string, ids?: string[]): DatasetInput[] {
  const inputsDir = join(dir, 'inputs');
  const out: DatasetInput[] = [];
  for (const id of (ids ?? listDirs(inputsDir)).slice().sort()) {
    const input = readYaml(join(inputsDir, id, META));
    if (input === undefined || input['source_type'] !== 'DATASET' || typeof input['source_id'] !== 'string') continue;
    const dataset = readYaml(join(dirname(dir), 'datasets', input['source_id'], META));
    if (dataset === undefined) continue; // MLflow skips an input whose dataset is gone, too
    const tags = (input['tags'] ?? {}) as Record<string, unknown>;
    const text = (k: string): string | undefined => {
      const v = dataset[k];
      return typeof v === 'string' ? v : undefined;
    };
    const schema = text('schema');
    const profile = text('profile');
    const tag = tags[CONTEXT_TAG];
    const context = typeof tag === 'string' ? tag : undefined;
    out.push({
      name: text('name') ?? '',
      digest: text('digest') ?? '',
      sourceType: text('source_type') ?? '',
      source: text('source') ?? '',
      ...(schema !== undefined ? { schema } : {}),
      ...(profile !== undefined ? { profile } : {}),
      ...(context !== undefined ? { context } : {}),
    });
  }
  return out;
}

const md5 = (...parts: string[]): string => {
  const h = process.getBuiltinModule('node:crypto').createHash('md5'); // on first use: reading loads no crypto
  for (const p of parts) h.update(p, 'utf8');
  return h.digest('hex');
};

/** MLflow's log_inputs: the dataset once per experiment, the input once per run (ids are MLflow's md5s). */
export function writeInput(runDir: string, runId: string, d: DatasetInput): void {
  const datasetId = md5(d.name, d.digest);
  const datasetDir = join(dirname(runDir), 'datasets', datasetId);
  if (!existsSync(join(datasetDir, META))) {
    ensureDir(datasetDir);
    writeYaml(join(datasetDir, META), {
      digest: d.digest,
      name: d.name,
      source: d.source,
      source_type: d.sourceType,
      ...(d.schema !== undefined ? { schema: d.schema } : {}),
      ...(d.profile !== undefined ? { profile: d.profile } : {}),
    });
  }
  const inputDir = join(runDir, 'inputs', md5(datasetId, runId));
  if (existsSync(join(inputDir, META))) return;
  ensureDir(inputDir);
  writeYaml(join(inputDir, META), {
    // destination_id holds the dataset id, as MLflow 2.x writes it
    destination_id: datasetId,
    destination_type: 'RUN',
    source_id: datasetId,
    source_type: 'DATASET',
    tags: d.context !== undefined ? { [CONTEXT_TAG]: d.context } : {},
  });
}
