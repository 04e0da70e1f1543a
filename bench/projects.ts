/**
 * `tracklab run` overhead: the same tracked script run directly (`node work.mjs`, which logs one run) and through
 * `tracklab run` (parameter check, lockfile check, git state and diff, the run recorded, the command through /bin/sh,
 * the run adopted and ended), in a small git project. Pairs alternate so a drifting machine moves both alike.
 * Usage: npm run bench -- projects    (BENCH_PAIRS=N, default 15)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, scratch } from './stats.js';

const root = join(import.meta.dirname, '..');
const pairs = Number(process.env['BENCH_PAIRS'] ?? 15);

function sh(cwd: string, cmd: string, args: string[]): void {
  const who = { GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...who } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** A git project whose one entry point logs a run of 5 params and 1,000 metric points. */
function makeProject(dir: string): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-project', version: '1.0.0', private: true }));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'bench-project',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'bench-project', version: '1.0.0' } },
    }),
  );
  writeFileSync(
    join(dir, 'MLproject'),
    [
      'name: bench',
      'node_env: package-lock.json',
      'entry_points:',
      '  main:',
      '    parameters: {lr: {type: float, default: 0.1}, seed: {type: int, default: 1}}',
      '    command: node work.mjs {lr} {seed}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'work.mjs'),
    `import { Tracker } from ${JSON.stringify(join(root, 'dist', 'index.js'))};
const [lr, seed] = process.argv.slice(2);
const t = await Tracker.open();
const run = await t.startRun({ experiment: 'bench' });
await run.logParams({ lr: lr ?? '0.1', seed: seed ?? '1', a: 1, b: 2, c: 3 });
for (let i = 0; i < 1000; i++) run.logMetric('loss', 1 / (i + 1), { step: i });
await run.end();
await t.close();
`,
  );
  writeFileSync(join(dir, '.gitignore'), 'store/\n');
  sh(dir, 'git', ['init', '--quiet']);
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '--quiet', '-m', 'bench']);
}

/** CPU ms (user + system) of the children this process has waited for, from /proc (Linux): cutime + cstime. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms (USER_HZ 100)
}

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall and CPU time of one command, its whole process tree (the run's command included). */
function measure(cwd: string, args: string[], store: string): Sample {
  const cpu = childrenCpuMs();
  const t = performance.now();
  const env = { ...process.env, TRACKLAB_STORE: store };
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return { wall: ms, cpu: childrenCpuMs() - cpu };
}

const row = (what: string, xs: Sample[], target = '-'): string =>
  `| ${what} | ${fmt(median(xs.map((x) => x.wall)), 0)} ms | ${fmt(median(xs.map((x) => x.cpu)), 0)} ms | ${target} |`;
const diff = (a: Sample[], b: Sample[]): Sample[] =>
  a.map((x, i) => ({ wall: x.wall - (b[i]?.wall ?? 0), cpu: x.cpu - (b[i]?.cpu ?? 0) }));

const { dir, done } = scratch('tracklab-bench-project-');
try {
  makeProject(dir);
  const store = join(dir, 'store');
  const cli = join(root, 'dist', 'cli', 'main.js');
  const direct: Sample[] = [];
  const viaRun: Sample[] = [];
  const empty: Sample[] = [];
  const version: Sample[] = [];
  measure(dir, ['work.mjs', '0.1', '1'], store);
  measure(dir, [cli, 'run'], store);
  for (let i = 0; i < pairs; i++) {
    direct.push(measure(dir, ['work.mjs', '0.1', '1'], store));
    viaRun.push(measure(dir, [cli, 'run'], store));
    // the CLI's own start-up, which every command pays: `tracklab --version` against a bare node
    empty.push(measure(dir, ['-e', ''], store));
    version.push(measure(dir, [cli, '--version'], store));
  }
  console.log('| measurement | wall (median) | CPU, user + sys (median) | target |');
  console.log('|---|---|---|---|');
  console.log(row('`node work.mjs` (logs one run of 1,000 points) directly', direct, 'baseline'));
  console.log(row('`tracklab run` of the same command', viaRun));
  console.log(row('**added by `tracklab run`** (pair by pair)', diff(viaRun, direct), '< 300 ms'));
  console.log(row("of which the CLI's start-up: `tracklab --version` minus an empty `node`", diff(version, empty)));
  console.log(row('an empty `node` process, for scale', empty));
  console.log(
    `\n${pairs} alternating pairs; CPU is the whole process tree's (from /proc/self/stat), ` +
      'which load moves far less than wall.',
  );
} finally {
  done();
}
