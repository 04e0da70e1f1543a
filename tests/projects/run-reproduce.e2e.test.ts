/**
 * `tracklab run` and `tracklab reproduce` end to end, through the built CLI, on real git repositories, a real
 * `npm ci` of a lockfile whose dependency is a local tarball, real scripts and a real notebook run through Jupyter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_TAGS, reproductionResult } from '../../src/core/reproduction.js';
import { Tracker } from '../../src/index.js';
import { buildReport } from '../../src/report/index.js';
import { distCli, tempDir } from '../helpers.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';
import { git, makeProject } from './project-fixture.js';

interface Cli {
  code: number | null;
  out: string;
  err: string;
}

function cli(cwd: string, store: string, ...args: string[]): Cli {
  const env = { ...process.env };
  delete env['TRACKLAB_RUN_ID'];
  const r = spawnSync(process.execPath, [distCli, '--store', store, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr + (r.error ? String(r.error) : '') };
}

/** `tracklab run` that must succeed; returns the run id it prints. */
function run(cwd: string, store: string, ...args: string[]): string {
  const r = cli(cwd, store, 'run', ...args);
  assert.equal(r.code, 0, r.err);
  const id = /run (\w+) FINISHED; re-create it with: npx tracklab reproduce \1/.exec(r.err)?.[1];
  assert.ok(id, r.err);
  return id;
}

async function withTracker<T>(store: string, fn: (t: Tracker) => Promise<T>): Promise<T> {
  const tracker = await Tracker.open({ store });
  try {
    return await fn(tracker);
  } finally {
    await tracker.close();
  }
}

describe('tracklab run and tracklab reproduce', () => {
  // made here, not in a hook, so that they live until the suite ends
  const project = makeProject();
  const store = tempDir('tracklab-store-');
  let noisyId = '';

  it('records the entry point, parameters, code version and environment in the run the script logs to', async () => {
    const id = run(project, store, 'train', '-P', 'trees=4', '-P', 'seed=11');
    const r = await withTracker(store, (t) => t.getRun(id));
    assert.equal(r.status, 'FINISHED');
    assert.equal(r.experimentName, 'iris-demo');
    assert.equal(r.name, 'forest');
    assert.deepEqual(r.params, { trees: '4', seed: '11', label: 'first try' });
    assert.equal(r.metrics['offset'], 7);
    assert.ok((r.metrics['accuracy'] ?? 0) > 0.8);
    assert.equal(r.tags['mlflow.source.git.commit'], git(project, 'rev-parse', 'HEAD'));
    assert.equal(r.tags['mlflow.source.git.branch'], 'main');
    assert.equal(r.tags['mlflow.source.git.repoURL'], 'https://github.com/acme/iris-demo.git');
    assert.equal(r.tags['tracklab.source.git.dirty'], 'false');
    assert.equal(r.tags[PROJECT_TAGS.diff], 'none');
    assert.equal(r.tags[PROJECT_TAGS.entry], 'train');
    assert.equal(r.tags[PROJECT_TAGS.command], `node train.mjs 4 11 'first try'`);
    assert.equal(r.tags[PROJECT_TAGS.seed], '11');
    assert.match(r.tags[PROJECT_TAGS.lockfileHash] ?? '', /^[0-9a-f]{64}$/);
    assert.match(r.tags[PROJECT_TAGS.tslabVersion] ?? '', /^\d+\.\d+\.\d+/);
    assert.match(r.tags[PROJECT_TAGS.os] ?? '', /^linux /);
    const all = await withTracker(store, (t) => t.searchRuns({ experiments: ['iris-demo'] }));
    assert.equal(all.runs.length, 1, 'the script adopted the run instead of starting its own');
    const shown = cli(project, store, 'runs', 'show', id);
    assert.match(shown.out, new RegExp(`reproduce: npx tracklab reproduce ${id}`));
  });

  it('names a wrong-typed parameter before anything starts', async () => {
    const r = cli(project, store, 'run', 'train', '-P', 'trees=lots');
    assert.equal(r.code, 2, r.err);
    const said = 'tracklab: parameter "trees" of entry point "train" is int, got "lots": give a whole number, e.g. 50';
    assert.equal(r.err.trim(), said);
    const unknown = cli(project, store, 'run', 'fit');
    assert.match(unknown.err, /has no entry point "fit"; its entry points: train, noisy, broken, notebook/);
    const runs = await withTracker(store, (t) => t.searchRuns({ experiments: ['iris-demo'] }));
    assert.equal(runs.runs.length, 1, 'no run was started');
  });

  it('re-creates a seeded random forest exactly, with a real npm ci, into another store', async () => {
    const id = run(project, store, 'train', '-P', 'trees=6');
    const into = tempDir('tracklab-into-');
    const r = cli(project, store, 'reproduce', id, '--into', into, '--fresh-env');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /installed with npm ci/);
    assert.match(r.out, /^reproduced: re-run (\w+) matched exactly$/m);
    const newId = /re-run (\w+)/.exec(r.out)?.[1] as string;
    const copy = await withTracker(into, (t) => t.getRun(newId));
    const original = await withTracker(store, (t) => t.getRun(id));
    assert.equal(copy.tags[PROJECT_TAGS.reproductionOf], id);
    assert.deepEqual(copy.metrics, original.metrics);
    assert.equal(reproductionResult(original.tags)?.status, 'matched');
    assert.equal(reproductionResult(copy.tags)?.reproducedRunId, newId);
    assert.equal(git(project, 'worktree', 'list').split('\n').length, 1, 'the temporary worktree is removed');
  });

  it("runs and reproduces in MLflow's own stores too: an mlruns folder and an mlflow.db", async (t) => {
    const stores = [`mlruns:${join(tempDir('tracklab-mlruns-'), 'mlruns')}`];
    if (SQLITE_SKIP === false) stores.push(`sqlite:///${join(tempDir('tracklab-db-'), 'mlflow.db')}`);
    else t.diagnostic(`mlflow.db not tried: ${SQLITE_SKIP}`);
    for (const where of stores) {
      const id = run(project, where, 'train', '-P', 'trees=4');
      const r = cli(project, where, 'reproduce', id);
      assert.equal(r.code, 0, `${where}: ${r.err}`);
      assert.match(r.out, /^reproduced: re-run (\w+) matched exactly$/m, where);
      const original = await withTracker(where, (tr) => tr.getRun(id));
      assert.equal(reproductionResult(original.tags)?.status, 'matched', where);
    }
  });

  it('reports the differences of a nondeterministic run and exits non-zero', async () => {
    const id = run(project, store, 'noisy');
    const r = cli(project, store, 'reproduce', id);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /reusing its node_modules/);
    assert.match(r.out, /^KIND\s+KEY\s+ORIGINAL\s+REPRODUCED\s+DIFFERENCE$/m);
    assert.match(r.out, /^metric\s+score\s+0\.\d+\s+0\.\d+\s+\S+$/m);
    assert.doesNotMatch(r.out, /fixed/);
    assert.match(r.out, /^not reproduced: re-run \w+ differed: metric score by /m);
    const original = await withTracker(store, (t) => t.getRun(id));
    assert.deepEqual(
      reproductionResult(original.tags)?.differences.map((d) => d.key),
      ['score'],
    );
    noisyId = id;
  });

  it('shows the reproduce command, the code version and the reproduction result on the run page', async () => {
    const out = join(tempDir('tracklab-site-'), 'site');
    await buildReport({ store, out });
    const page = readFileSync(join(out, 'runs', `${noisyId}.html`), 'utf8');
    assert.match(page, new RegExp(`<code class="reproduce-command">npx tracklab reproduce ${noisyId}</code>`));
    const commit = git(project, 'rev-parse', 'HEAD');
    assert.match(page, new RegExp(`<a href="https://github.com/acme/iris-demo/commit/${commit}"`));
    assert.match(page, /<span class="badge status-FAILED">differed<\/span> \(exact\) · re-run <a href="\w+\.html">/);
    assert.match(page, /<th scope="row">score<\/th><td class="value">0\.\d+<\/td>/);
    const loose = cli(project, store, 'reproduce', noisyId, '--rtol', '1e9');
    assert.equal(loose.code, 0, loose.out);
    await buildReport({ store, out });
    const after = readFileSync(join(out, 'runs', `${noisyId}.html`), 'utf8');
    assert.match(after, /<span class="badge status-FINISHED">matched<\/span> \(within rtol 1000000000\)/);
  });

  it("records a dirty tree's changes, untracked files too, and applies them when reproducing", async () => {
    const train = join(project, 'train.mjs');
    const committed = readFileSync(train, 'utf8');
    writeFileSync(train, committed.replace('const SCALE = 1;', 'const SCALE = 2;\nconst API_TOKEN = "s3cr3t-value";'));
    writeFileSync(join(project, 'notes.txt'), 'an untracked file\n');
    let id: string;
    try {
      id = run(project, store, 'train');
    } finally {
      writeFileSync(train, committed);
    }
    const r = await withTracker(store, (t) => t.getRun(id));
    assert.equal(r.metrics['scale'], 2);
    assert.equal(r.tags['tracklab.source.git.dirty'], 'true');
    assert.equal(r.tags[PROJECT_TAGS.diff], 'redacted');
    const patch = (await withTracker(store, (t) => t.readArtifact(id, 'code/diff.patch'))).toString('utf8');
    assert.match(patch, /\+const SCALE = 2;/);
    assert.match(patch, /\+an untracked file/);
    assert.doesNotMatch(patch, /s3cr3t-value/);
    const again = cli(project, store, 'reproduce', id);
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(again.err, /secrets redacted/);
    git(project, 'clean', '-fdq');
  });

  it("passes a failing command's exit status on, marks the run FAILED and its re-run failed", async () => {
    const r = cli(project, store, 'run', 'broken');
    assert.equal(r.code, 3);
    const id = /run (\w+) FAILED; re-create it with/.exec(r.err)?.[1] as string;
    assert.equal((await withTracker(store, (t) => t.getRun(id))).status, 'FAILED');
    const again = cli(project, store, 'reproduce', id);
    assert.equal(again.code, 1);
    assert.match(again.out, /^not reproduced: re-run \w+ failed: the re-run ended FAILED$/m);
  });

  it('gives one line for a missing commit, a run without a commit and one without an entry point', async () => {
    const id = run(project, store, 'train');
    const other = tempDir('tracklab-other-repo-');
    git(other, 'init', '--quiet');
    const gone = cli(other, store, 'reproduce', id);
    assert.equal(gone.code, 3);
    assert.match(gone.err.trim(), /^tracklab: commit [0-9a-f]{40} is not in the git repository .*; /);
    assert.match(gone.err.trim(), /; fetch it \(git fetch --all\) or run from a clone that has it$/);
    const plain = await withTracker(store, async (t) => {
      const noGit = await Tracker.open({ store, cwd: tempDir('tracklab-no-git-') });
      const a = await noGit.startRun();
      await a.end();
      await noGit.close();
      const b = await t.startRun();
      await b.end();
      return [a.id, b.id] as const;
    });
    const noCommit = cli(project, store, 'reproduce', plain[0]);
    assert.equal(noCommit.code, 5);
    assert.match(noCommit.err.trim(), /^tracklab: run \w+ cannot be reproduced: no git commit was recorded/);
    const noEntry = cli(project, store, 'reproduce', plain[1]);
    assert.match(noEntry.err.trim(), /^tracklab: run \w+ cannot be reproduced: no entry point was recorded/);
  });

  it('runs a notebook entry point through tracklab exec with its parameters, and reproduces it', async () => {
    const id = run(project, store, 'notebook', '-P', 'lr=0.25');
    const r = await withTracker(store, (t) => t.getRun(id));
    assert.deepEqual(r.params, { lr: '0.25' });
    assert.equal(r.metrics['loss'], 0.5);
    assert.equal(r.tags[PROJECT_TAGS.command], 'npx tracklab exec train.ipynb -p lr=0.25');
    assert.ok((await withTracker(store, (t) => t.listArtifacts(id))).some((a) => a.path === 'train.ipynb'));
    assert.equal(existsSync(join(project, 'train.executed.ipynb')), false, 'the project tree stays clean');
    const again = cli(project, store, 'reproduce', id);
    assert.equal(again.code, 0, again.out + again.err);
  });
});
