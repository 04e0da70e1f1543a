/**
 * Seeded byte-level fuzzing of every file kind of a JSON store: truncate, flip a byte, duplicate, delete or swap lines.
 * Whatever the damage, a read gives CORRUPT_STORE / IO_ERROR (or INVALID_STATE for a run whose first line is torn),
 * or exactly the data the damaged file still says (computed by an independent reference reader below) — never a
 * TypeError, never data that skipped a damaged line — and the damaged file is never rewritten by a read. Documents
 * (`experiments.json`, a model's document) are sealed by a checksum, so for them only the original data may be read.
 * Replay a failure with TRACKLAB_FUZZ_SEED=<seed printed> (and TRACKLAB_FUZZ_CASES to change the count).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TracklabError, Tracker } from '../../src/index.js';
import { JsonRegistry } from '../../src/store/json/json-registry.js';
import { tempDir } from '../helpers.js';

const SEED = Number(process.env['TRACKLAB_FUZZ_SEED'] ?? Date.now() % 1_000_000);
const CASES = Number(process.env['TRACKLAB_FUZZ_CASES'] ?? 1200);
const ALLOWED = new Set(['CORRUPT_STORE', 'IO_ERROR', 'INVALID_STATE']);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

type Kind = 'run' | 'metrics' | 'experiments' | 'model';
type Read = { ok: true; value: unknown } | { ok: false; code: string };

function mutate(text: Buffer, random: () => number): { bytes: Buffer; how: string } {
  const pick = (n: number): number => Math.floor(random() * n);
  const lines = text.toString('latin1').split('\n');
  const line = pick(Math.max(1, lines.length - 1));
  switch (pick(5)) {
    case 0: {
      const at = pick(text.length);
      return { bytes: text.subarray(0, at), how: `truncate at ${at}` };
    }
    case 1: {
      const at = pick(text.length);
      const bytes = Buffer.from(text);
      bytes[at] = pick(256);
      return { bytes, how: `byte ${at} := ${bytes[at]}` };
    }
    case 2:
      lines.splice(line, 0, lines[line] as string);
      return { bytes: Buffer.from(lines.join('\n'), 'latin1'), how: `duplicate line ${line + 1}` };
    case 3:
      lines.splice(line, 1);
      return { bytes: Buffer.from(lines.join('\n'), 'latin1'), how: `delete line ${line + 1}` };
    default: {
      const other = pick(Math.max(1, lines.length - 1));
      [lines[line], lines[other]] = [lines[other] as string, lines[line] as string];
      return { bytes: Buffer.from(lines.join('\n'), 'latin1'), how: `swap lines ${line + 1} and ${other + 1}` };
    }
  }
}

/** Complete lines parsed as JSON; undefined when one of them does not parse (damage the store must report). */
function referenceLines(text: string): unknown[] | undefined {
  const complete = text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(0, -1)
    .filter((l) => l !== '');
  try {
    return complete.map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}

type Rec = Record<string, unknown>;
/** What a run log says, folded the documented way; undefined when it is not plain well-formed data. */
function referenceRun(text: string): unknown {
  const events = referenceLines(text) as Rec[] | undefined;
  const first = events?.[0]?.['run'] as Rec | undefined;
  if (!events || !first) return undefined;
  const run = {
    params: { ...(first['params'] as Rec) },
    tags: { ...(first['tags'] as Rec) },
    status: first['status'],
    name: first['name'],
  };
  for (const e of events.slice(1)) {
    if (e['op'] === 'params')
      for (const [k, v] of Object.entries(e['params'] as Rec)) if (!Object.hasOwn(run.params, k)) run.params[k] = v;
    if (e['op'] === 'tags') Object.assign(run.tags, e['tags']);
    if (e['op'] === 'status') run.status = e['status'];
  }
  return run;
}

function referenceValue(kind: Kind, text: string): unknown {
  if (kind === 'run') return referenceRun(text);
  if (kind === 'metrics') {
    const points = referenceLines(text) as Rec[] | undefined;
    return points?.map((p) => [p['key'], p['step'], p['value'], p['timestamp']]);
  }
  let doc: Rec;
  try {
    doc = JSON.parse(text) as Rec;
  } catch {
    return undefined;
  }
  if (kind === 'experiments') return (doc['experiments'] as Rec[]).map((e) => [e['id'], e['name']]);
  return (doc['versions'] as Rec[]).map((v) => v['version']);
}

async function readThroughApi(kind: Kind, store: string, runId: string): Promise<Read> {
  try {
    const tracker = await Tracker.open({ store });
    if (kind === 'experiments')
      return { ok: true, value: (await tracker.listExperiments('ALL')).map((e) => [e.id, e.name]) };
    if (kind === 'model')
      return {
        ok: true,
        value: (await new JsonRegistry(store).getRegisteredModel('m')).versions.map((v) => v.version),
      };
    if (kind === 'metrics') {
      return {
        ok: true,
        value: (await tracker.store.getAllMetricHistories(runId)).map((p) => [p.key, p.step, p.value, p.timestamp]),
      };
    }
    const run = await tracker.getRun(runId);
    await tracker.searchRuns({ filter: "params.p = '1'" });
    return {
      ok: true,
      value: { params: { ...run.params }, tags: { ...run.tags }, status: run.status, name: run.name },
    };
  } catch (error) {
    if (error instanceof TracklabError) return { ok: false, code: error.code };
    throw error;
  }
}

describe(`fuzzing store files (seed ${SEED}, ${CASES} cases)`, () => {
  it('damage gives CORRUPT_STORE/IO_ERROR or exactly what the file says, never a crash or a rewrite', async () => {
    console.log(`fuzz seed ${SEED} (replay: TRACKLAB_FUZZ_SEED=${SEED})`);
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'e', tags: { team: 'a' } });
    await run.logParams({ p: 1, q: 'two' });
    for (let i = 0; i < 12; i++) run.logMetrics({ loss: 1 / (i + 1), acc: i / 12 }, { step: i });
    await run.setTag('note', 'x');
    await run.end();
    await tracker.createExperiment('second');
    const registry = new JsonRegistry(store);
    for (let i = 0; i < 3; i++)
      await registry.createModelVersion('m', {
        source: 's',
        runId: run.id,
        path: 'p',
        description: '',
        tags: {},
        user: 'u',
      });
    const files: Record<Kind, string> = {
      run: join(store, 'runs', run.id, 'run.jsonl'),
      metrics: join(store, 'runs', run.id, 'metrics.jsonl'),
      experiments: join(store, 'experiments.json'),
      model: join(store, 'registry', 'models', 'm.json'),
    };
    const random = rng(SEED);
    const kinds = Object.keys(files) as Kind[];
    const tally = { cases: 0, errors: 0, exact: 0 };
    for (let i = 0; i < CASES; i++) {
      const kind = kinds[i % kinds.length] as Kind;
      const original = readFileSync(files[kind]);
      const { bytes, how } = mutate(original, random);
      writeFileSync(files[kind], bytes);
      const label = `case ${i} (seed ${SEED}): ${kind} ${how}`;
      const result = await readThroughApi(kind, store, run.id).catch((error: Error) =>
        assert.fail(`${label}: ${error.stack}`),
      );
      let expected: unknown;
      try {
        // documents are sealed by a checksum: any read must give the original data, whatever still parses
        expected = referenceValue(
          kind,
          (kind === 'experiments' || kind === 'model' ? original : bytes).toString('utf8'),
        );
      } catch {
        expected = undefined;
      }
      if (result.ok) {
        assert.notEqual(expected, undefined, `${label}: damaged file was read as data ${JSON.stringify(result.value)}`);
        assert.deepEqual(result.value, expected, `${label}: data differs from what the file says`);
        tally.exact += 1;
      } else {
        // a model document whose stored name was changed is, as the file says, another model
        const renamed = kind === 'model' && result.code === 'RESOURCE_DOES_NOT_EXIST' && !bytes.includes('"name": "m"');
        assert.ok(ALLOWED.has(result.code) || renamed, `${label}: unexpected error code ${result.code}`);
        tally.errors += 1;
      }
      assert.deepEqual(readFileSync(files[kind]), bytes, `${label}: the damaged file was rewritten`);
      writeFileSync(files[kind], original);
      tally.cases += 1;
    }
    console.log(
      `fuzz: ${tally.cases} cases, ${tally.errors} reported as damage, ${tally.exact} read as exactly what the file says`,
    );
  });
});
