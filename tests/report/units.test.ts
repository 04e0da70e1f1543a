import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, redactRun, redactText, REDACTED } from '../../src/report/redact.js';
import { formatDuration, formatNumber, formatTime, isSafeUrl } from '../../src/report/format.js';
import { lttbIndices, packColumn, smooth, toSeries, unpackColumn } from '../../src/report/downsample.js';
import { safeJson } from '../../src/report/safe-json.js';
import { hrefOf, modelSlug } from '../../src/report/paths.js';
import { makePreview, parseDelimited, publishedPath, readManifestView } from '../../src/report/artifacts.js';
import { commitUrl, runPage } from '../../src/report/run-view-model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { columnsFor, experimentPage, indexPage, mainMetric, orderRuns } from '../../src/report/view-models.js';
import { modelPage, registrations } from '../../src/report/registry-view-model.js';
import { bestRun, companionLoss, metricKind } from '../../src/report/main-metric.js';
import { cellFor, orderRows, groupRows, toCsv } from '../../src/report/table-model.js';
import { notebookView } from '../../src/report/notebook.js';
import { stagesInUse } from '../../src/report/view-models.js';
import { executedNotebook, reviewStore, SWEEP } from './review-store.js';
import { fixtureData, HOSTILE, registryFixture } from './fixtures.js';

const data = fixtureData();
const runsOf = (exp: string) => data.runs.filter((r) => r.experimentId === exp);

test('secret keys are whole words: token, password, api key; not tokenizer, author, max_tokens', () => {
  for (const k of ['hf_token', 'apiKey', 'API_KEY', 'db.password', 'aws_secret_access_key', 'Auth', 'private-key'])
    assert.ok(isSecretKey(k), k);
  for (const k of ['tokenizer', 'author', 'max_tokens', 'model', 'keys']) assert.ok(!isSecretKey(k), k);
});

test('secret values are replaced inside text, URLs keep their user', () => {
  assert.equal(redactText(`x ${HOSTILE.githubToken} y`), `x ${REDACTED} y`);
  assert.equal(redactText('AKIAABCDEFGHIJKLMNOP'), REDACTED);
  assert.equal(redactText('https://bob:hunter2@example.com/x'), `https://bob:${REDACTED}@example.com/x`);
  assert.equal(redactText('plain text'), 'plain text');
  const r = redactRun(data.runs.find((x) => x.id.startsWith('hostile1'))!);
  assert.equal(r.params['api_key'], REDACTED);
  assert.equal(r.params['tokenizer'], 'bert-base');
  assert.ok(!JSON.stringify(r).includes('hunter2'));
});

test('formatting is locale-free and spells out non-finite numbers', () => {
  assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02 03:04:05 UTC');
  assert.equal(formatDuration(65_000), '1m 05s');
  assert.equal(formatDuration(3_725_000), '1h 02m');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '-Infinity');
  assert.equal(formatNumber(0.123456789), '0.123457');
  assert.ok(isSafeUrl('https://example.com') && !isSafeUrl('javascript:alert(1)') && !isSafeUrl(' data:text/html,x'));
});

test('LTTB keeps first, last and at most the threshold; smoothing is debiased', () => {
  const xs = Array.from({ length: 10_000 }, (_, i) => i);
  const ys = xs.map((x) => Math.sin(x / 100));
  const keep = lttbIndices(xs, ys, 500);
  assert.equal(keep.length, 500);
  assert.equal(keep[0], 0);
  assert.equal(keep[keep.length - 1], 9999);
  assert.deepEqual(smooth([1, 1, null, 1], 0.9), [1, 1, null, 1]);
  const s = toSeries(
    'k',
    xs.map((i) => ({ step: i, timestamp: i, value: i === 5 ? Number.NaN : i })),
    1000,
  );
  assert.equal(s.total, 10_000);
  assert.equal(s.steps.length, 1000);
  assert.ok(s.values.every((v) => v !== null && Number.isFinite(v)));
});

test('safeJson cannot close a script element and round-trips', () => {
  const value = { a: HOSTILE.script, b: HOSTILE.lineSep, c: '&', n: Number.NaN };
  const text = safeJson(value);
  assert.ok(!/[<>&\u2028\u2029]/.test(text));
  assert.deepEqual(JSON.parse(text), { ...value, n: 'NaN' });
});

test('paths: hrefs escape each segment, model slugs keep names apart', () => {
  assert.equal(hrefOf('a b/c#d?.png'), 'a%20b/c%23d%3F.png');
  assert.notEqual(modelSlug('Iris'), modelSlug('iris'));
  assert.match(modelSlug('<x>'), /^x-[0-9a-f]{8}$/);
});

test('artifacts: executable types are published as text, unsafe paths not at all', () => {
  assert.equal(publishedPath('plots/a.png'), 'plots/a.png');
  assert.equal(publishedPath('evil.html'), 'evil.html.txt');
  assert.equal(publishedPath('x.SVG'), 'x.SVG.txt');
  assert.equal(publishedPath('MLmodel'), 'MLmodel.txt');
  assert.equal(publishedPath('../x'), null);
  assert.equal(publishedPath('a//b'), null);
  assert.deepEqual(parseDelimited('a,"b ""q"", c"\r\n1,2\n', ',', 10), [
    ['a', 'b "q", c'],
    ['1', '2'],
  ]);
  assert.equal(
    makePreview('x.json', '{"$schema":"https://vega.github.io/schema/vega-lite/v6.json","mark":"bar"}')?.kind,
    'vega',
  );
  assert.equal(makePreview('x.json', 'not json')?.kind, 'text');
  assert.deepEqual(
    readManifestView(
      'model/tracklab-model.json',
      '{"flavor":"f","signature":{"inputs":[{"name":"a","type":"double"}]}}',
    ),
    { path: 'model', flavor: 'f', inputs: [{ name: 'a', type: 'double' }], outputs: [] },
  );
});

test('commit links only for known hosts and real hashes', () => {
  const sha = 'abcdef1234567890abcdef1234567890abcdef12';
  assert.equal(commitUrl('git@github.com:acme/iris.git', sha), `https://github.com/acme/iris/commit/${sha}`);
  assert.equal(commitUrl('https://gitlab.com/acme/iris', sha), `https://gitlab.com/acme/iris/-/commit/${sha}`);
  assert.equal(commitUrl('https://evil.example/acme/iris', sha), null);
  assert.equal(commitUrl('https://github.com/acme/iris', 'javascript:alert(1)'), null);
});

test('Markdown notes: no raw HTML, no images, no javascript: links', () => {
  const html = renderMarkdown(HOSTILE.note);
  assert.ok(!html.includes('<script'));
  assert.ok(!html.includes('<img'));
  assert.ok(!html.includes('href="javascript'));
  assert.ok(html.includes('href="https://example.com/ok"'));
  assert.ok(html.includes('<h3>Title</h3>'));
});

test('experiment view model: nested runs under their parent, columns by group, main metric', () => {
  const runs = runsOf('1');
  const ordered = orderRuns(runs);
  const parentAt = ordered.findIndex((o) => o.run.id.startsWith('run0'));
  assert.equal(ordered[parentAt + 1]?.run.id.startsWith('child1'), true);
  assert.equal(ordered[parentAt + 1]?.depth, 1);
  const cols = columnsFor(runs);
  assert.deepEqual(
    cols.filter((c) => c.group === 'metric').map((c) => c.key),
    ['acc', 'loss'],
  );
  assert.ok(cols.filter((c) => c.key.startsWith('mlflow.')).every((c) => c.hidden));
  const exp = data.experiments[0]!;
  assert.deepEqual(mainMetric(exp, runs), { key: 'acc', higherIsBetter: true });
  assert.deepEqual(mainMetric({ ...exp, tags: {} }, runs.slice(0, 1)), { key: 'acc', higherIsBetter: true });
  const vm = experimentPage(exp, runs);
  assert.equal(vm.rows.length, runs.length);
  assert.equal(vm.best?.value, '0.92');
  assert.equal(vm.best?.name, 'rf-4');
  const hostile = experimentPage(data.experiments[1]!, runsOf('2'));
  assert.equal(hostile.data.runs.find((r) => r.id.startsWith('hostile1'))!.metrics['val loss: top/1'], 18);
});

test('index view model links experiments by name and models to their pages', () => {
  const vm = indexPage([{ experiment: data.experiments[0]!, runs: runsOf('1') }], [registryFixture()]);
  assert.equal(vm.experiments[0]!.href, 'experiments/1.html');
  assert.equal(vm.experiments[0]!.runCount, 6);
  assert.match(vm.models[0]!.href, /^models\/iris-classifier-[0-9a-f]{8}\.html$/);
  assert.equal(vm.models[0]!.aliases, '@champion');
});

test('run view model: metrics table, safe tag links, parent link', () => {
  const runs = new Map(data.runs.map((r) => [r.id, r]));
  const hostile = data.runs.find((r) => r.id.startsWith('hostile1'))!;
  const vm = runPage({
    run: hostile,
    experimentName: 'x',
    runsById: runs,
    children: [],
    artifacts: [],
    models: [],
    registered: [],
  });
  assert.equal(vm.tags.find((t) => t.key === 'link')!.href, null);
  assert.equal(vm.tags.find((t) => t.key === 'home')!.href, 'https://example.com/home');
  assert.ok(!vm.tags.some((t) => t.key === 'mlflow.note.content'));
  const child = runPage({
    run: runs.get('child1aaaaaaaaaaaaaaaaaaaaaaaaaa')!,
    experimentName: 'iris',
    runsById: runs,
    children: [],
    artifacts: [],
    models: [],
    registered: [],
  });
  assert.deepEqual(child.parent, { name: 'rf-0', href: 'run0aaaaaaaaaaaaaaaaaaaaaaaaaaa.html', status: 'FINISHED' });
});

test('registry view model: versions newest first, aliases, timeline, links only to published runs', () => {
  const vm = modelPage(registryFixture(), new Set(['run2aaaaaaaaaaaaaaaaaaaaaaaaaaa']));
  assert.deepEqual(
    vm.versions.map((v) => v.version),
    ['2', '1'],
  );
  assert.deepEqual(vm.versions[0]!.aliases, ['champion']);
  assert.equal(vm.versions[0]!.run!.href, '../runs/run2aaaaaaaaaaaaaaaaaaaaaaaaaaa.html');
  assert.equal(vm.versions[1]!.run!.href, null);
  assert.equal(vm.history[0]!.text, 'set_alias version 2: alias @champion');
  assert.equal(vm.history[1]!.text, 'transition_stage version 2: None → Production');
});

const review = reviewStore();
const sweep = review.runs.filter((r) => r.experimentId === SWEEP);
const sweepExp = review.experiments[0]!;

test('main metric: a score beats a schedule; an explicit tag wins; losses are minimized', () => {
  assert.deepEqual(mainMetric(sweepExp, sweep), { key: 'accuracy', higherIsBetter: true });
  assert.equal(metricKind('learning_rate'), 'other');
  assert.equal(metricKind('epoch'), 'other');
  assert.equal(metricKind('val_loss'), 'loss');
  assert.equal(metricKind('eval/f1'), 'score');
  const lossOnly = sweep.map((r) => ({
    ...r,
    metrics: {
      learning_rate: 1,
      epoch: 3,
      ...(r.metrics['val_loss'] !== undefined ? { val_loss: r.metrics['val_loss'] } : {}),
    },
  }));
  assert.deepEqual(mainMetric(sweepExp, lossOnly), { key: 'val_loss', higherIsBetter: false });
  assert.deepEqual(mainMetric({ ...sweepExp, tags: { 'tracklab.report.mainMetric': 'loss:min' } }, sweep), {
    key: 'loss',
    higherIsBetter: false,
  });
  assert.equal(
    mainMetric(
      sweepExp,
      sweep.map((r) => ({ ...r, metrics: { learning_rate: 1 } })),
    ),
    null,
  );
  assert.equal(companionLoss(sweep, { key: 'accuracy', higherIsBetter: true }), 'val_loss');
});

test('best counts FINISHED runs only', () => {
  const failed = sweep.find((r) => r.status === 'FAILED')!;
  const top = [...sweep].sort((a, b) => (b.metrics['accuracy'] ?? 0) - (a.metrics['accuracy'] ?? 0))[0]!;
  assert.equal(top.id, failed.id, "the fixture's FAILED run has the highest accuracy");
  const best = bestRun(sweep, { key: 'accuracy', higherIsBetter: true })!;
  assert.equal(best.run.status, 'FINISHED');
  assert.notEqual(best.run.id, failed.id);
});

test('default columns: main metric first, other metrics, varying params; constant, system and empty hidden', () => {
  const cols = columnsFor(sweep, { key: 'accuracy', higherIsBetter: true });
  const shown = cols.filter((c) => !c.hidden).map((c) => `${c.group}:${c.key}`);
  assert.deepEqual(shown.slice(0, 6), [
    'attr:name',
    'attr:status',
    'metric:accuracy',
    'metric:learning_rate',
    'metric:loss',
    'metric:val_loss',
  ]);
  assert.ok(shown.includes('param:lr') && shown.includes('param:optimizer'));
  const hidden = new Map(cols.filter((c) => c.hidden).map((c) => [c.key, c.why]));
  assert.equal(hidden.get('dataset'), 'same in every run');
  assert.equal(hidden.get('mlflow.runName'), 'system tag');
  assert.ok(shown.length >= 14 && shown.length <= 20, String(shown.length));
});

test('cells: metrics to 4 significant digits with the exact value on hover', () => {
  const col = { group: 'metric' as const, key: 'x', label: 'x' };
  const run = { ...sweep[1]!, metrics: { x: 0.123456789 } };
  assert.deepEqual(cellFor(run, col), { text: '0.1235', title: '0.123457', numeric: true });
});

test('sorting families by their best member puts the best FINISHED run in the first family; flat puts it first', () => {
  const sort = { col: { group: 'metric' as const, key: 'accuracy', label: 'accuracy' }, dir: -1 };
  const best = bestRun(sweep, { key: 'accuracy', higherIsBetter: true })!.run;
  const tree = orderRows(sweep, { sort, flat: false });
  assert.equal(tree[0]!.run.id, best.parentRunId);
  assert.equal(tree[1]!.run.id, best.id);
  assert.equal(orderRows(sweep, { sort, flat: true })[0]!.run.id, best.id);
  const grouped = groupRows(orderRows(sweep, { sort, flat: true }), 'param:optimizer');
  assert.deepEqual(grouped[0], { group: best.params['optimizer'], count: 20 });
});

test('CSV export: run id, labelled columns, exact values, formula-like text quoted', () => {
  const cols = [
    { group: 'attr' as const, key: 'name', label: 'Run' },
    { group: 'metric' as const, key: 'accuracy', label: 'accuracy' },
    { group: 'param' as const, key: 'f', label: 'f' },
  ];
  const run = { ...sweep[1]!, name: 'a,b', metrics: { accuracy: -0.5 }, params: { f: '=cmd()' } };
  assert.equal(toCsv(cols, [run]), `run_id,Run,metrics.accuracy,params.f\n${run.id},"a,b",-0.5,"=cmd()"\n`);
});

test('registry evidence: stages in use, how a run is registered', () => {
  const model = review.models![0]!;
  assert.deepEqual(
    stagesInUse(model).map((s) => `${s.stage} ${s.versions}`),
    ['Production v2', 'Staging v4', 'Archived v1'],
  );
  const reg = registrations([model]);
  assert.equal(reg.get(model.versions[1]!.runId!)![0]!.text, 'mnist-classifier v2 (Production, @champion)');
  const vm = modelPage(model, new Set(sweep.map((r) => r.id)), (id) => ({
    name: `run ${id.slice(0, 4)}`,
    status: 'FINISHED',
    metrics: [{ key: 'accuracy', value: '0.9' }],
  }));
  assert.match(vm.compareHref, /^\.\.\/compare\.html#runs=(\w+,){3}\w+$/);
  assert.equal(vm.versions[0]!.run!.name, `run ${model.versions[3]!.runId!.slice(0, 4)}`);
});

test('notebooks: markdown rendered without raw HTML, outputs as text or images, HTML never live', () => {
  const nb = notebookView(executedNotebook())!;
  assert.equal(nb.cells.length, 4);
  const md = nb.cells[0] as { kind: 'markdown'; html: string };
  assert.ok(md.html.includes('<strong>logs</strong>') && !md.html.includes('<script>'));
  const code = nb.cells[2] as {
    kind: 'code';
    prompt: string;
    outputs: { kind: string; text?: string; src?: string }[];
  };
  assert.equal(code.prompt, '[2]');
  assert.deepEqual(
    code.outputs.map((o) => o.kind),
    ['html', 'image'],
  );
  assert.match(code.outputs[1]!.src!, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  assert.equal((nb.cells[3] as { outputs: { kind: string }[] }).outputs[0]!.kind, 'error');
  assert.equal(notebookView('not json'), null);
});

test('packed columns: evenly spaced as two numbers, others as deltas, both read back exactly', () => {
  for (const xs of [[0, 1, 2, 3], [5], [], [10, 20, 25, 1000, 999], [1e12, 1e12 + 7, 1e12 + 9]]) {
    assert.deepEqual(unpackColumn(packColumn(xs), xs.length), xs);
  }
  assert.deepEqual(packColumn([0, 2, 4]), { a: [0, 2] });
  assert.deepEqual(packColumn([3, 4, 6]), { d: [3, 1, 2] });
});
