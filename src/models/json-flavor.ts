/**
 * The `json` flavor: any JSON-serializable value. Functions cannot be stored, so a model with a predict function names
 * a loader (`{ loader: 'linear' }`) that recreates it; register the loader with registerJsonLoader in the process
 * that loads. Without it, loadModel returns the logged data alone.
 */
import { invalid } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';
import { registerFlavor, type Flavor } from './flavor.js';

export type JsonLoader = (data: unknown) => unknown;
const loaders = new Map<string, JsonLoader>();
const DATA_FILE = 'model.json';

/**
 * @example registerJsonLoader('linear', (m) => ({ ...m, predict: (x) => x.map((r) => m.w * r + m.b) }));
 */
export function registerJsonLoader(name: string, loader: JsonLoader): void {
  if (typeof name !== 'string' || name === '' || typeof loader !== 'function') {
    throw invalid(msg.jsonLoaderInvalid(name));
  }
  loaders.set(name, loader);
}

export const jsonFlavor: Flavor<unknown> = {
  name: 'json',
  save(model, options) {
    const fn = functionKey(model);
    if (fn !== undefined && options.loader === undefined) {
      throw invalid(msg.jsonFunctionProperty(fn));
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(model);
    } catch (error) {
      throw invalid(msg.jsonUnserializable((error as Error).message.split('\n')[0] ?? ''));
    }
    if (text === undefined) throw invalid(msg.jsonNothingToSave());
    return { files: { [DATA_FILE]: text }, config: { data: DATA_FILE, loader: options.loader ?? null } };
  },
  async load(files, config) {
    const data: unknown = JSON.parse(
      await files.readText(typeof config['data'] === 'string' ? config['data'] : DATA_FILE),
    );
    const loader = typeof config['loader'] === 'string' ? loaders.get(config['loader']) : undefined;
    return loader ? loader(data) : data;
  },
  predict(model, input) {
    const predict = (model as { predict?: unknown } | null)?.predict;
    return typeof predict === 'function' ? (predict as (x: unknown) => unknown).call(model, input) : undefined;
  },
};

function functionKey(model: unknown): string | undefined {
  if (model === null || typeof model !== 'object') return undefined;
  return Object.keys(model).find((k) => typeof (model as Record<string, unknown>)[k] === 'function');
}

registerFlavor(jsonFlavor);
