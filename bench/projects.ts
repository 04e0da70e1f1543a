/**
 * `tracklab run` overhead: the same tracked script run directly (`node work.mjs`, which logs one run) and through
 * `tracklab run` (parameter check, lockfile check, git state and diff, the run recorded, the command through /bin/sh,
 * the run adopted and ended), in a small git project. Pairs alternate so a drifting machine moves both alike.
 * Usage: npm run bench -- projects    (BENCH_PAIRS=N, default 15)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, scratch } from './stats.js';

const root = join(import.meta.dirname, '..');
const pairs = Number(process.env['BENCH_PAIRS'] ?? 15);

function sh(cwd: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** A git project whose one entry point logs a run of 5 params and 1,000 metric points. */
function makeProject(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({
    name: 'bench-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'bench-project', version: '1.0.0' } },
  }));
  writeFileSync(join(dir, 'MLproject'), [
    'name: bench', 'node_env: package-lock.json', 'entry_points:', '  main:',
    '    parameters: {lr: {type: float, default: 0.1}, seed: {type: int, default: 1}}', '    command: node work.mjs {lr} {seed}', '',
  ].join('\n'));
  writeFileSync(join(dir, 'work.mjs'), `import { Tracker } from ${JSON.stringify(join(root, 'dist', 'index.js'))};
const [lr, seed] = process.argv.slice(2);
const t = await Tracker.open();
const run = await t.startRun({ experiment: 'bench' });
await run.logParams({ lr: lr ?? '0.1', seed: seed ?? '1', a: 1, b: 2, c: 3 });
for (let i = 0; i < 1000; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
await run.end();
await t.close();
`);
  writeFileSync(join(dir, '.gitignore'), 'store/\n');
  sh(dir, 'git', ['init', '--quiet']);
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '--quiet', '-m', 'bench']);
}

function wall(cwd: string, args: string[], store: string): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, TRACKLAB_STORE: store } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return ms;
}

const { dir, done } = scratch('tracklab-bench-project-');
try {
  makeProject(dir);
  const store = join(dir, 'store');
  const direct: number[] = [];
  const viaRun: number[] = [];
  const cli = join(root, 'dist', 'cli', 'main.js');
  wall(dir, ['work.mjs', '0.1', '1'], store);
  wall(dir, [cli, 'run'], store);
  for (let i = 0; i < pairs; i++) {
    direct.push(wall(dir, ['work.mjs', '0.1', '1'], store));
    viaRun.push(wall(dir, [cli, 'run'], store));
  }
  const empty: number[] = [];
  for (let i = 0; i < pairs; i++) empty.push(wall(dir, ['-e', ''], store));
  const added = median(viaRun) - median(direct);
  console.log('| measurement | median | target |');
  console.log('|---|---|---|');
  console.log(`| \`node work.mjs\` (logs one run) directly | ${fmt(median(direct), 0)} ms | baseline |`);
  console.log(`| \`tracklab run\` of the same command | ${fmt(median(viaRun), 0)} ms | - |`);
  console.log(`| **added by \`tracklab run\`** | **${fmt(added, 0)} ms** | < 300 ms |`);
  console.log(`| an empty \`node\` process, for scale | ${fmt(median(empty), 0)} ms | - |`);
  console.log(`\n${pairs} alternating pairs.`);
} finally {
  done();
}
