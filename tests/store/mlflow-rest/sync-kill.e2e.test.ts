/**
 * `tracklab sync` killed with SIGKILL again and again while it replays a queue of metric points and artifacts (some
 * of them megabytes, so kills land inside uploads) into a real MLflow server, then run to the end: every run exists
 * once, every point once, every file once with its exact bytes, and nothing is left queued.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Tracker } from '../../../src/index.js';
import { Spool, spoolDirFor, type SpoolFile } from '../../../src/store/mlflow-rest/spool.js';
import { SPOOL_ID_TAG } from '../../../src/store/mlflow-rest/sync.js';
import { distCli, tempDir } from '../../helpers.js';
import { serverSkip, startServer, type TestServer } from '../../mlflow/server.js';

type Point = [string, number, number, number];

/** The queue of a run: batches of points with files between them, as a run logging through an outage leaves it. */
function fillQueue(queue: SpoolFile, files: Map<string, Buffer>, batches: number, big: number): void {
  for (let b = 0; b < batches; b += 1) {
    const metrics = Array.from({ length: 500 }, (_, i): Point => ['loss', b * 500 + i, b * 500 + i, 1_000 + b]);
    queue.append({ op: 'batch', metrics, ...(b === 0 ? { params: { lr: '0.1' }, tags: { phase: 'outage' } } : {}) });
    if (b % 2 === 1) {
      // a few files of megabytes, so that some kills land in the middle of an upload
      const data = randomBytes(b < big * 2 ? 3_000_000 : 2_000 + b);
      const path = `outputs/step-${String(b).padStart(3, '0')}.bin`;
      files.set(path, data);
      queue.addArtifact(path, { data });
    }
  }
  queue.append({ op: 'end', status: 'FINISHED', endTime: 2_000 });
}

describe('tracklab sync killed with SIGKILL while it uploads artifacts', { skip: serverSkip }, () => {
  let server: TestServer;
  let spoolRoot: string;
  const saved = { ...process.env };
  before(async () => {
    server = await startServer();
    spoolRoot = tempDir();
    process.env['TRACKLAB_SPOOL_DIR'] = spoolRoot;
    process.env['TRACKLAB_HTTP_RETRIES'] = '2';
  });
  after(async () => {
    process.env = saved;
    await server?.dispose();
  });

  /** Starts `tracklab sync` and kills it once `killWhen` holds (or lets it finish); returns whether it was killed. */
  const syncUntil = async (killWhen: () => boolean): Promise<boolean> => {
    const child = spawn(process.execPath, [distCli, '--store', server.url, 'sync'], { stdio: 'ignore' });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let running = true;
    void exited.then(() => (running = false));
    while (running && !killWhen()) await new Promise((r) => setTimeout(r, 10));
    if (!running) return false;
    child.kill('SIGKILL');
    await exited;
    return true;
  };

  it('resumes after each kill without losing or doubling runs, points or files', async (t) => {
    const tracker = await Tracker.open({ store: server.url });
    const online = await tracker.startRun({ experiment: 'kill-sync-files' });
    await online.logText('before the outage', 'notes/before.txt');
    await online.flush();
    const spool = new Spool(spoolDirFor(new URL(server.url)));
    const went = spool.file(`000000001-${online.id}`);
    went.append({ op: 'attach', runId: online.id });
    const wentFiles = new Map<string, Buffer>([['notes/before.txt', Buffer.from('before the outage')]]);
    fillQueue(went, wentFiles, 60, 3);
    const bornId = 'f'.repeat(32);
    const born = spool.file(`000000002-${bornId}`);
    born.append({
      op: 'create',
      experimentName: 'kill-sync-born',
      run: { experimentId: 'offline:kill-sync-born', name: 'born', startTime: 1, user: 'ada', tags: {} },
    });
    const bornFiles = new Map<string, Buffer>();
    fillQueue(born, bornFiles, 20, 1);
    const wentOps = went.read().length;
    const total = wentOps + born.read().length;
    const ackPath = (q: SpoolFile): string => q.path.replace(/\.jsonl$/, '.ack.json');
    const done = (q: SpoolFile): number =>
      existsSync(ackPath(q)) ? (JSON.parse(readFileSync(ackPath(q), 'utf8')) as { done: number }).done : 0;
    const progress = (): number =>
      (existsSync(went.path) ? done(went) : wentOps) + (existsSync(born.path) ? done(born) : 0);

    // kill at several points: early, in the middle of the first run, and in the run created from the queue
    const killedAt: number[] = [];
    for (const threshold of [5, 40, wentOps + 8]) {
      if (await syncUntil(() => progress() >= threshold)) killedAt.push(progress());
    }
    t.diagnostic(`killed at ${killedAt.join(', ')} of ${total} operations`);
    assert.ok(
      killedAt.length >= 2 && (killedAt[0] ?? total) < total,
      `killed half-way: ${killedAt.join(', ')} of ${total}`,
    );
    const last = spawnSync(process.execPath, [distCli, '--store', server.url, 'sync'], { encoding: 'utf8' });
    assert.equal(last.status, 0, last.stderr);
    assert.match(last.stdout, new RegExp(`runs complete, 0 still open\\n  ${bornId} -> `));
    assert.deepEqual(spool.pending(), [], 'nothing is left queued');

    const check = await Tracker.open({ store: server.url });
    const bornRuns = (await check.searchRuns({ experiments: ['kill-sync-born'], viewType: 'ALL' })).runs;
    assert.deepEqual(
      bornRuns.map((r) => [r.tags[SPOOL_ID_TAG], r.status]),
      [[bornId, 'FINISHED']],
      'the run started offline was created once',
    );
    for (const [id, files, points] of [
      [online.id, wentFiles, 60 * 500],
      [bornRuns[0]?.id ?? '', bornFiles, 20 * 500],
    ] as const) {
      const history = await check.getMetricHistory(id, 'loss');
      assert.deepEqual([history.length, new Set(history.map((p) => p.step)).size], [points, points], 'points once');
      const run = await check.getRun(id);
      assert.deepEqual([run.status, run.params['lr'], run.tags['phase']], ['FINISHED', '0.1', 'outage']);
      const listed = (await check.listArtifacts(id, '', { recursive: true })).filter((e) => !e.isDir);
      assert.deepEqual(
        listed.map((e) => [e.path, e.size]),
        [...files].map(([path, data]) => [path, data.length]).sort(),
        'every file once, at its full size',
      );
      for (const [path, data] of files) assert.ok((await check.readArtifact(id, path)).equals(data), path);
    }
    const again = spawnSync(process.execPath, [distCli, '--store', server.url, 'sync'], { encoding: 'utf8' });
    assert.match(again.stdout, /synced 0 operations/);
    await check.close();
    await tracker.close();
  });
});
