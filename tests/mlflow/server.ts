/**
 * A real MLflow tracking server for tests: ../shared/mlflow-server (or TRACKLAB_MLFLOW_SERVER_DIR) when present, else
 * an `mlflow` command on PATH (`pip install mlflow`). Tests without either are skipped with SKIP_REASON. One server
 * per test file: startup takes seconds.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../helpers.js';

export const SKIP_REASON = 'needs an MLflow 2.x tracking server: pip install mlflow (or ../shared/mlflow-server)';

/** The folder of serve.sh and python.sh, if this machine has it. */
export function sharedServerDir(): string | undefined {
  const dir = process.env['TRACKLAB_MLFLOW_SERVER_DIR'] ?? resolve(repoRoot, '..', 'shared', 'mlflow-server');
  return existsSync(join(dir, 'serve.sh')) ? dir : undefined;
}

function pipMlflow(): boolean {
  return spawnSync('mlflow', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Undefined when a server can be started here, else the reason to skip. */
export const serverSkip: string | undefined = sharedServerDir() !== undefined || pipMlflow() ? undefined : SKIP_REASON;

export interface TestServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Starts a server with its sqlite database and artifacts in a fresh temp folder. */
export async function startServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tracklab-mlflow-'));
  const shared = sharedServerDir();
  let port = '';
  const server: TestServer = {
    url: '',
    dir,
    start: async () => {
      if (shared) {
        const args = ['start', dir, ...(port ? [port] : [])];
        server.url = execFileSync(join(shared, 'serve.sh'), args, { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
      } else {
        server.url = await startPipServer(dir, port);
      }
      port = new URL(server.url).port;
    },
    stop: async () => {
      if (shared) execFileSync(join(shared, 'serve.sh'), ['stop', dir]);
      else stopPipServer(dir);
      await waitDown(server.url);
    },
    dispose: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function waitDown(url: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    try {
      // a new connection each time, and a timer that keeps the process alive: a probe that reused a pooled socket of
      // the stopped server could wait on it with nothing else pending, and the test runner then cancels the suite
      // ("Promise resolution is still pending but the event loop has already resolved")
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), 2000);
      });
      try {
        await Promise.race([fetch(`${url}/health`, { headers: { connection: 'close' } }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startPipServer(dir: string, port: string): Promise<string> {
  const chosen = port || String(20000 + Math.floor(Math.random() * 20000));
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  const child = spawn(
    'mlflow',
    [
      'server',
      '--backend-store-uri',
      `sqlite:///${dir}/mlflow.db`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      chosen,
      '--workers',
      '2',
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  writeFileSync(join(dir, 'server.pid'), String(child.pid));
  const url = `http://127.0.0.1:${chosen}`;
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(`${url}/health`)).ok) return url;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mlflow server did not start on ${url}`);
}

function stopPipServer(dir: string): void {
  const pid = Number(readFileSync(join(dir, 'server.pid'), 'utf8'));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/** Runs Python with MLflow importable (python.sh, else python3) and returns its stdout parsed as JSON. */
export function python<T>(code: string, env: Record<string, string> = {}): T {
  const shared = sharedServerDir();
  const [cmd, args] = shared ? [join(shared, 'python.sh'), ['-c', code]] : ['python3', ['-c', code]];
  const out = execFileSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as T;
}
