/** How runs behave across cells, async functions and experiments, through tslab's real executor and a temp store. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { activeRun } from '../../src/notebook-handle.js';
import { Tracker } from '../../src/tracker.js';
import { toPlainText } from '../../src/kernel/html.js';
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

/** Everything the cell writes to stdout (where tslab prints a cell's last value). */
async function stdoutOf(f: () => Promise<unknown>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  // the test runner's own reports to its parent are binary; what a cell prints is text
  process.stdout.write = (chunk: string | Uint8Array) => {
    if (typeof chunk === 'string') out += chunk;
    else write(chunk);
    return true;
  };
  try {
    await f();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('runs in notebook cells', () => {
  it('a cell ending in %start_run shows the start line only, not the run object', async () => {
    const { k, display } = await setup();
    const out = await stdoutOf(async () =>
      assert.equal((await k.execute('%experiment quiet\n%start_run baseline')).ok, true),
    );
    assert.equal(out, '');
    assert.match(display.text_.at(-1) ?? '', /^started run baseline \([0-9a-f]{8}\) in experiment quiet$/);
    assert.equal(await stdoutOf(() => k.execute('%end_run')), '');
  });

  it('runs started in concurrent async functions keep their own params and metrics', async () => {
    const { k, open } = await setup();
    const r = await k.execute(
      [
        '%experiment concurrent',
        'async function trainOne3(lr: number) {',
        '  %start_run `lr-${lr}`',
        '  %log_param lr=lr',
        '  for (let e = 0; e < 4; e++) {',
        '    await new Promise((res) => setTimeout(res, lr < 0.25 ? 3 : 5))',
        '    %log_metric loss=lr*10+e',
        '  }',
        '  %end_run',
        '}',
        'await Promise.all([trainOne3(0.2), trainOne3(0.3)])',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    const tracker = await open();
    const runs = (await tracker.searchRuns({ experiments: ['concurrent'] })).runs;
    assert.equal(runs.length, 2);
    for (const lr of [0.2, 0.3]) {
      const run = runs.find((x) => x.name === `lr-${lr}`)!;
      assert.deepEqual(run.params, { lr: String(lr) });
      assert.equal(run.status, 'FINISHED');
      const loss = await tracker.getMetricHistory(run.id, 'loss');
      assert.deepEqual(
        loss.map((p) => [p.step, p.value]),
        [0, 1, 2, 3].map((e) => [e, lr * 10 + e]),
      );
    }
    await tracker.close();
  });

  it('concurrent children nest under the run an earlier cell left open', async () => {
    const { k, open } = await setup();
    assert.equal((await k.execute('%experiment sweep5\n%start_run parent5')).ok, true);
    const r = await k.execute(
      [
        'async function child5(i: number) {',
        '  %start_run `c-${i}` --nested',
        '  await new Promise((res) => setTimeout(res, 4 - i))',
        '  %log_metric i=i',
        '  %end_run --quiet',
        '}',
        'await Promise.all([child5(1), child5(2), child5(3)])',
        '%log_metric done=1',
        '%end_run',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    const tracker = await open();
    const runs = (await tracker.searchRuns({ experiments: ['sweep5'] })).runs;
    const parent = runs.find((x) => x.name === 'parent5')!;
    assert.deepEqual(parent.metrics, { done: 1 });
    for (const i of [1, 2, 3]) {
      const c = runs.find((x) => x.name === `c-${i}`)!;
      assert.equal(c.parentRunId, parent.id);
      assert.deepEqual(c.metrics, { i });
    }
    await tracker.close();
  });

  it('without --step, each key counts its own steps; an explicit step moves the count on', async () => {
    const { k, open } = await setup();
    const r = await k.execute(
      [
        '%experiment steps',
        '%start_run counted',
        'for (let i = 0; i < 4; i++) {',
        '  %log_metric loss=1/(i+1)',
        '  if (i % 2 === 0)',
        '    %log_metric acc=i',
        '}',
        '%log_metric loss=0.1 --step 10',
        '%log_metric loss=0.05',
        '%end_run',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['steps'] })).runs;
    assert.deepEqual(
      (await tracker.getMetricHistory(run!.id, 'loss')).map((p) => p.step),
      [0, 1, 2, 3, 10, 11],
    );
    assert.deepEqual(
      (await tracker.getMetricHistory(run!.id, 'acc')).map((p) => p.step),
      [0, 1],
    );
    await tracker.close();
  });

  it("%%track --experiment holds for its cell only; a nested run stays in its parent's experiment", async () => {
    const { k, open } = await setup();
    await k.execute('%experiment main6');
    assert.equal((await k.execute('%%track tracked6 --experiment side6\n%log_metric a=1')).ok, true);
    assert.equal((await k.execute('%start_run later6\n%end_run')).ok, true);
    await k.execute('%start_run parent6');
    const bad = await k.execute('%start_run child6 --nested --experiment side6');
    assert.equal(bad.ok, false);
    assert.match(bad.stderr, /line 1: a nested run goes in its parent's experiment "main6", not "side6"/);
    await k.execute('%experiment side6');
    assert.equal((await k.execute('%start_run child6 --nested\n%end_run\n%end_run')).ok, true);
    const tracker = await open();
    const names = async (e: string) => (await tracker.searchRuns({ experiments: [e] })).runs.map((r) => r.name).sort();
    assert.deepEqual(await names('side6'), ['tracked6']);
    assert.deepEqual(await names('main6'), ['child6', 'later6', 'parent6']);
    await tracker.close();
  });

  it('%compare and %register_model take the short ids displays show; a name shared by runs is refused', async () => {
    const { k, display, open } = await setup();
    await k.execute('%experiment ids7');
    for (const [name, v] of [
      ['dup', 1],
      ['dup', 2],
      ['solo', 3],
    ] as const) {
      await k.execute(
        `%start_run ${name}\n%log_metric m=${v}\nconst model7${v} = { v: ${v} }\n%log_model model7${v} --flavor json\n%end_run`,
      );
    }
    const tracker = await open();
    const runs = (await tracker.searchRuns({ experiments: ['ids7'] })).runs;
    const [a, b] = runs.filter((r) => r.name === 'dup').map((r) => r.id.slice(0, 8));
    let r = await k.execute(`%compare ${a} ${b}`);
    assert.equal(r.ok, true, r.stderr);
    assert.equal(display.svg_.length, 1);
    r = await k.execute('%compare dup solo');
    assert.equal(r.ok, false);
    assert.match(
      r.stderr,
      /tracklab: line 1: "dup" matches 2 runs: dup [0-9a-f]{8} \(.*\), dup [0-9a-f]{8} .*give the run id/,
    );
    r = await k.execute(`%register_model m7 --run ${a}`);
    assert.equal(r.ok, true, r.stderr);
    assert.equal((await tracker.getRegisteredModel('m7')).versions[0]?.runId.slice(0, 8), a);
    await tracker.close();
  });

  it('%log_params and %log_metrics take an object expression, computed keys included', async () => {
    const { k, open } = await setup();
    const r = await k.execute(
      [
        '%experiment dicts',
        '%start_run d',
        'const cfg8 = { lr: 0.1, layers: [2, 3], model: "mlp" }',
        '%log_params cfg8',
        'for (let e = 0; e < 2; e++) {',
        '  const loss = 1 - e / 10, acc = e / 2',
        '  %log_metrics {loss, acc, [`acc_${e}`]: acc} --step e',
        '}',
      ].join('\n'),
    );
    assert.equal(r.ok, true, r.stderr);
    const bad = await k.execute('%log_params 5');
    assert.match(
      bad.stderr,
      /tracklab: line 1: %log_params: expected an object such as \{loss, acc\} or a config object, got number/,
    );
    await k.execute('%end_run');
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['dicts'] })).runs;
    assert.deepEqual(run!.params, { lr: '0.1', layers: '[2,3]', model: 'mlp' });
    assert.deepEqual(run!.metrics, { loss: 0.9, acc: 0.5, acc_0: 0, acc_1: 0.5 });
    assert.deepEqual(
      (await tracker.getMetricHistory(run!.id, 'loss')).map((p) => p.step),
      [0, 1],
    );
    await tracker.close();
  });

  it('activeRun() is the run the magics log to', async () => {
    const { k, open } = await setup();
    await k.execute('%experiment handle\n%start_run h1');
    await activeRun().setNote('from the handle');
    await k.execute('%end_run');
    assert.throws(() => activeRun(), /no active run; start one with %start_run/);
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['handle'] })).runs;
    assert.equal(run?.tags['mlflow.note.content'], 'from the handle');
    await tracker.close();
  });

  it('%store names the store, the experiment and the active run', async () => {
    const { k, display, store } = await setup();
    await k.execute('%experiment where\n%start_run here\n%store\n%end_run');
    const text = display.text_.find((t) => t.startsWith('store: '));
    assert.match(
      text ?? '',
      new RegExp(`^store: file://${store}.*\\nexperiment: where\\nactive run: here \\([0-9a-f]{8}\\)$`),
    );
  });

  it("a parent's %end_run summarises its children, best first; %runs counts them in the parent's row", async () => {
    const { k, display } = await setup();
    const sweep = [
      '%experiment sweep-summary\n%start_run grid',
      'for (const lr of [0.3, 0.1, 0.2]) {',
      '  %start_run `lr-${lr}` --nested',
      '  %log_param lr=lr seed=1',
      '  %log_metric loss=lr*2',
      '  %end_run --quiet',
      '}',
      '%end_run',
    ].join('\n');
    const r = await k.execute(sweep);
    assert.equal(r.ok, true, r.stderr);
    assert.deepEqual(
      display.text_.filter((t) => t.startsWith('ended run')).map((t) => t.replace(/\([0-9a-f]{8}\)/, '(id)')),
      ['ended run lr-0.3 (id) FINISHED', 'ended run lr-0.1 (id) FINISHED', 'ended run lr-0.2 (id) FINISHED'],
    );
    assert.equal(display.html_.length, 1, 'one summary for the whole sweep');
    const summary = toPlainText(display.html_[0]!).split('\n');
    const at = summary.indexOf('3 child runs (3 FINISHED); best: lowest loss 0.2 in lr-0.1');
    assert.ok(at > 0, summary.join('\n'));
    assert.deepEqual(
      summary.slice(at + 1).map((l) => l.replace(/ [0-9a-f]{8} /, ' id ')),
      [
        'child  id  status  loss  params.lr',
        'lr-0.1  id  FINISHED  0.2  0.1',
        'lr-0.2  id  FINISHED  0.4  0.2',
        'lr-0.3  id  FINISHED  0.6  0.3',
      ],
    );
    await k.execute('%runs --filter "params.lr = \'0.3\'"\n%runs --order-by "metrics.loss DESC"');
    const [filtered, ordered] = display.html_.slice(1).map((h) => toPlainText(h).split('\n'));
    assert.deepEqual(filtered![1]!.split('  ').slice(0, 3), ['run', 'id', 'parent'], 'no children column');
    const row = ordered!.find((l) => l.startsWith('grid '));
    assert.match(
      row ?? '',
      /^grid {2}[0-9a-f]{8} {4}3 \(best: highest loss 0\.6 in lr-0\.3\) {2}sweep-summary {2}FINISHED/,
    );
  });

  it("%report links the last run's page, and a run's summary links its page once a report has one", async () => {
    const { k, display, open } = await setup();
    const site = join(tempDir(), 'site');
    const links = (html: string | undefined) =>
      [...(html ?? '').matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [resolve(m[1]!), m[2]]);
    let r = await k.execute(
      `%experiment pages\n%start_run first\n%log_metric m=1\n%report --out ${JSON.stringify(site)}`,
    );
    assert.equal(r.ok, true, r.stderr);
    const tracker = await open();
    const [run] = (await tracker.searchRuns({ experiments: ['pages'] })).runs;
    await tracker.close();
    const page = join(site, 'runs', `${run!.id}.html`);
    assert.deepEqual(links(display.html_.at(-1)), [
      [join(site, 'index.html'), 'open the report'],
      [page, 'view run first'],
    ]);
    r = await k.execute('%end_run');
    assert.equal(r.ok, true, r.stderr);
    assert.deepEqual(links(display.html_.at(-1)), [[page, 'view run in the report']]);
    await k.execute('%start_run second\n%end_run');
    assert.deepEqual(links(display.html_.at(-1)), [], 'no link to a page the report does not have');
  });

  it('a kernel killed with -9 leaves its run RUNNING; the next kernel ends it KILLED', async () => {
    const store = tempDir();
    const script = [
      "import { MagicRuntime } from './src/kernel/runtime.ts';",
      "import { Tracker } from './src/tracker.ts';",
      'const r = new MagicRuntime({ display: { html() {}, svg() {}, text() {} },',
      `  openTracker: () => Tracker.open({ store: ${JSON.stringify(store)}, sourceType: 'NOTEBOOK' }) });`,
      "await r.experiment(1, 'crash'); r.enter(await r.startRun(2, 'doomed', false)); r.logMetric(3, 'a', 1);",
      'await r.flushAll();',
      "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);",
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => {
        if (String(d).includes('ready')) res();
      });
      child.once('exit', (code) => rej(new Error(`the kernel stand-in exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    const before = await Tracker.open({ store });
    assert.equal((await before.searchRuns({ experiments: ['crash'] })).runs[0]?.status, 'RUNNING');
    await before.close();
    const display = recorder();
    const runtime = await newRuntime(store, display);
    await runtime.storeInfo(1);
    assert.match(display.text_[0] ?? '', /^ended 1 run left RUNNING by a kernel that died: doomed \(KILLED\)$/);
    const t = await Tracker.open({ store });
    const [run] = (await t.searchRuns({ experiments: ['crash'] })).runs;
    assert.equal(run?.status, 'KILLED');
    assert.equal(run?.metrics.a, 1);
    await assert.rejects(t.endRun(run.id), /already KILLED/);
    await t.close();
    await runtime.shutdown();
  });
});

describe('tslab quirks the kernel fixes', () => {
  it('object shorthand of a variable from an earlier cell works', async () => {
    const { k } = await setup();
    assert.equal((await k.execute('let lr15 = 0.1\nconst layers15 = [2]')).ok, true);
    const r = await k.execute(
      'const cfg15 = { lr15, layers15, n: 1 }\nlet a15 = 0, b15 = 0;\n({ a15, b15 } = { a15: 1, b15: 2 })',
    );
    assert.equal(r.ok, true, r.stderr);
    assert.deepEqual(k.executor.locals['cfg15'], { lr15: 0.1, layers15: [2], n: 1 });
    assert.deepEqual([k.executor.locals['a15'], k.executor.locals['b15']], [1, 2]);
  });
});
