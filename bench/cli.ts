/**
 * CLI start-up: `tracklab --version`, `--help` and `runs list` over 1,000 runs, each against a bare `node -e 0` timed
 * in turn in the same run (A B A B ...), as whole processes. Wall time from spawnSync; CPU (user + sys) of the child
 * from this process's cutime + cstime (/proc/self/stat, Linux; clock ticks of 10 ms, so CPU is quoted as a median of
 * many). Run: npm run build && node --import tsx bench/cli.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker } from '../src/index.js';
import { childCpuMs, fmt, median, scratch } from './stats.js';

const ROUNDS = 15;
// TRACKLAB_CLI times another build, e.g. one of an older commit, against the same baseline
const cli = process.env['TRACKLAB_CLI'] ?? join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing; run npm run build first`);

function once(args: string[]): { wall: number; cpu: number } {
  const cpu0 = childCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: childCpuMs() - cpu0 };
}

function pair(label: string, args: string[]): void {
  const a = { wall: [] as number[], cpu: [] as number[] };
  const b = { wall: [] as number[], cpu: [] as number[] };
  once(args);
  once(['-e', '0']);
  for (let i = 0; i < ROUNDS; i++) {
    const x = once(args);
    const y = once(['-e', '0']);
    a.wall.push(x.wall);
    a.cpu.push(x.cpu);
    b.wall.push(y.wall);
    b.cpu.push(y.cpu);
  }
  const over = median(a.wall.map((w, i) => w - (b.wall[i] as number)));
  const overCpu = median(a.cpu.map((c, i) => c - (b.cpu[i] as number)));
  console.log(
    `| ${label} | ${fmt(median(a.wall), 0)} ms (CPU ${fmt(median(a.cpu), 0)} ms) | ${fmt(median(b.wall), 0)} ms ` +
      `(CPU ${fmt(median(b.cpu), 0)} ms) | **+${fmt(over, 0)} ms** wall, +${fmt(overCpu, 0)} ms CPU |`,
  );
}

const { dir, done } = scratch('tracklab-bench-cli-');
try {
  const store = join(dir, 'store');
  const tracker = await Tracker.open({ store });
  for (let i = 0; i < 1000; i++) {
    const run = await tracker.startRun({ experiment: 'bench' });
    await run.logParams({ p0: String(i), p1: 'a', p2: 'b', p3: 'c', p4: 'd' });
    for (let m = 0; m < 5; m++) run.logMetric(`m${m}`, i / (m + 1));
    await run.end();
  }
  await tracker.close();
  console.log(
    `| command | tracklab (median of ${ROUNDS}) | \`node -e 0\`, same run | over bare Node (median of pairs) |`,
  );
  console.log('|---|---|---|---|');
  pair('`tracklab --version`', [cli, '--version']);
  pair('`tracklab --help`', [cli, '--help']);
  pair('`tracklab runs list` (1,000 runs)', [cli, '--store', store, 'runs', 'list', '--experiment', 'bench']);
} finally {
  done();
}
