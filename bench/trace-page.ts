/**
 * Records a Chromium performance trace of one report page while it loads and draws, and prints the main thread's
 * long tasks with what filled them (trace events and sampled JavaScript functions). For finding what a long task is,
 * not for figures. Run: node --import tsx bench/trace-page.ts <site dir> <page path and hash> [--wait selector]
 * [--quiet-chrome-ui]
 *   e.g. node --import tsx bench/trace-page.ts bench/out/report-site experiments/1.html
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, serve } from '../tests/report/browser.js';
import { launchQuiet } from './quiet-browser.js';

interface Ev {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** the thread's CPU time in the event: unlike `dur`, it does not grow when other processes take the cores */
  tdur?: number;
  tid: number;
  pid: number;
  args?: { data?: Record<string, unknown> };
}

const [site, rel] = process.argv.slice(2) as [string, string];
// `--analyse <trace.json>` prints an earlier trace again.
if (process.argv.includes('--analyse')) {
  report(readTrace(process.argv[process.argv.indexOf('--analyse') + 1]!));
  process.exit(0);
}
const waitFor = process.argv.includes('--wait') ? process.argv[process.argv.indexOf('--wait') + 1]! : '';
const out = path.join(process.env.TMPDIR ?? '/tmp', 'tracklab-page-trace.json');
// `--quiet-chrome-ui`: without the address bar's popup Chromium builds in each new window (bench/quiet-browser.ts).
const browser = process.argv.includes('--quiet-chrome-ui') ? await launchQuiet() : await launch();
const srv = await serve(path.resolve(site), '/t/');
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await browser.startTracing(page, {
  path: out,
  categories: [
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'v8.execute',
    'disabled-by-default-v8.cpu_profiler',
    'blink.user_timing',
    'loading',
  ],
});
const t0 = performance.now();
await page.goto(`${srv.base}${rel}`, { waitUntil: 'load' });
if (waitFor) {
  await page.waitForSelector(waitFor, { timeout: 60_000 });
  // The page's own clock starts at its navigation, as the trace's times below do.
  console.log(`${waitFor} at ${Math.round(await page.evaluate(() => performance.now()))} ms (page clock)`);
}
console.log(`waited ${Math.round(performance.now() - t0)} ms`);
await page.waitForTimeout(3000);
await browser.stopTracing();
await browser.close();
await srv.close();
report(readTrace(out));

/** The events of a trace file Chromium wrote. */
function readTrace(file: string): Ev[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
}

function report(events: Ev[]): void {
  const main = events.find((e) => e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain');
  const onMain = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X' && (e.dur ?? 0) > 30_000);
  const start = Math.min(...onMain.filter((e) => e.ts > 0).map((e) => e.ts));
  const samples = cpuSamples(events, main?.pid ?? 0);
  const all = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const byCpu = [...all].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 5);
  const ms = (us = 0): string => (us / 1000).toFixed(0);
  console.log(`main thread: ${all.length} tasks, ${ms(all.reduce((sum, e) => sum + (e.tdur ?? 0), 0))} ms CPU`);
  console.log(
    `longest tasks by CPU time (ms, at ms): ${byCpu.map((e) => `${ms(e.tdur)} @${ms(e.ts - start)}`).join(', ')}`,
  );
  for (const task of tasks) {
    const end = task.ts + (task.dur ?? 0);
    console.log(`\ntask at ${((task.ts - start) / 1000).toFixed(0)} ms: ${((task.dur ?? 0) / 1000).toFixed(1)} ms`);
    const inner = onMain.filter(
      (e) => e.ph === 'X' && e !== task && e.ts >= task.ts && e.ts < end && (e.dur ?? 0) > 3000,
    );
    for (const e of inner.slice(0, 25)) {
      const d = e.args?.data;
      const label = d ? (d['url'] ?? d['functionName'] ?? d['type']) : undefined;
      const what = typeof label === 'string' ? label.slice(-60) : '';
      console.log(
        `  ${((e.ts - task.ts) / 1000).toFixed(1).padStart(6)} +${((e.dur ?? 0) / 1000).toFixed(1).padStart(6)} ${e.name} ${what}`,
      );
    }
    const self = new Map<string, number>();
    for (const s of samples) if (s.ts >= task.ts && s.ts < end) self.set(s.fn, (self.get(s.fn) ?? 0) + s.dt);
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log('  sampled self time:', top.map(([f, t]) => `${f} ${(t / 1000).toFixed(1)}`).join(' | '));
  }
}

/** Samples of the V8 CPU profile in the trace: (time, function at the top of the stack, time since the last). */
function cpuSamples(events: Ev[], pid: number): { ts: number; fn: string; dt: number }[] {
  const nodes = new Map<number, string>();
  const out: { ts: number; fn: string; dt: number }[] = [];
  let ts = 0;
  for (const e of events) {
    if (e.pid !== pid) continue;
    const d = (e.args?.data ?? {}) as { startTime?: number; cpuProfile?: CpuProfile; timeDeltas?: number[] };
    if (e.name === 'Profile') ts = d.startTime ?? ts;
    if (e.name !== 'ProfileChunk') continue;
    for (const n of d.cpuProfile?.nodes ?? [])
      nodes.set(n.id, `${n.callFrame.functionName || '(anon)'}@${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`);
    const deltas = d.timeDeltas ?? [];
    (d.cpuProfile?.samples ?? []).forEach((id, i) => {
      const dt = deltas[i] ?? 0;
      ts += dt;
      out.push({ ts, fn: nodes.get(id) ?? String(id), dt });
    });
  }
  return out;
}

interface CpuProfile {
  nodes?: { id: number; callFrame: { functionName: string; lineNumber: number; columnNumber: number } }[];
  samples?: number[];
}
