/** The report benchmarks' stores, generated with the Tracker API: `runs` runs x `metrics` metrics x `steps` steps. */
import { Tracker } from '../src/index.js';

/** Creates the runs (one experiment) and returns their ids. */
export async function generate(
  store: string,
  runs: number,
  metrics: number,
  steps: number,
  experiment: string,
): Promise<string[]> {
  const tracker = await Tracker.open({ store });
  const ids: string[] = [];
  const t0 = Date.UTC(2024, 0, 1);
  for (let r = 0; r < runs; r++) {
    const run = await tracker.startRun({ experiment, name: `run-${r}`, tags: { team: r % 2 ? 'a' : 'b' } });
    await run.logParams({ model: ['rf', 'knn', 'logreg'][r % 3], lr: 10 ** -(r % 4), depth: r % 7, seed: 42 });
    for (let m = 0; m < metrics; m++) {
      for (let s = 0; s < steps; s++)
        run.logMetric(`m${m}`, Math.exp(-s / (steps / 3)) + 0.01 * ((r * 7 + s * 13 + m) % 10), {
          step: s,
          timestamp: t0 + s * 1000,
        });
    }
    await run.end('FINISHED');
    ids.push(run.id);
  }
  await tracker.close();
  return ids;
}
