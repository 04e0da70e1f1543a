import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { decodeNumber } from '../../src/core/number-codec.js';
import { distCli, tempDir } from '../helpers.js';

function cli(store: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [distCli, '--store', store, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function seeded(): Promise<{ store: string; ids: string[] }> {
  const store = tempDir();
  const tracker = await Tracker.open({ store });
  const ids: string[] = [];
  for (const [name, acc, model] of [
    ['a', 0.95, 'rf'],
    ['b', 0.8, 'rf'],
    ['c', 0.99, 'knn'],
  ] as const) {
    const run = await tracker.startRun({ experiment: 'iris', name });
    await run.logParams({ model });
    run.logMetric('acc', acc);
    run.logMetric('odd', name === 'a' ? Number.NaN : 1);
    await run.end();
    ids.push(run.id);
  }
  await tracker.close();
  return { store, ids };
}

describe('tracklab CLI', () => {
  it('lists experiments as a table and as JSON', async () => {
    const { store } = await seeded();
    const table = cli(store, 'experiments', 'list');
    assert.equal(table.code, 0);
    assert.match(table.out, /^ID\s+NAME\s+RUNS/m);
    assert.match(table.out, /^1\s+iris\s+3\s/m);
    const json = JSON.parse(cli(store, 'experiments', 'list', '--json').out) as { name: string }[];
    assert.deepEqual(
      json.map((e) => e.name),
      ['Default', 'iris'],
    );
  });

  it('lists runs with filter, order and limit; --json prints getRun objects', async () => {
    const { store, ids } = await seeded();
    const r = cli(
      store,
      'runs',
      'list',
      '--experiment',
      'iris',
      '--filter',
      'metrics.acc > 0.9',
      '--order-by',
      'metrics.acc DESC',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const runs = JSON.parse(r.out) as { id: string; name: string; metrics: Record<string, unknown> }[];
    assert.deepEqual(
      runs.map((x) => x.name),
      ['c', 'a'],
    );
    const tracker = await Tracker.open({ store });
    const expected = JSON.parse(
      JSON.stringify(await tracker.getRun(ids[2] as string), (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
      ),
    ) as unknown;
    assert.deepEqual(runs[0], expected);
    assert.ok(Number.isNaN(decodeNumber(runs[1]?.metrics['odd'])), 'NaN printed as "NaN" and decodes back');
    const limited = cli(store, 'runs', 'list', '--max-results', '1');
    assert.equal(limited.out.trim().split('\n').length, 3, 'header, rule, one run');
    assert.match(limited.out, /RUN ID\s+NAME\s+EXPERIMENT\s+STATUS/);
  });

  it('shows, deletes and restores a run', async () => {
    const { store, ids } = await seeded();
    const id = ids[0] as string;
    assert.match(cli(store, 'runs', 'show', id).out, /run a \(.+\)\n {2}experiment: iris/);
    assert.equal((JSON.parse(cli(store, 'runs', 'show', id, '--json').out) as { name: string }).name, 'a');
    assert.equal(cli(store, 'runs', 'delete', id).code, 0);
    assert.doesNotMatch(cli(store, 'runs', 'list').out, new RegExp(id));
    assert.match(cli(store, 'runs', 'list', '--deleted').out, new RegExp(id));
    assert.equal(cli(store, 'runs', 'restore', id).code, 0);
    assert.match(cli(store, 'runs', 'list').out, new RegExp(id));
    assert.equal(cli(store, 'experiments', 'delete', 'iris').code, 0);
    assert.equal(cli(store, 'runs', 'list').out.trim(), 'no runs');
    assert.equal(cli(store, 'experiments', 'restore', 'iris').code, 0);
  });

  it('prints one clear line on bad input and exits with the status of its code, whichever layer catches it', async () => {
    const { store } = await seeded();
    const cases: [string[], RegExp, number][] = [
      [['runs', 'list', '--filter', 'metrics.acc >> 1'], /^tracklab: invalid filter "metrics.acc >> 1"/, 2],
      [['runs', 'show', '../../etc'], /^tracklab: run id "..\/..\/etc" is invalid/, 2],
      [['runs', 'show', 'abcdef'], /^tracklab: run "abcdef" does not exist/, 3],
      [
        ['runs', 'list', '--experiment', 'nope'],
        /^tracklab: experiment "nope" does not exist; known experiments: "Default", "iris"/,
        3,
      ],
      [['experiments', 'delete', 'Default'], /^tracklab: the Default experiment \(id 0\) cannot be deleted/, 2],
      [['runs', 'list', '--max-results', 'x'], /^tracklab: --max-results "x" is not a positive integer/, 2],
      [['runs', 'list', '--max-results', '0'], /^tracklab: --max-results "0" is not a positive integer/, 2],
      [['exec', 'nb.ipynb', '--timeout', 'soon'], /^tracklab: --timeout "soon" is not a positive number of seconds/, 2],
      [['models', 'alias', 'm', 'champion'], /^tracklab: give the VERSION alias "champion" should point to/, 2],
    ];
    for (const [args, re, code] of cases) {
      const r = cli(store, ...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.err}`);
      assert.doesNotMatch(r.err, /\n\s+at /);
    }
    const unknown = cli(store, 'runz');
    assert.equal(unknown.code, 2, 'a usage error commander catches exits like bad input caught deeper');
    assert.match(unknown.err, /unknown command 'runz'/);
    assert.equal(cli(store, 'runs', 'list', '--no-such-flag').code, 2);
  });
});
