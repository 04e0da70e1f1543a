/** `tracklab doctor`: names each problem with its file, repairs only what is safe after a backup, exit status. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { distCli, tempDir } from '../helpers.js';

const doctor = (store: string, ...args: string[]) =>
  spawnSync(process.execPath, [distCli, '--store', store, 'doctor', ...args], { encoding: 'utf8' });
const old = new Date(Date.now() - 3_600_000);

async function store(): Promise<{ dir: string; runId: string }> {
  const dir = tempDir();
  const tracker = await Tracker.open({ store: dir });
  const run = await tracker.startRun({ experiment: 'e' });
  run.logMetric('m', 1);
  await run.end();
  return { dir, runId: run.id };
}

describe('tracklab doctor', () => {
  it('says a healthy store is healthy (exit 0)', async () => {
    const { dir } = await store();
    const r = doctor(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is healthy/);
  });

  it('repairs torn tails, stale locks, dead temp files and a lost experiment list, after a backup', async () => {
    const { dir, runId } = await store();
    const log = join(dir, 'runs', runId, 'run.jsonl');
    const complete = readFileSync(log, 'utf8');
    writeFileSync(log, `${complete}{"op":"tags","ta`);
    utimesSync(log, old, old);
    writeFileSync(join(dir, 'experiments.json.lock'), JSON.stringify({ pid: 999_999, host: hostname(), token: 't' }));
    utimesSync(join(dir, 'experiments.json.lock'), old, old);
    writeFileSync(join(dir, '.experiments.json.999999.0123456789ab.tmp'), '{');
    rmSync(join(dir, 'experiments.json'));
    const found = doctor(dir);
    assert.equal(found.status, 6);
    for (const re of [
      /run\.jsonl: ends in a torn line of 16 bytes .*\[repairable with --repair\]/,
      /experiments\.json\.lock: is a stale lock/,
      /\.tmp: is a temp file left by a writer that died/,
      /experiments\.json: is missing but the store has runs/,
    ])
      assert.match(found.stdout, re);
    const fixed = doctor(dir, '--repair');
    assert.equal(fixed.status, 0, fixed.stdout);
    assert.equal(readFileSync(log, 'utf8'), complete);
    const backups = readdirSync(join(dir, '.tracklab-backup'));
    assert.equal(backups.length, 1);
    assert.ok(
      readFileSync(join(dir, '.tracklab-backup', backups[0] as string, 'runs', runId, 'run.jsonl'), 'utf8').endsWith(
        '"ta',
      ),
    );
    const tracker = await Tracker.open({ store: dir });
    assert.deepEqual(
      (await tracker.listExperiments()).map((e) => [e.id, e.name]),
      [
        ['0', 'Default'],
        ['1', 'recovered-1'],
      ],
    );
    assert.equal((await tracker.createExperiment('next')).id, '2');
    assert.equal(doctor(dir).status, 0);
  });

  it('reports damage it must not repair, with file and line, and changes nothing', async () => {
    const { dir, runId } = await store();
    const log = join(dir, 'runs', runId, 'run.jsonl');
    const damaged = readFileSync(log, 'utf8').replace('\n', '\n{"op":"tags","tags":{"a":1}}\n');
    writeFileSync(log, damaged);
    const r = doctor(dir, '--repair', '--json');
    assert.equal(r.status, 6);
    const report = JSON.parse(r.stdout) as { findings: { file: string; problem: string }[]; repaired: unknown[] };
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]?.file, log);
    assert.match(report.findings[0]?.problem ?? '', /malformed "tags" change at line 2/);
    assert.equal(report.repaired.length, 0);
    assert.equal(readFileSync(log, 'utf8'), damaged);
    assert.equal(existsSync(join(dir, '.tracklab-backup')), false);
  });
});
