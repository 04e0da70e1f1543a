/** Real processes against one store: concurrent writers, kill -9, dead writers' leftovers. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { repoRoot, seededRandom, tempDir } from '../helpers.js';

const WRITER = join(repoRoot, 'tests', 'workers', 'writer.mjs');

function runWriter(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

/** Every JSON file in the store parses. */
function assertAllParse(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.json'))
      JSON.parse(readFileSync(join(entry.parentPath, entry.name), 'utf8'));
  }
}

describe('many writer processes', () => {
  it('8 processes creating the same experiment get one experiment', async () => {
    const store = tempDir();
    await (await Tracker.open({ store })).close();
    const ids = await Promise.all(Array.from({ length: 8 }, () => runWriter([store, 'experiment', 'shared'])));
    assert.equal(new Set(ids.map((s) => s.trim())).size, 1);
    const tracker = await Tracker.open({ store });
    assert.equal((await tracker.listExperiments()).filter((e) => e.name === 'shared').length, 1);
    assertAllParse(store);
  });

  it('8 processes creating runs in new experiments lose nothing', async () => {
    const store = tempDir();
    await Promise.all(Array.from({ length: 8 }, (_, i) => runWriter([store, 'runs', `exp-${i % 3}`, '10'])));
    const tracker = await Tracker.open({ store });
    const { runs } = await tracker.searchRuns({ maxResults: 1000 });
    assert.equal(runs.length, 80);
    assert.ok(
      runs.every((r) => r.status === 'FINISHED' && r.params['i'] !== undefined && r.metrics['acc'] !== undefined),
    );
    assert.deepEqual((await tracker.listExperiments()).map((e) => e.name).sort(), [
      'Default',
      'exp-0',
      'exp-1',
      'exp-2',
    ]);
    assertAllParse(store);
  });

  it('8 processes logging metrics keep every point', async () => {
    const store = tempDir();
    await Promise.all(Array.from({ length: 8 }, () => runWriter([store, 'metrics', 'm', '20000', '5000'])));
    const tracker = await Tracker.open({ store });
    const { runs } = await tracker.searchRuns({ experiments: ['m'] });
    assert.equal(runs.length, 8);
    for (const run of runs) {
      assert.equal((await tracker.getMetricHistory(run.id, 'loss')).length, 20000);
      assert.equal(run.metricSummaries['loss']?.count, 20000);
    }
  });
});

describe('crashes', () => {
  it('kill -9 while logging keeps every flushed point and the store opens', async (t) => {
    const store = tempDir();
    const random = seededRandom(t);
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [WRITER, store, 'metrics', 'crash', '100000000', '1000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let runId = '';
      let acknowledged = 0;
      const killAfter = 5 + Math.floor(random() * 20);
      await new Promise<void>((resolve) => {
        let buffered = '';
        child.stdout.on('data', (d: Buffer) => {
          buffered += d.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            if (line.startsWith('run ')) runId = line.slice(4);
            if (line.startsWith('flushed ')) acknowledged = Number(line.slice(8));
          }
          if (acknowledged >= killAfter * 1000 && child.exitCode === null) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
      });
      const tracker = await Tracker.open({ store });
      const history = await tracker.getMetricHistory(runId, 'loss');
      assert.ok(
        history.length >= acknowledged,
        `round ${round}: ${history.length} points on disk, ${acknowledged} acknowledged`,
      );
      assert.deepEqual(
        history.slice(0, acknowledged).map((p) => p.step),
        Array.from({ length: acknowledged }, (_, i) => i + 1),
      );
      assert.equal((await tracker.getRun(runId)).status, 'RUNNING');
      // the store stays writable after the crash
      await (await tracker.startRun({ experiment: 'crash' })).end();
      assertAllParse(store);
    }
  });

  it("removes a dead writer's temp file and breaks its stale lock", async () => {
    const store = tempDir();
    await (await Tracker.open({ store })).close();
    const temp = join(store, '.experiments.json.999999.0123456789ab.tmp');
    writeFileSync(temp, '{"half": ');
    const lock = join(store, 'experiments.json.lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const tracker = await Tracker.open({ store });
    assert.equal(existsSync(temp), false);
    await tracker.createExperiment('after-crash');
    assert.ok(await tracker.getExperiment('after-crash'));
    assert.equal(existsSync(lock), false);
  });
});
