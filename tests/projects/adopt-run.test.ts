/** TRACKLAB_RUN_ID: a process started by `tracklab run` continues the run it was given; and what plain runs record. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_TAGS, RUN_ID_ENV } from '../../src/core/reproduction.js';
import { fileSha256 } from '../../src/core/source-info.js';
import { Tracker } from '../../src/index.js';
import { repoRoot, tempDir } from '../helpers.js';

/** Runs a script that starts two runs, with TRACKLAB_RUN_ID set to `id`. */
function child(store: string, id: string): { code: number | null; err: string } {
  const dir = tempDir();
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `import { Tracker } from ${JSON.stringify(join(repoRoot, 'dist', 'index.js'))};
const t = await Tracker.open({ store: ${JSON.stringify(store)} });
const a = await t.startRun({ experiment: 'elsewhere', name: 'renamed', tags: { from: 'child' } });
a.logMetric('m', 1);
await a.end();
const b = await t.startRun({ experiment: 'elsewhere', name: 'second' });
await b.end();
console.log(JSON.stringify([a.id, a.experimentName, b.id, b.experimentName]));
await t.close();
`,
  );
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, [RUN_ID_ENV]: id } });
  return { code: r.status, err: r.stderr + r.stdout };
}

describe('TRACKLAB_RUN_ID', () => {
  it('the first run a process starts adopts the run; later ones are new runs', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const parent = await tracker.startRun({ experiment: 'project', name: 'given' });
    await parent.logParams({ trees: 5 });
    await parent.flush();
    const r = child(store, parent.id);
    assert.equal(r.code, 0, r.err);
    const [aId, aExp, bId, bExp] = JSON.parse(r.err) as string[];
    assert.equal(aId, parent.id);
    assert.equal(aExp, 'project', 'the adopted run keeps its experiment');
    assert.notEqual(bId, parent.id);
    assert.equal(bExp, 'elsewhere');
    await parent.end();
    const adopted = await tracker.getRun(parent.id);
    assert.equal(adopted.name, 'renamed');
    assert.equal(adopted.tags['from'], 'child');
    assert.equal(adopted.tags['mlflow.runName'], 'renamed');
    assert.deepEqual(adopted.params, { trees: '5' });
    assert.equal(adopted.metrics['m'], 1);
    await tracker.close();
  });

  it('refuses a run that has ended, naming the variable', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun();
    await run.end();
    await tracker.close();
    const r = child(store, run.id);
    assert.notEqual(r.code, 0);
    const said = `TRACKLAB_RUN_ID names run ${run.id}, which is FINISHED; unset TRACKLAB_RUN_ID to start a new run`;
    assert.ok(r.err.includes(said), r.err);
  });

  it('runs started without tracklab run record the lockfile hash, tslab, Node and OS versions', async () => {
    const tracker = await Tracker.open({ store: tempDir(), cwd: repoRoot });
    const run = await tracker.startRun();
    await run.end();
    const tags = (await tracker.getRun(run.id)).tags;
    assert.equal(tags[PROJECT_TAGS.lockfileHash], fileSha256(join(repoRoot, 'package-lock.json')));
    assert.match(tags[PROJECT_TAGS.tslabVersion] ?? '', /^1\./);
    assert.equal(tags['tracklab.node.version'], process.version);
    assert.match(tags[PROJECT_TAGS.os] ?? '', /\S+ \S+ \S+/);
    await tracker.close();
  });
});
