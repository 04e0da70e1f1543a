/** Setup shared by the tests that stop a real MLflow server mid-run: the server and an offline queue folder. */
import { after, before } from 'node:test';
import { tempDir } from '../../helpers.js';
import { startServer, type TestServer } from '../../mlflow/server.js';

/**
 * Starts a real MLflow server before the tests of the enclosing describe, points TRACKLAB_SPOOL_DIR at a fresh folder
 * and sets TRACKLAB_HTTP_RETRIES to `retries`; after them, restores the environment and stops the server.
 */
export function serverWithSpool(retries: number, ready: (server: TestServer, spoolRoot: string) => void): void {
  const saved = { ...process.env };
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer();
    const spoolRoot = tempDir();
    process.env['TRACKLAB_SPOOL_DIR'] = spoolRoot;
    process.env['TRACKLAB_HTTP_RETRIES'] = String(retries);
    ready(server, spoolRoot);
  });
  after(async () => {
    process.env = saved;
    await server?.dispose();
  });
}
