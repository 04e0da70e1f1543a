/** Starts a private `jupyter notebook` server on 127.0.0.1 for headless runs, and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { TracklabError } from '../core/errors.js';
import { execMessages as msg } from './messages.js';

export interface JupyterServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  python: string;
  /** the server's notebook folder: kernels start with it as their working directory */
  rootDir: string;
  env: NodeJS.ProcessEnv;
  /** default 60 s */
  timeoutMs?: number;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `python -m notebook` with a random token and waits until `GET /api` answers.
 *
 * @example
 * const server = await startJupyterServer({ python: '/usr/bin/python3', rootDir: 'notebooks', env: process.env });
 * await server.stop();
 */
export async function startJupyterServer(o: StartServerOptions): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${o.rootDir}`,
    '--NotebookApp.open_browser=False',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  // kernels started without a session inherit the server's working folder: make it the notebook's, as Jupyter does
  const child = spawn(o.python, args, { cwd: o.rootDir, env: o.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  // if this process ends without stopping the server (an uncaught error, Ctrl-C), the server and its kernels go too
  const stopOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);
  const stop = (): Promise<void> => {
    process.removeListener('exit', stopOnExit);
    return stopProcess(child);
  };
  try {
    await waitReady(url, token, child, () => stderr, o.timeoutMs ?? 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, token, stop };
}

async function waitReady(
  url: string,
  token: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  child.once('error', (e) => {
    exited = -1;
    stderrErr = e.message;
  });
  let stderrErr = '';
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new TracklabError('IO_ERROR', msg.serverExited(exited, stderrErr || stderr()));
    try {
      const res = await fetch(`${url}/api`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new TracklabError('IO_ERROR', msg.serverTimeout(url, Math.round(timeoutMs / 1000)));
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
