import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers.js';
import { buildReport, createMemorySource, formatSummary } from '../../src/report/index.js';
import { CSP } from '../../src/report/render.js';
import { MANIFEST } from '../../src/report/write.js';
import { bundleClient, CLIENT_BUNDLES } from '../../templates/client/build.js';
import { Tracker } from '../../src/index.js';
import { fixtureData, HOSTILE, T0 } from './fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tmp = (): string => tempDir('tracklab-report-');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
    })
    .sort();
}

const snapshot = (dir: string): Map<string, string> =>
  new Map(listFiles(dir).map((f) => [f, readFileSync(path.join(dir, f)).toString('base64')]));

test('builds every page, .nojekyll, vendored vega, a one-line summary', async () => {
  const out = path.join(tmp(), 'site');
  const s = await buildReport({ source: createMemorySource(fixtureData()), out, title: 'Demo' });
  assert.equal(s.runs, 8);
  assert.equal(s.pages, 8 + 2 + 1 + 1 + 1);
  const files = listFiles(out);
  for (const f of [
    '.nojekyll',
    'index.html',
    'compare.html',
    'experiments/1.html',
    'assets/vega.min.js',
    'assets/vega-lite.min.js',
    'assets/report.js',
    'assets/theme.js',
    'assets/compare-boot.js',
    'assets/report.css',
    MANIFEST,
  ])
    assert.ok(files.includes(f), f);
  assert.ok(s.bytes > 500_000);
  assert.match(formatSummary(s, path.dirname(out)), /^report: 13 pages, 8 runs, \d+\.\d s, \d+\.\d (MB|KB) -> site$/);
});

test('every page has the CSP meta tag, relative links only, no inline script or style', async () => {
  const out = path.join(tmp(), 'site');
  await buildReport({ source: createMemorySource(fixtureData()), out });
  for (const f of listFiles(out).filter((x) => x.endsWith('.html'))) {
    const html = readFileSync(path.join(out, f), 'utf8');
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#x27;')}">`), f);
    // Resources (src, stylesheet, icon) are relative; only user links (<a href>) may point elsewhere, and only over
    // http(s).
    for (const [, url] of html.matchAll(/(?:src|<link[^>]*href)="([^"]*)"/g))
      assert.ok(!/^(\/|[a-z]+:)/i.test(url!) || url === 'data:,', `${f}: ${url}`);
    for (const [, url] of html.matchAll(/<a [^>]*href="([^"]*)"/g))
      assert.ok(!/^(\/|[a-z]+:)/i.test(url!) || /^https?:\/\//.test(url!), `${f}: ${url}`);
    assert.ok(!/<script(?![^>]*(src=|type="application\/json"))/.test(html), `${f}: inline script`);
    assert.ok(!/<style|style="/.test(html), `${f}: inline style`);
  }
});

test('hostile values are escaped, never live; exact text survives in data', async () => {
  const out = path.join(tmp(), 'site');
  await buildReport({ source: createMemorySource(fixtureData()), out });
  const html = readFileSync(path.join(out, 'runs/hostile1aaaaaaaaaaaaaaaaaaaaaaaa.html'), 'utf8');
  assert.ok(!html.includes('<img src=x'));
  assert.ok(!html.includes('<script>alert'));
  assert.ok(!html.includes('href="javascript'));
  assert.ok(html.includes('{{constructor.constructor(&quot;alert(1)&quot;)()}}'));
  const exp = readFileSync(path.join(out, 'experiments/2.html'), 'utf8');
  const json = /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(exp)![1]!;
  const data = JSON.parse(json) as { runs: { name: string; tags: Record<string, string> }[] };
  const run = data.runs.find((r) => r.name === HOSTILE.name)!;
  assert.equal(run.tags['script'], HOSTILE.script);
  assert.equal(run.tags['sep'], HOSTILE.lineSep);
  assert.ok(existsSync(path.join(out, 'runs/hostile1aaaaaaaaaaaaaaaaaaaaaaaa/artifacts/evil.html.txt')));
  assert.ok(!existsSync(path.join(out, 'runs/hostile1aaaaaaaaaaaaaaaaaaaaaaaa/artifacts/evil.html')));
});

test('secrets are redacted in every published file, unless redact is off', async () => {
  const secrets = ['abc123secret', 'hunter2', HOSTILE.githubToken, 'AKIAABCDEFGHIJKLMNOP'];
  const out = path.join(tmp(), 'site');
  await buildReport({ source: createMemorySource(fixtureData()), out });
  for (const f of listFiles(out).filter((x) => !x.startsWith('assets/'))) {
    const text = readFileSync(path.join(out, f), 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), `${s} in ${f}`);
  }
  assert.ok(readFileSync(path.join(out, 'runs/hostile1aaaaaaaaaaaaaaaaaaaaaaaa.html'), 'utf8').includes('[redacted]'));
  const open = path.join(tmp(), 'site');
  await buildReport({ source: createMemorySource(fixtureData()), out: open, redact: false });
  assert.ok(
    readFileSync(path.join(open, 'runs/hostile1aaaaaaaaaaaaaaaaaaaaaaaa.html'), 'utf8').includes('abc123secret'),
  );
});

test('deterministic: two builds give byte-identical files', async () => {
  const a = path.join(tmp(), 'a');
  const b = path.join(tmp(), 'b');
  await buildReport({ source: createMemorySource(fixtureData()), out: a });
  await buildReport({ source: createMemorySource(fixtureData()), out: b });
  assert.deepEqual(snapshot(a), snapshot(b));
});

test('incremental rebuild after a new run equals a full build and keeps unchanged run files', async () => {
  const data = fixtureData();
  const out = path.join(tmp(), 'site');
  await buildReport({ source: createMemorySource(data), out });
  const page = path.join(out, 'runs/run1aaaaaaaaaaaaaaaaaaaaaaaaaaa.html');
  utimesSync(page, new Date(T0), new Date(T0)); // a rewrite in the same millisecond would otherwise keep the mtime
  const before = statSync(page).mtimeMs;
  const extra = {
    ...data.runs[0]!,
    id: 'newrunaaaaaaaaaaaaaaaaaaaaaaaaa',
    name: 'new',
    startTime: T0 + 999_999,
    parentRunId: null,
  };
  const more = { ...data, runs: [...data.runs, extra] };
  await buildReport({ source: createMemorySource(more), out, incremental: true });
  assert.equal(statSync(page).mtimeMs, before);
  const full = path.join(tmp(), 'full');
  await buildReport({ source: createMemorySource(more), out: full });
  assert.deepEqual(snapshot(out), snapshot(full));
  // A deleted run's files go away on the next build.
  await buildReport({ source: createMemorySource(data), out, incremental: true });
  assert.ok(!existsSync(path.join(out, 'runs/newrunaaaaaaaaaaaaaaaaaaaaaaaaa.html')));
});

test('refuses to write into a folder it did not create; unknown experiment is a clear error', async () => {
  const out = tmp();
  writeFileSync(path.join(out, 'precious.txt'), 'x');
  await assert.rejects(
    buildReport({ source: createMemorySource(fixtureData()), out }),
    /not empty and was not written by tracklab report/,
  );
  await assert.rejects(
    buildReport({ source: createMemorySource(fixtureData()), out: path.join(tmp(), 's'), experiments: ['nope'] }),
    /no active experiment named "nope"/,
  );
  const only = path.join(tmp(), 's');
  const s = await buildReport({ source: createMemorySource(fixtureData()), out: only, experiments: ['iris'] });
  assert.equal(s.runs, 6);
});

test('the committed page scripts are the bundles of templates/client', async () => {
  for (const [entry, file] of CLIENT_BUNDLES) {
    const fresh = await bundleClient(ROOT, entry);
    const committed = readFileSync(path.join(ROOT, 'templates/assets', file), 'utf8');
    assert.ok(
      fresh === committed,
      `templates/assets/${file} is stale: run \`node --import tsx templates/client/build.ts\``,
    );
  }
});

test('builds from a real store through the Tracker API', async () => {
  const dir = tmp();
  const store = path.join(dir, 'store');
  const tracker = await Tracker.open({ store });
  const parent = await tracker.startRun({ experiment: 'iris', name: 'parent' });
  await parent.logParams({ model: 'rf', lr: 0.1 });
  for (let i = 0; i < 5; i++) parent.logMetric('val loss: top/1', 1 / (i + 1), { step: i });
  await parent.setTags({ team: 'vision' });
  await parent.logText('hello', 'notes/readme.txt');
  const child = await tracker.startRun({ experiment: 'iris', name: 'child', parentRunId: parent.id });
  child.logMetric('acc', 0.9, { step: 0 });
  await child.end('FINISHED');
  await parent.end('FINISHED');
  await tracker.close();
  const out = path.join(dir, 'site');
  const s = await buildReport({ store, out });
  assert.equal(s.runs, 2);
  const html = readFileSync(path.join(out, `runs/${parent.id}.html`), 'utf8');
  assert.ok(html.includes('val loss: top/1'));
  assert.ok(html.includes('notes/readme.txt'));
  assert.ok(html.includes('>child</a>'));
  // Each history is published once: a short one as a chunk in the run's data file (the CSV is made in the page).
  const dataFile = readFileSync(path.join(out, `data/runs/${parent.id}.js`), 'utf8');
  assert.match(
    dataFile,
    /"histories":\{"pack":\[\d+,\d+\],"refs":\[\{"key":"val loss: top\/1","total":5,"exact":true,"points":5,/,
  );
  assert.deepEqual(
    readdirSync(path.join(out, 'data/runs')).filter((f) => f.startsWith(parent.id)),
    [`${parent.id}.js`],
  );
  assert.ok(!readdirSync(path.join(out, 'data/runs')).some((f) => f.endsWith('.csv')));
});

test(
  'works from the compiled dist/ with another working folder',
  { skip: !existsSync(path.join(ROOT, 'dist/report/index.js')) && 'dist/ not built' },
  async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = tmp();
    mkdirSync(path.join(dir, 'work'));
    const script = `const r = require(${JSON.stringify(path.join(ROOT, 'dist/report/index.js'))});
r.buildReport({ source: r.createMemorySource({ experiments: [], runs: [] }), out: 'site' }).then((s) => console.log(r.formatSummary(s)));`;
    const outText = execFileSync(process.execPath, ['-e', script], { cwd: path.join(dir, 'work'), encoding: 'utf8' });
    assert.match(outText, /^report: 2 pages, 0 runs/);
    assert.ok(existsSync(path.join(dir, 'work/site/assets/vega.min.js')));
    rmSync(dir, { recursive: true, force: true });
  },
);

test('a store without metric summaries or registry history shows "—" and a one-line note, not an empty history', async () => {
  const data = fixtureData();
  const model = data.models![0]!;
  const full = path.join(tmp(), 'full');
  await buildReport({ source: createMemorySource({ ...data, models: [{ ...model, history: [] }] }), out: full });
  const modelFile = (dir: string): string =>
    readFileSync(path.join(dir, 'models', readdirSync(path.join(dir, 'models'))[0]!), 'utf8');
  assert.match(modelFile(full), /No history recorded\./);

  const out = path.join(tmp(), 'site');
  const source = createMemorySource({ ...data, models: [{ ...model, history: [] }] });
  source.capabilities = { metricSummaries: false, registryHistory: false };
  await buildReport({ source, out });
  const page = modelFile(out);
  assert.doesNotMatch(page, /No history recorded/);
  assert.match(page, /History: — \(this store keeps none/);
  const run = data.runs.find((r) => Object.keys(r.metricSummaries).length > 0)!;
  const html = readFileSync(path.join(out, 'runs', `${run.id}.html`), 'utf8');
  assert.match(html, /Min, max and points: — \(this store keeps only the latest value/);
  const row = /<tr><th scope="row">[^<]+<\/th>(.*?)<\/tr>/.exec(html.slice(html.indexOf('h-metrics')))?.[1] ?? '';
  assert.equal((row.match(/<td class="num">—<\/td>/g) ?? []).length, 3, row);
});
