/**
 * Serves a built report site on 127.0.0.1 while the kernel runs. Jupyter serves /files/ in a sandbox with its own
 * Content-Security-Policy, which refuses the site's stylesheet and scripts; a plain local server does not.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

export interface SiteServer {
  /** The URL of `<siteDir>/index.html`, starting a server for that folder on first use. */
  link(siteDir: string): Promise<string>;
  close(): void;
}

export function createSiteServer(): SiteServer {
  const servers = new Map<string, Promise<{ server: Server; port: number }>>();
  return {
    async link(siteDir) {
      const root = resolve(siteDir);
      let s = servers.get(root);
      if (!s) servers.set(root, (s = listen(root)));
      return `http://127.0.0.1:${(await s).port}/index.html`;
    },
    close() {
      for (const s of servers.values()) void s.then(({ server }) => server.close());
    },
  };
}

function listen(root: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (req.method !== 'GET' || (file !== root && !file.startsWith(root + sep))) {
      res.writeHead(404).end();
      return;
    }
    stat(file)
      .then((st) => {
        if (!st.isFile()) throw new Error('not a file');
        res.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'no-cache',
        });
        createReadStream(file).pipe(res);
      })
      .catch(() => res.writeHead(404).end());
  });
  server.unref();
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      ok({ server, port: typeof addr === 'object' && addr ? addr.port : 0 });
    });
  });
}
