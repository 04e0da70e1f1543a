import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, redactRun, redactText, REDACTED } from '../../src/report/redact.js';
import { formatDuration, formatNumber, formatTime, isSafeUrl } from '../../src/report/format.js';
import { lttbIndices, smooth, toSeries } from '../../src/report/downsample.js';
import { safeJson } from '../../src/report/safe-json.js';
import { hrefOf, modelSlug } from '../../src/report/paths.js';
import { makePreview, parseDelimited, publishedPath, readManifest } from '../../src/report/artifacts.js';
import { commitUrl, runPage } from '../../src/report/run-view-model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { columnsFor, experimentPage, indexPage, mainMetric, orderRuns } from '../../src/report/view-models.js';
import { modelPage } from '../../src/report/registry-view-model.js';
import { fixtureData, HOSTILE, registryFixture } from './fixtures.js';

const data = fixtureData();
const runsOf = (exp: string) => data.runs.filter((r) => r.experimentId === exp);

test('secret keys are whole words: token, password, api key; not tokenizer, author, max_tokens', () => {
  for (const k of ['hf_token', 'apiKey', 'API_KEY', 'db.password', 'aws_secret_access_key', 'Auth', 'private-key']) assert.ok(isSecretKey(k), k);
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
  const s = toSeries('k', xs.map((i) => ({ step: i, timestamp: i, value: i === 5 ? Number.NaN : i })), 1000);
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
  assert.deepEqual(parseDelimited('a,"b ""q"", c"\r\n1,2\n', ',', 10), [['a', 'b "q", c'], ['1', '2']]);
  assert.equal(makePreview('x.json', '{"$schema":"https://vega.github.io/schema/vega-lite/v6.json","mark":"bar"}')?.kind, 'vega');
  assert.equal(makePreview('x.json', 'not json')?.kind, 'text');
  assert.deepEqual(readManifest('model/tracklab-model.json', '{"flavor":"f","signature":{"inputs":[{"name":"a","type":"double"}]}}'), { path: 'model', flavor: 'f', inputs: [{ name: 'a', type: 'double' }], outputs: [] });
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
  assert.deepEqual(cols.filter((c) => c.group === 'metric').map((c) => c.key), ['acc', 'loss']);
  assert.ok(!cols.some((c) => c.key.startsWith('mlflow.')));
  const exp = data.experiments[0]!;
  assert.deepEqual(mainMetric(exp, runs), { key: 'acc', higherIsBetter: true });
  assert.deepEqual(mainMetric({ ...exp, tags: {} }, runs.slice(0, 1)), { key: 'acc', higherIsBetter: true });
  const vm = experimentPage(exp, runs);
  assert.equal(vm.rows.length, runs.length);
  assert.equal(vm.best, '0.92');
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
  const vm = runPage({ run: hostile, experimentName: 'x', runsById: runs, children: [], artifacts: [], models: [], hasCsv: true });
  assert.equal(vm.tags.find((t) => t.key === 'link')!.href, null);
  assert.equal(vm.tags.find((t) => t.key === 'home')!.href, 'https://example.com/home');
  assert.ok(!vm.tags.some((t) => t.key === 'mlflow.note.content'));
  const child = runPage({ run: runs.get('child1aaaaaaaaaaaaaaaaaaaaaaaaaa')!, experimentName: 'iris', runsById: runs, children: [], artifacts: [], models: [], hasCsv: false });
  assert.deepEqual(child.parent, { name: 'rf-0', href: 'run0aaaaaaaaaaaaaaaaaaaaaaaaaaa.html', status: 'FINISHED' });
});

test('registry view model: versions newest first, aliases, timeline, links only to published runs', () => {
  const vm = modelPage(registryFixture(), new Set(['run2aaaaaaaaaaaaaaaaaaaaaaaaaaa']));
  assert.deepEqual(vm.versions.map((v) => v.version), ['2', '1']);
  assert.deepEqual(vm.versions[0]!.aliases, ['champion']);
  assert.equal(vm.versions[0]!.run!.href, '../runs/run2aaaaaaaaaaaaaaaaaaaaaaaaaaa.html');
  assert.equal(vm.versions[1]!.run!.href, null);
  assert.equal(vm.history[0]!.text, 'set_alias version 2: alias @champion');
  assert.equal(vm.history[1]!.text, 'transition_stage version 2: None → Production');
});

test('encodeHistories: the data-file series equal toSeries, the CSV has every point with NaN spelled out', async () => {
  const { encodeHistories } = await import('../../src/report/encode-histories.js');
  const points = Array.from({ length: 3000 }, (_, i) => ({ step: 2999 - i, timestamp: 1e12 + i, value: i === 10 ? Number.NaN : Math.sin(i / 50) }));
  const { csv, series } = encodeHistories([{ key: 'val "loss", top/1', points }], 500);
  assert.deepEqual(JSON.parse(series[0]!), toSeries('val "loss", top/1', points, 500));
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 3001);
  assert.ok(lines.some((l) => l.endsWith(',NaN')));
  assert.ok(lines[1]!.startsWith('"val ""loss"", top/1",0,'));
});
