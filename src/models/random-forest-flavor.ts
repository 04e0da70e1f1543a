/**
 * The `ml-random-forest` flavor: RandomForestClassifier and RandomForestRegression of mljs, saved with toJSON() and
 * loaded with their static load(). Chosen because it is pure JavaScript (no native build, no download at install),
 * trains on small tables in milliseconds in a notebook, and has a documented serialization. The library is imported
 * only when a model is loaded, so tracklab starts without it.
 */
import { invalid } from '../core/errors.js';
import { modelMessages as msg } from './messages.js';
import { textOf } from '../core/format.js';
import { registerFlavor, type Flavor } from './flavor.js';

interface ForestLike {
  toJSON(): { name?: unknown };
  predict(x: number[][]): number[];
}
const DATA_FILE = 'model.json';
const KINDS = new Set(['RFClassifier', 'RFRegression']);

const isForest = (model: unknown): model is ForestLike => {
  const ctor = (model as { constructor?: { name?: string } } | null)?.constructor?.name;
  return (
    (ctor === 'RandomForestClassifier' || ctor === 'RandomForestRegression') &&
    typeof (model as ForestLike).toJSON === 'function'
  );
};

export const randomForestFlavor: Flavor<ForestLike> = {
  name: 'ml-random-forest',
  detect: isForest,
  save(model) {
    if (!isForest(model)) throw invalid(msg.forestWrongModel());
    const json = model.toJSON();
    if (!json.name || !KINDS.has(textOf(json.name))) throw invalid(msg.forestUntrained());
    return { files: { [DATA_FILE]: JSON.stringify(json) }, config: { data: DATA_FILE, kind: json.name } };
  },
  async load(files, config) {
    const json = JSON.parse(await files.readText(typeof config['data'] === 'string' ? config['data'] : DATA_FILE)) as {
      name?: string;
    };
    const lib = await import('ml-random-forest');
    if (json.name === 'RFClassifier') return lib.RandomForestClassifier.load(json as never);
    if (json.name === 'RFRegression') return lib.RandomForestRegression.load(json as never);
    throw invalid(msg.forestWrongFile(DATA_FILE, textOf(json.name)));
  },
  predict: (model, input) => model.predict(input as number[][]),
};

registerFlavor(randomForestFlavor);
