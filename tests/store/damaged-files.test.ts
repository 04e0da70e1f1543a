/** Damage that is never trusted or "repaired" by rewriting: each is CORRUPT_STORE naming the file, or IO_ERROR. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { JsonRegistry } from '../../src/store/json/json-registry.js';
import { repoRoot, tempDir } from '../helpers.js';

const corruptNaming =
  (file: string, re: RegExp) =>
  (e: Error & { code?: string }): boolean =>
    e.code === 'CORRUPT_STORE' && e.message.includes(file) && re.test(e.message);

async function storeWithRun(): Promise<{ store: string; tracker: Tracker; runId: string }> {
  const store = tempDir();
  const tracker = await Tracker.open({ store });
  const run = await tracker.startRun({ experiment: 'e' });
  await run.logParam('p', 1);
  for (let i = 0; i < 10; i++) run.logMetric('m', i, { step: i });
  await run.end();
  return { store, tracker, runId: run.id };
}

describe('damaged stores', () => {
  it('a missing experiments.json is not recreated while runs exist', async () => {
    const { store } = await storeWithRun();
    const file = join(store, 'experiments.json');
    rmSync(file);
    await assert.rejects(Tracker.open({ store }), corruptNaming(file, /is missing but the store has runs/));
    assert.equal(existsSync(file), false);
  });

  it('a nextId not above every id, a duplicate id or name is refused, and the file is left as it is', async () => {
    const { store, tracker } = await storeWithRun();
    const file = join(store, 'experiments.json');
    const good = JSON.parse(readFileSync(file, 'utf8')) as {
      nextId: number;
      experiments: { id: string; name: string }[];
      checksum?: string;
    };
    delete good.checksum; // as an older tracklab or a person wrote it: the checks below still apply
    const cases: [unknown, RegExp][] = [
      [{ ...good, nextId: 1 }, /has nextId 1, not above experiment id 1/],
      [
        { ...good, experiments: [...good.experiments, { ...good.experiments[1], name: 'other' }] },
        /holds experiment id "1" twice/,
      ],
      [
        { ...good, nextId: 9, experiments: [...good.experiments, { ...good.experiments[1], id: '5' }] },
        /holds experiment name "e" twice/,
      ],
    ];
    for (const [doc, re] of cases) {
      const text = JSON.stringify(doc);
      writeFileSync(file, text);
      await assert.rejects(tracker.createExperiment('new'), corruptNaming(file, re));
      await assert.rejects(tracker.listExperiments(), corruptNaming(file, re));
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });

  it('a sealed document changed so that it still parses is refused; re-indenting or unsealing it is not', async () => {
    const { store, tracker } = await storeWithRun();
    const file = join(store, 'experiments.json');
    const original = readFileSync(file, 'utf8');
    assert.match(original, /\n {2}"checksum": "sha256:[0-9a-f]{64}"\n\}\n$/);
    for (const damaged of [
      original.replace('"nextId": 2', '"nextId": 3'),
      original.replace('"name": "e"', '"name": "f"'),
      original.replace(/"creationTime": (\d)/, (_m, d: string) => `"creationTime": ${(Number(d) + 1) % 10}`),
    ]) {
      assert.notEqual(damaged, original);
      writeFileSync(file, damaged);
      await assert.rejects(tracker.listExperiments(), corruptNaming(file, /does not match its checksum/));
      await assert.rejects(tracker.createExperiment('new'), corruptNaming(file, /does not match its checksum/));
      assert.equal(readFileSync(file, 'utf8'), damaged);
    }
    const parsed = JSON.parse(original) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(parsed, null, 4));
    assert.deepEqual(
      (await tracker.listExperiments()).map((e) => e.name),
      ['Default', 'e'],
    );
    delete parsed['checksum'];
    writeFileSync(file, JSON.stringify({ ...parsed, nextId: 7 }));
    assert.equal((await tracker.createExperiment('new')).id, '7');
    assert.match(readFileSync(file, 'utf8'), /"checksum": "sha256:/);
  });

  it('a model whose nextVersion is behind its versions is refused, not renumbered', async () => {
    const { store, runId } = await storeWithRun();
    const registry = new JsonRegistry(store);
    const version = { source: 's', runId, path: 'p', description: '', tags: {}, user: 'u' };
    await registry.createModelVersion('m', version);
    await registry.createModelVersion('m', version);
    const file = join(store, 'registry', 'models', 'm.json');
    const sealed = readFileSync(file, 'utf8').replace('"nextVersion": 3', '"nextVersion": 2');
    writeFileSync(file, sealed);
    await assert.rejects(registry.createModelVersion('m', version), corruptNaming(file, /does not match its checksum/));
    assert.equal(readFileSync(file, 'utf8'), sealed);
    // without its checksum (an older tracklab, or a deliberate edit), the counter is still checked
    const text = sealed.replace(/,\n {2}"checksum": "sha256:[0-9a-f]{64}"/, '');
    assert.notEqual(text, sealed);
    writeFileSync(file, text);
    await assert.rejects(
      registry.createModelVersion('m', version),
      corruptNaming(file, /nextVersion 2, not above version 2/),
    );
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('a damaged middle line or a lost line of a metric series is reported, a torn last line skipped', async () => {
    const { store, tracker, runId } = await storeWithRun();
    const file = join(store, 'runs', runId, 'metrics.jsonl');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    writeFileSync(file, `${text}{"key":"m","val`);
    assert.equal((await tracker.getMetricHistory(runId, 'm')).length, 10);
    writeFileSync(file, [...lines.slice(0, 3), '{"key":"m","valu', ...lines.slice(3)].join('\n'));
    await assert.rejects(tracker.getMetricHistory(runId, 'm'), corruptNaming(file, /unreadable metric at line 4/));
    writeFileSync(file, [...lines.slice(0, 3), 'null', ...lines.slice(3)].join('\n'));
    await assert.rejects(tracker.getMetricHistory(runId, 'm'), corruptNaming(file, /unreadable metric at line 4/));
    writeFileSync(file, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
    await assert.rejects(
      tracker.getMetricHistory(runId, 'm'),
      corruptNaming(file, /has 9 points of metric "m", but .* counts 10/),
    );
  });

  it('a run folder copied under another name is reported, not listed twice', async () => {
    const { store, tracker, runId } = await storeWithRun();
    const copy = join(store, 'runs', 'f'.repeat(32));
    cpSync(join(store, 'runs', runId), copy, { recursive: true });
    await assert.rejects(
      tracker.searchRuns(),
      corruptNaming(join(copy, 'run.jsonl'), new RegExp(`holds run ${runId}, but its folder is named f+`)),
    );
  });

  it(
    'a run folder the user may not read is reported by search, not dropped',
    { skip: process.getuid?.() !== 0 ? 'needs root to run a reader as another user' : false },
    async () => {
      const { store, runId } = await storeWithRun();
      const other = await (await Tracker.open({ store })).startRun({ experiment: 'e' });
      await other.end();
      spawnSync('chmod', ['-R', 'a+rX', store]);
      chmodSync(join(store, 'runs', runId), 0o700);
      const script = `import('${join(repoRoot, 'dist', 'index.js')}').then(async ({ Tracker }) => {
      const t = await Tracker.open({ store: ${JSON.stringify(store)} });
      await t.searchRuns().then(() => console.log('listed'), (e) => console.log(e.code, e.message));
    })`;
      const out = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
      assert.match(out.stdout, /IO_ERROR .*could not read run log .*run\.jsonl: permission denied/, out.stderr);
    },
  );
});
