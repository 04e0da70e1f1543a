/**
 * The manifest of a logged model, `tracklab-model.json`, beside the serialized model (MLflow's MLmodel, as JSON so
 * nothing parsing it can run code). The report reads `flavor` and `signature` from it; keep both names.
 */
import type { Signature } from './signature.js';

export const MANIFEST_FILE = 'tracklab-model.json';
export const INPUT_EXAMPLE_FILE = 'input_example.json';
export const MANIFEST_FORMAT = 1;

export interface ModelManifest {
  formatVersion: number;
  /** the flavor that loads the model */
  flavor: string;
  /** per-flavor settings (MLflow's `flavors`), e.g. { json: { data: 'model.json', loader: 'linear' } } */
  flavors: Record<string, Record<string, unknown>>;
  runId: string;
  artifactPath: string;
  modelUuid: string;
  /** ms since the epoch, and the same as ISO text (MLflow's utc_time_created) */
  createdAt: number;
  utcTimeCreated: string;
  /** bytes of every file of the model folder except this manifest */
  sizeBytes: number;
  /** the model's files, relative to its folder */
  files: string[];
  tracklabVersion: string;
  signature?: Signature;
  /** file name of the saved input example */
  inputExample?: string;
  metadata?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function isModelManifest(v: unknown): v is ModelManifest {
  return (
    isObject(v) &&
    typeof v['formatVersion'] === 'number' &&
    typeof v['flavor'] === 'string' &&
    isObject(v['flavors']) &&
    isObject(v['flavors'][v['flavor']]) &&
    typeof v['runId'] === 'string' &&
    typeof v['artifactPath'] === 'string' &&
    typeof v['createdAt'] === 'number' &&
    Array.isArray(v['files']) &&
    v['files'].every((f) => typeof f === 'string')
  );
}
