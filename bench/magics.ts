/**
 * Magic overhead. (1) What a magic line adds to a cell: the rewrite of a 40-line cell with 4 magic lines vs the same
 * cell without magics, plus one generated runtime call vs the direct API call. (2) `%log_metric` in a 100,000-iteration
 * loop (the generated statement, evaluated as the kernel does) vs `run.logMetric` directly. (3) `%compare` of two
 * 100,000-point runs vs reading their histories. Prints medians.
 * Run: node --import tsx bench/magics.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { RUNTIME_GLOBAL } from '../src/magics/codegen.js';
import { rewriteCell } from '../src/magics/rewrite.js';
import { MagicRuntime } from '../src/kernel/runtime.js';
import { createLiveView } from '../src/kernel/live-view.js';
import { compareRunsHtml } from '../src/kernel/runtime-views.js';
import { Tracker } from '../src/tracker.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => void): number => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const body = Array.from({ length: 36 }, (_, i) => `const v${i} = compute(${i}) * 2; // some ordinary TypeScript`).join(
  '\n',
);
const magicCell = `%%track bench --experiment e\n%log_param lr=0.1 depth=3\n${body}\n%log_metric acc=v1/v2 --step 3\n%end_run`;
const plainCell = `let track = 1\nlet lr = 0.1\n${body}\nlet acc = v1 / v2\nlet end = 1`;

const dir = await mkdtemp(join(tmpdir(), 'tracklab-bench-magics-'));
const tracker = await Tracker.open({ store: join(dir, 'store') });
const runtime = new MagicRuntime({
  display: { html: () => {}, svg: () => {}, text: () => {} },
  openTracker: async () => tracker,
});
(globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = runtime;

// (1) rewrite cost per cell
const rewriteMs: number[] = [];
const plainMs: number[] = [];
for (let i = 0; i < 2000; i++) {
  rewriteMs.push(time(() => rewriteCell(magicCell)));
  plainMs.push(time(() => rewriteCell(plainCell)));
}
const perCell = median(rewriteMs) - median(plainMs);

// (2) %log_metric in a loop: the generated code (as tslab compiles it: `as any` erased) vs the direct call; once with
// the live view the kernel shows (throttled display updates, here into a counter), once without --step (steps counted)
const N = 100_000;
const compile = (cell: string): ((n: number) => void) =>
  runInThisContext(`(function (n) {\n${rewriteCell(cell).code.replace(/ as any/g, '')}\n})`) as (n: number) => void;
const magicLoop = compile('for (let i = 0; i < n; i++) {\n  %log_metric loss=1/(i + 1) --step i\n}');
const autoStepLoop = compile('for (let i = 0; i < n; i++) {\n  %log_metric loss=1/(i + 1)\n}');
const directLoop = (run: { logMetric(k: string, v: number, o?: { step?: number }): void }, n: number): void => {
  for (let i = 0; i < n; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
};
let updates = 0;
const liveRuntime = new MagicRuntime({
  display: { html: () => {}, svg: () => {}, text: () => {} },
  openTracker: async () => tracker,
  live: createLiveView({
    write: () => {
      updates++;
    },
  }),
});
const timed = { magic: [] as number[], live: [] as number[], auto: [] as number[], direct: [] as number[] };
async function inRun(rt: MagicRuntime, name: string, f: () => void): Promise<number> {
  (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = rt;
  rt.enter(await rt.startRun(0, name, false));
  const ms = time(f);
  rt.enter(await rt.endRun(0, 'FINISHED'));
  return ms;
}
for (let rep = 0; rep < 7; rep++) {
  timed.magic.push(await inRun(runtime, `magic-${rep}`, () => magicLoop(N)));
  timed.live.push(await inRun(liveRuntime, `live-${rep}`, () => magicLoop(N)));
  timed.auto.push(await inRun(runtime, `auto-${rep}`, () => autoStepLoop(N)));
  const b = await tracker.startRun({ experiment: 'bench', name: `direct-${rep}` });
  timed.direct.push(time(() => directLoop(b, N)));
  await b.end();
}
const magicMs = timed.magic;
const directMs = timed.direct;
const oneCallMagic = median(magicMs) / N;
const oneCallDirect = median(directMs) / N;

console.log('magic line overhead (rewrite of a 40-line cell with 4 magic lines, minus the same cell without):');
console.log(
  `  median ${(perCell * 1000).toFixed(1)} us per cell (${((perCell * 1000) / 4).toFixed(1)} us per magic line); target < 1 ms`,
);
console.log(`  runtime call overhead per %log_metric: ${((oneCallMagic - oneCallDirect) * 1e6).toFixed(0)} ns`);
console.log(`%log_metric x ${N.toLocaleString('en')} in a loop: median ${median(magicMs).toFixed(1)} ms`);
console.log(`run.logMetric x ${N.toLocaleString('en')} directly:  median ${median(directMs).toFixed(1)} ms`);
console.log(`ratio ${(median(magicMs) / median(directMs)).toFixed(2)}x; target <= 2x`);
console.log(
  `with the live view: median ${median(timed.live).toFixed(1)} ms, ${(median(timed.live) / median(directMs)).toFixed(2)}x` +
    ` the direct call (target <= 1.2x); ${Math.round(updates / 7)} display updates per loop`,
);
console.log(
  `without --step (steps counted per key): median ${median(timed.auto).toFixed(1)} ms,` +
    ` ${(median(timed.auto) / median(directMs)).toFixed(2)}x the direct call`,
);
// (3) %compare of two 100,000-point runs: the display built (downsampled lines) vs reading the two histories alone
const long: string[] = [];
for (const name of ['long-a', 'long-b']) {
  const r = await tracker.startRun({ experiment: 'bench-compare', name });
  for (let i = 0; i < N; i++) r.logMetric('loss', 1 / (i + 1), { step: i });
  await r.end();
  long.push(r.id);
}
const compareMs: number[] = [];
const readMs: number[] = [];
let displayBytes = 0;
for (let rep = 0; rep < 5; rep++) {
  let t = process.hrtime.bigint();
  for (const id of long) await tracker.getMetricHistory(id, 'loss');
  readMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  const out = await compareRunsHtml(tracker, long, ['loss'], 'bench-compare');
  compareMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  displayBytes = out.html.length + out.svgs.reduce((a, s) => a + s.length, 0);
}
console.log(
  `%compare of two ${N.toLocaleString('en')}-point runs: median ${median(compareMs).toFixed(0)} ms, display ` +
    `${(displayBytes / 1024).toFixed(1)} KiB; reading the two histories alone: ${median(readMs).toFixed(0)} ms`,
);
await tracker.close();
await rm(dir, { recursive: true, force: true });
