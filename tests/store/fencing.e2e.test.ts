/**
 * Lock holders paused (SIGSTOP) past the stale timeout while other processes keep writing: every change that returned
 * success is stored, and no experiment id or model version is handed out twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { JsonRegistry } from '../../src/store/json/json-registry.js';
import { STALE_MS } from '../../src/store/json/lock.js';
import { repoRoot, tempDir } from '../helpers.js';

const WORKER = join(repoRoot, 'tests', 'workers', 'doc-writer.mjs');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Worker {
  child: ChildProcess;
  lines: string[];
  done: Promise<void>;
}

function start(store: string, mode: string, seconds: number): Worker {
  const child = spawn(process.execPath, [WORKER, store, mode, String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => {
      lines.push(...out.split('\n').filter(Boolean));
      if (code === 0) resolve();
      else reject(new Error(`worker exited ${code}: ${err}`));
    }),
  );
  return { child, lines, done };
}

/** The pid in a lock file, if one is held right now. */
function lockOwner(file: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** Stops whichever worker holds the lock of `file` for longer than the stale timeout, then resumes it. */
async function pauseHolder(file: string, workers: Worker[]): Promise<boolean> {
  const pids = new Set(workers.map((w) => w.child.pid));
  for (let tries = 0; tries < 2000; tries++) {
    const pid = lockOwner(file);
    if (pid !== undefined && pids.has(pid)) {
      process.kill(pid, 'SIGSTOP');
      const stillHolds = lockOwner(file) === pid;
      if (stillHolds) await sleep(STALE_MS + 1500);
      process.kill(pid, 'SIGCONT');
      if (stillHolds) return true;
    }
    await sleep(1);
  }
  return false;
}

describe('paused lock holders (SIGSTOP past the stale timeout)', () => {
  it('lose no returned experiment or model version and hand out no id twice', async () => {
    const store = tempDir();
    await (await Tracker.open({ store })).close();
    const registry = new JsonRegistry(store);
    await registry.createModelVersion('m', {
      source: 's',
      runId: 'r',
      path: 'p',
      description: '',
      tags: {},
      user: 'u',
    });
    const seconds = 2 * (STALE_MS / 1000 + 1.5) + 3;
    const workers = [
      ...Array.from({ length: 3 }, () => start(store, 'experiments', seconds)),
      ...Array.from({ length: 3 }, () => start(store, 'versions', seconds)),
    ];
    await sleep(1000);
    const paused = await Promise.all([
      (async () => [
        await pauseHolder(join(store, 'experiments.json'), workers.slice(0, 3)),
        await pauseHolder(join(store, 'experiments.json'), workers.slice(0, 3)),
      ])(),
      (async () => [
        await pauseHolder(join(store, 'registry', 'models', 'm.json'), workers.slice(3)),
        await pauseHolder(join(store, 'registry', 'models', 'm.json'), workers.slice(3)),
      ])(),
    ]);
    assert.deepEqual(paused.flat(), [true, true, true, true], 'each pause caught a worker inside the lock');
    await Promise.all(workers.map((w) => w.done));

    const lines = workers.flatMap((w) => w.lines);
    const returnedExps = lines.filter((l) => l.startsWith('exp ')).map((l) => l.split(' '));
    const returnedVersions = lines.filter((l) => l.startsWith('ver ')).map((l) => Number(l.split(' ')[1]));
    const tracker = await Tracker.open({ store });
    const stored = new Map((await tracker.listExperiments()).map((e) => [e.id, e.name]));
    assert.equal(
      new Set(returnedExps.map(([, id]) => id)).size,
      returnedExps.length,
      'an experiment id was returned twice',
    );
    for (const [, id, name] of returnedExps)
      assert.equal(stored.get(id as string), name, `experiment ${name} (id ${id}) was lost`);
    assert.equal(new Set(returnedVersions).size, returnedVersions.length, 'a model version was returned twice');
    const versions = new Set((await registry.getRegisteredModel('m')).versions.map((v) => v.version));
    for (const v of returnedVersions) assert.ok(versions.has(v), `version ${v} returned success but is not stored`);
    assert.equal(versions.size, returnedVersions.length + 1);
    console.log(
      `fencing: ${returnedExps.length} experiments and ${returnedVersions.length} versions returned, all stored once`,
    );
  });
});
