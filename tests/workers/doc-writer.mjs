// A process that changes one shared document in a loop for `seconds`, printing every result it was given:
//   node doc-writer.mjs <store> experiments <seconds>   creates experiments, prints "exp <id> <name>"
//   node doc-writer.mjs <store> versions <seconds>      registers versions of model "m", prints "ver <n>"
import { Tracker } from '../../dist/index.js';
import { JsonRegistry } from '../../dist/store/json/json-registry.js';

const [store, mode, seconds] = process.argv.slice(2);
const until = Date.now() + Number(seconds) * 1000;
const tracker = await Tracker.open({ store });
const registry = new JsonRegistry(store);
for (let i = 0; Date.now() < until; i++) {
  if (mode === 'experiments') {
    const name = `p${process.pid}-${i}`;
    const exp = await tracker.createExperiment(name);
    console.log(`exp ${exp.id} ${name}`);
  } else {
    const v = await registry.createModelVersion('m', {
      source: 's',
      runId: 'r',
      path: 'p',
      description: '',
      tags: {},
      user: 'u',
    });
    console.log(`ver ${v.version}`);
  }
}
await tracker.close();
