import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TracklabError } from '../../src/core/errors.js';
import {
  describeReproduction,
  reproduceBlocker,
  reproductionResult,
  PROJECT_TAGS,
} from '../../src/core/reproduction.js';
import { compareRuns, sameValue } from '../../src/projects/compare-runs.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject, parseProject } from '../../src/projects/mlproject.js';
import { repoRoot } from '../helpers.js';
import {
  buildCommand,
  parseAssignments,
  resolveParameters,
  seedOf,
  shellQuote,
} from '../../src/projects/project-parameters.js';
import { runSummary } from '../../src/kernel/runtime-views.js';
import { MLPROJECT } from './project-fixture.js';

const rejects = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(
    fn,
    (e: unknown) => e instanceof TracklabError && e.code === 'INVALID_PARAMETER_VALUE' && pattern.test(e.message),
  );
};

describe('MLproject files', () => {
  it('parses entry points, typed parameters, defaults, a notebook and node_env', () => {
    const p = parseProject(MLPROJECT, '/p/MLproject');
    assert.equal(p.name, 'iris-demo');
    assert.equal(p.nodeEnv, 'package-lock.json');
    assert.equal(p.dir, '/p');
    assert.deepEqual(p.entryPoints['train']?.parameters, {
      trees: { type: 'int', default: '5' },
      seed: { type: 'int', default: '3' },
      label: { type: 'string', default: 'first try' },
    });
    assert.equal(p.entryPoints['notebook']?.notebook, 'train.ipynb');
    assert.deepEqual(p.entryPoints['noisy']?.parameters, {});
  });

  it("takes MLflow's short form `name: type` and defaults the type to string", () => {
    const text = 'entry_points:\n  main:\n    parameters:\n      data: path\n      note:\n    command: "cat {data}"\n';
    const p = parseProject(text, 'MLproject');
    assert.deepEqual(p.entryPoints['main']?.parameters, { data: { type: 'path' }, note: { type: 'string' } });
  });

  it('names the file and the problem for bad YAML, types, commands and placeholders', () => {
    rejects(() => parseProject('name: [unclosed', '/p/MLproject'), /\/p\/MLproject is not valid YAML at line 1/);
    const main = (body: string): string => `entry_points:\n  main:\n${body}`;
    rejects(
      () => parseProject(main('    parameters: {x: {type: double}}\n    command: go'), 'F'),
      /parameter "x" has type "double"; use one of float, int, string, path, uri/,
    );
    rejects(
      () => parseProject(main('    command: "go {y}"'), 'F'),
      /command uses \{y\}, which is not one of its parameters/,
    );
    rejects(
      () => parseProject(main('    notebook: a.ipynb\n    command: go'), 'F'),
      /exactly one of "command" and "notebook"/,
    );
    rejects(() => parseProject('name: x\n', 'F'), /F has no entry_points/);
    rejects(() => parseProject('- a\n- b\n', 'F'), /F: the file must be a mapping/);
  });
});

describe('entry point parameters', () => {
  const entry = parseProject(MLPROJECT, 'MLproject').entryPoints['train']!;

  it('fills defaults, normalises numbers and quotes values into the command', () => {
    const values = resolveParameters(entry, parseAssignments(['trees=010', "label=it's x"]));
    assert.deepEqual(values, { trees: '10', seed: '3', label: "it's x" });
    assert.equal(buildCommand(entry, values), `node train.mjs 10 3 'it'"'"'s x'`);
    assert.equal(shellQuote('a/b-1.5'), 'a/b-1.5');
    assert.equal(shellQuote('$(rm -rf /)'), `'$(rm -rf /)'`);
  });

  it('names a wrong-typed value, an unknown name, a missing value and a malformed -P at once', () => {
    rejects(
      () => resolveParameters(entry, { trees: 'many' }),
      /parameter "trees" of entry point "train" is int, got "many": give a whole number/,
    );
    rejects(() => resolveParameters(entry, { trees: '2.5' }), /"trees" .* is int, got "2.5"/);
    rejects(
      () => resolveParameters(entry, { depth: '3' }),
      /entry point "train" has no parameter "depth"; its parameters: trees, seed, label/,
    );
    const text = 'entry_points:\n  m:\n    parameters: {lr: float, u: uri}\n    command: x {lr} {u}\n';
    const nb = parseProject(text, 'F').entryPoints['m']!;
    rejects(() => resolveParameters(nb, { u: 's3://b/k' }), /needs parameter "lr" \(float\); pass it with -P lr=VALUE/);
    rejects(() => resolveParameters(nb, { lr: '0.1x', u: 'x' }), /"lr" .* is float, got "0.1x"/);
    rejects(() => resolveParameters(nb, { lr: '1', u: 'http://[bad' }), /"u" .* is uri/);
    assert.deepEqual(resolveParameters(nb, { lr: '.5', u: 'data/x.csv' }), { lr: '0.5', u: 'data/x.csv' });
    rejects(() => parseAssignments(['trees']), /parameter "trees" is not of the form name=value/);
  });

  it('finds the seed among parameters named like one', () => {
    assert.equal(seedOf({ trees: '5', random_seed: '42' }), '42');
    assert.equal(seedOf({ trees: '5' }), undefined);
  });
});

describe('comparing a run with its re-run', () => {
  it('reports params and final metrics that differ, exactly or within rtol', () => {
    const a = { params: { trees: '5', extra: 'x' }, metrics: { acc: 0.9, loss: 0.1, nan: NaN, gone: 1 } };
    const b = { params: { trees: '5' }, metrics: { acc: 0.9000001, loss: 0.1, nan: NaN, added: 2 } };
    const exact = compareRuns(a, b);
    const keys = exact.map((d) => `${d.kind}:${d.key}`);
    assert.deepEqual(keys, ['param:extra', 'metric:acc', 'metric:added', 'metric:gone']);
    assert.ok(Math.abs((exact[1]?.delta ?? 0) - 1e-7) < 1e-12);
    assert.deepEqual(
      compareRuns(a, b, 1e-6).map((d) => d.key),
      ['extra', 'added', 'gone'],
    );
    assert.equal(sameValue(Infinity, Infinity, 0), true);
    assert.equal(sameValue(0, 1e-300, 0.5), false);
  });

  it('reads the reproduction result and the blockers from tags', () => {
    assert.match(reproduceBlocker({}) ?? '', /no git commit was recorded/);
    assert.match(reproduceBlocker({ 'mlflow.source.git.commit': 'abc' }) ?? '', /no entry point was recorded/);
    assert.equal(reproduceBlocker({ 'mlflow.source.git.commit': 'abc', [PROJECT_TAGS.entry]: 'main' }), undefined);
    const result = {
      status: 'differed',
      originalRunId: 'a',
      reproducedRunId: 'b',
      rtol: 0,
      time: 1,
      differenceCount: 5,
      differences: [{ kind: 'metric', key: 'acc', original: '1', reproduced: '0.5', delta: 0.5 }],
    };
    const read = reproductionResult({ [PROJECT_TAGS.reproduction]: JSON.stringify(result) });
    assert.equal(describeReproduction(read!), 're-run b differed: metric acc by 0.500 and 4 more');
    assert.equal(reproductionResult({ [PROJECT_TAGS.reproduction]: '{not json' }), undefined);
  });
});

describe('the %end_run summary', () => {
  it('prints the command that re-creates the run', () => {
    const html = runSummary({
      id: 'abc123',
      name: 'r',
      experimentId: '1',
      experimentName: 'e',
      status: 'FINISHED',
      startTime: 0,
      endTime: 1,
      lifecycleStage: 'active',
      user: 'u',
      parentRunId: null,
      params: {},
      metrics: {},
      metricSummaries: {},
      tags: {},
      inputs: [],
    });
    assert.match(html, /<p>Re-create it: <code>npx tracklab reproduce abc123<\/code><\/p>/);
  });
});

describe("the repository's MLproject", () => {
  it('parses, and the README shows its entry points as they are', () => {
    const project = loadProject(repoRoot);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /^```yaml\n([\s\S]*?)^```/m.exec(readme)?.[1] ?? '';
    const shown = parseProject(block, 'README.md');
    assert.equal(shown.name, project.name);
    assert.equal(shown.nodeEnv, project.nodeEnv);
    for (const [name, entry] of Object.entries(shown.entryPoints)) {
      assert.deepEqual(entry, project.entryPoints[name], name);
    }
  });
});
