/**
 * Flavors: how a kind of model is saved to files and loaded back (MLflow's flavors). Pluggable with registerFlavor;
 * `json` and `ml-random-forest` are built in. A flavor sees only file names and bytes, never disk paths, so models
 * load the same from any store backend.
 */
import { badState, invalid } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';

/** The files of a model folder, for a flavor's loader. */
export interface ModelFiles {
  /** reads a file of the model folder by relative path, e.g. "model.json" */
  read(name: string): Promise<Buffer>;
  readText(name: string): Promise<string>;
}

export interface SavedModel {
  /** files to write into the model folder, by relative path */
  files: Record<string, string | Uint8Array>;
  /** settings kept in the manifest's `flavors[name]` and given back to `load` */
  config?: Record<string, unknown>;
}

export interface FlavorSaveOptions {
  /** for the json flavor: the name of a loader registered with registerJsonLoader */
  loader?: string;
}

export interface Flavor<M = unknown> {
  name: string;
  save(model: M, options: FlavorSaveOptions): SavedModel | Promise<SavedModel>;
  load(files: ModelFiles, config: Record<string, unknown>): unknown;
  /** true when this flavor should save `model` when logModel is given no flavor */
  detect?(model: unknown): boolean;
  /** predictions for an input example, used to infer the signature's outputs */
  predict?(model: M, input: unknown): unknown;
}

const FLAVOR_NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const flavors = new Map<string, Flavor<never>>();

/**
 * Adds a flavor, or replaces the one with the same name (so re-running a notebook cell works).
 * @example
 * registerFlavor({
 *   name: 'my-net',
 *   save: (m) => ({ files: { 'w.json': JSON.stringify(m.weights) } }),
 *   load: async (f) => new Net(JSON.parse(await f.readText('w.json'))),
 * });
 */
export function registerFlavor<M>(flavor: Flavor<M>): void {
  if (typeof flavor?.name !== 'string' || !FLAVOR_NAME_RE.test(flavor.name)) {
    throw invalid(msg.flavorNameInvalid(flavor?.name));
  }
  if (typeof flavor.save !== 'function' || typeof flavor.load !== 'function') {
    throw invalid(msg.flavorFunctionsMissing(flavor.name));
  }
  flavors.set(flavor.name, flavor);
}

export function getFlavor(name: string): Flavor<unknown> {
  const flavor = flavors.get(name);
  if (!flavor) {
    throw badState(msg.flavorUnknown(name, listFlavors()));
  }
  return flavor;
}

export const listFlavors = (): string[] => [...flavors.keys()];

/** The first registered flavor (other than json) whose detect() claims the model, else json. */
export function detectFlavor(model: unknown): Flavor<unknown> {
  for (const flavor of flavors.values()) {
    if (flavor.name !== 'json' && flavor.detect?.(model)) return flavor;
  }
  return getFlavor('json');
}
