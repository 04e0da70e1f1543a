// A process that writes runs, or searches them from a fresh Tracker each time, for the run cache tests. Usage:
//   node cache-churn.mjs <store> write <runs> <rounds>   each round logs n = round into each of its runs, flushed
//   node cache-churn.mjs <store> read <searches> [filter] prints one JSON line per search: { runId: latest n }
import { Tracker } from '../../dist/index.js';

const [store, mode, a, b] = process.argv.slice(2);
if (mode === 'write') {
  const tracker = await Tracker.open({ store });
  const runs = [];
  for (let i = 0; i < Number(a); i++) runs.push(await tracker.startRun({ experiment: 'churn', name: `w${i}` }));
  for (let round = 1; round <= Number(b); round++) {
    for (const run of runs) {
      run.logMetric('n', round, { step: round });
      await run.flush();
    }
    await tracker.setTag(runs[round % runs.length].id, `seen-${process.pid}`, String(round));
  }
  for (const run of runs) await run.end();
  await tracker.close();
} else {
  for (let i = 0; i < Number(a); i++) {
    const tracker = await Tracker.open({ store });
    const filter = b ?? '';
    const { runs } = await tracker.searchRuns({ experiments: ['churn'], filter, maxResults: 50000 });
    console.log(JSON.stringify(Object.fromEntries(runs.map((r) => [r.id, r.metrics['n'] ?? 0]))));
    await tracker.close();
  }
}
