/** The rewrite run through tslab's real type checker and executor, against a real temp store (no Jupyter). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Tracker } from '../../src/tracker.js';
import { closeExecutor, kernelExecutor, newRuntime, recorder, tempDir } from './helpers.js';

after(closeExecutor);

async function setup() {
  const store = tempDir();
  const display = recorder();
  const runtime = await newRuntime(store, display);
  const k = kernelExecutor(runtime);
  const open = () => Tracker.open({ store });
  return { store, display, runtime, k, open };
}

describe('magics in tslab', () => {
  it('log inside loops, if blocks and plain functions; params flush at the end of the cell', async () => {
    const { k, open } = await setup();
    let r = await k.execute('%experiment loops\n%start_run looped --tag kind=`t-${1 + 1}`');
    assert.equal(r.ok, true, r.stderr);
    r = await k.execute(
      [
        'let total1 = 0',
        '%log_param lr=0.5 layers=[1, 2]',
        'function record1(v: number, i: number) {',
        '  if (v > 0)',
        '    %log_metric v=v --step i',
        '}',
        'for (let i = 0; i < 5; i++) {',
        '  total1 += i',
        '  record1(i, i)',
        '  %log_metric total=total1 sq=i*i --step i',
        '}',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['loops'] })).runs;
    assert.equal(run?.params.lr, '0.5');
    assert.equal(run?.tags.kind, 't-2');
    assert.equal(run?.tags['mlflow.source.type'], 'NOTEBOOK');
    assert.deepEqual(
      (await tracker.getMetricHistory(run.id, 'v')).map((p) => p.step),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      (await tracker.getMetricHistory(run.id, 'total')).map((p) => p.value),
      [0, 1, 3, 6, 10],
    );
    assert.equal((await tracker.getMetricHistory(run.id, 'sq')).at(-1)?.value, 16);
    await tracker.close();
    r = await k.execute('%end_run');
    assert.equal(r.ok, true, r.stderr);
    const t2 = await open();
    assert.equal((await t2.getRun(run.id)).status, 'FINISHED');
    await t2.close();
  });

  it('logs a model, registers it with a stage and an alias, and builds the report', async () => {
    const { k, display, open } = await setup();
    let r = await k.execute(
      '%experiment reg\n%start_run with-model\nconst model9 = { w: 2, b: 1 }\n%log_model model9 --flavor json\n%log_metric acc=0.9\n%end_run',
    );
    assert.equal(r.ok, true, r.stderr);
    r = await k.execute('%register_model iris-json --best "metrics.acc DESC" --stage Production --alias champion');
    assert.equal(r.ok, true, r.stderr);
    assert.ok(
      display.text_.some((t) =>
        /^registered iris-json version 1 from run with-model .*stage Production, alias @champion$/.test(t),
      ),
      display.text_.join('\n'),
    );
    const tracker = await open();
    const m = await tracker.getRegisteredModel('iris-json');
    assert.deepEqual([m.versions[0]?.stage, m.aliases], ['Production', { champion: 1 }]);
    assert.deepEqual(await tracker.loadModel('models:/iris-json@champion'), { w: 2, b: 1 });
    await tracker.close();
    const site = tempDir();
    r = await k.execute(`%report --out ${JSON.stringify(`${site}/site`)}`);
    assert.equal(r.ok, true, r.stderr);
    assert.match(
      display.html_.at(-1) ?? '',
      /^<p>report: \d+ pages, 1 runs, .*open the report<\/a> · <a [^>]*>view run with-model<\/a><\/p>$/,
    );
  });

  it("keeps the user's line numbers in type errors", async () => {
    const { k } = await setup();
    const r = await k.execute('%lsmagic\n\n%log_metric a=1\nconst wrong2: string = 5;');
    assert.equal(r.ok, false);
    assert.match(r.stderr, /^4:7 - Type 'number' is not assignable to type 'string'/m);
  });

  it('a bad key or value throws at its line, as one line', async () => {
    const { k } = await setup();
    await k.execute('%start_run bad-values');
    let r = await k.execute('const s3 = "x"\n%log_metric m=(s3 as any)');
    assert.equal(r.ok, false);
    assert.match(r.stderr, /^tracklab: line 2: .*metric.*"m"/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    r = await k.execute('\n%log_metric "bad..key/../x"=1');
    assert.match(r.stderr, /tracklab: line 2: /);
    r = await k.execute('%log_param p=1\n%log_param p=2');
    assert.match(r.stderr, /tracklab: line 2: changing param values is not allowed/);
    await k.execute('%end_run');
  });

  it('a misspelt magic fails the cell before anything runs', async () => {
    const { k } = await setup();
    const r = await k.execute('let ran4 = 1\n%lg_param a=1');
    assert.equal(r.ok, false);
    assert.equal(
      r.stderr,
      'tracklab: line 2: unknown magic %lg_param; did you mean %log_param? (%lsmagic lists them all)\n',
    );
    assert.match((await k.execute('typeof ran4')).stderr, /Cannot find name 'ran4'/);
  });

  it('%start_run while a run is active needs --nested; nested runs record their parent', async () => {
    const { k, open } = await setup();
    await k.execute('%experiment nest\n%start_run parent');
    const r = await k.execute('%start_run child');
    assert.equal(r.ok, false);
    assert.match(
      r.stderr,
      /tracklab: line 1: a run is already active \(parent, \w+\); end it with %end_run, or pass --nested/,
    );
    assert.equal((await k.execute('%start_run child --nested\n%log_metric c=1\n%end_run\n%end_run')).ok, true);
    const tracker = await open();
    const runs = (await tracker.searchRuns({ experiments: ['nest'] })).runs;
    const parent = runs.find((x) => x.name === 'parent');
    assert.equal(runs.find((x) => x.name === 'child')?.parentRunId, parent?.id);
    await tracker.close();
  });

  it('logging without an active run says how to start one', async () => {
    const { k } = await setup();
    const r = await k.execute('%log_metric a=1');
    assert.match(
      r.stderr,
      /tracklab: line 1: %log_metric: no active run; start one with %start_run or make the cell a run with %%track/,
    );
  });

  it('%%track ends the run FINISHED, or FAILED with the error and the source saved', async () => {
    const { k, open } = await setup();
    await k.execute('%experiment tracked');
    assert.equal((await k.execute('%%track good\n%log_metric x=1')).ok, true);
    const src = '%%track bad\n%log_metric x=2\nthrow new Error("exploded here")';
    const r = await k.execute(src);
    assert.equal(r.ok, false);
    const tracker = await open();
    const runs = (await tracker.searchRuns({ experiments: ['tracked'] })).runs;
    const good = runs.find((x) => x.name === 'good')!;
    const bad = runs.find((x) => x.name === 'bad')!;
    assert.equal(good.status, 'FINISHED');
    assert.equal(bad.status, 'FAILED');
    assert.equal(bad.metrics.x, 2);
    assert.match(bad.tags['tracklab.error'] ?? '', /exploded here/);
    assert.equal((await tracker.readArtifact(bad.id, 'notebook-cell.ts')).toString(), src);
    assert.match((await tracker.readArtifact(bad.id, 'error.txt')).toString(), /exploded here/);
    await tracker.close();
  });

  it('ends runs left RUNNING as KILLED at shutdown', async () => {
    const { k, runtime, open } = await setup();
    await k.execute('%experiment shut\n%start_run left-open\n%log_metric a=1');
    await runtime.shutdown();
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['shut'] })).runs;
    assert.equal(run?.status, 'KILLED');
    assert.equal(run?.metrics.a, 1);
    await tracker.close();
  });

  it('escapes user values in displays and renders compare charts as SVG', async () => {
    const { k, display } = await setup();
    await k.execute('%experiment "<b>exp</b>"');
    await k.execute(
      '%start_run "<img src=x onerror=alert(1)>"\n%set_tag t="</script><script>alert(1)</script>"\n%log_metric m=1 --step 0\n%log_metric m=2 --step 1\n%end_run',
    );
    await k.execute('%start_run other\n%log_metric m=3\n%end_run');
    const r = await k.execute('%runs\n%compare "<img src=x onerror=alert(1)>" other');
    assert.equal(r.ok, true, r.stderr);
    const all = display.html_.join('\n');
    assert.doesNotMatch(all, /<img|<script|<b>exp/);
    assert.match(all, /&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;/);
    assert.equal(display.svg_.length, 1);
    assert.match(display.svg_[0]!, /^<svg/);
    assert.doesNotMatch(display.svg_[0]!, /<img/);
  });

  it('completion and inspection ignore magic lines', async () => {
    const { k } = await setup();
    await k.execute('const word5 = "abc";');
    const src = '%log_metric a=1\nword5.toUpperC';
    const info = k.executor.complete(src, src.length) as { candidates: string[] };
    assert.ok(info.candidates.includes('toUpperCase'));
  });
});
