/** Choosing a backend by URI scheme and by what a folder holds; a foreign folder is never taken over. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { openJsonBackend } from '../../src/store/json/json-backend.js';
import { detectFolder, openBackend, registerBackend } from '../../src/store/resolve-store.js';
import { tempDir } from '../helpers.js';
import { SQLITE_SKIP } from '../sqlite-binding.js';

describe('openBackend', () => {
  it('opens a new folder, a plain path or a file: URI as a tracklab JSON store', async () => {
    const dir = tempDir();
    const a = await openBackend(join(dir, 'a'));
    assert.equal(a.kind, 'json');
    assert.ok(a.registry, 'the JSON store keeps a registry');
    assert.equal(detectFolder(join(dir, 'a')), 'json');
    const b = await openBackend('file:./b', dir);
    assert.equal(b.uri, pathToFileURL(join(dir, 'b')).href);
    const again = await openBackend(pathToFileURL(join(dir, 'a')).href);
    assert.equal(again.kind, 'json');
    assert.equal(again.uri, a.uri);
    for (const x of [a, b, again]) await x.close();
  });

  it('refuses a non-empty folder that is no store, and leaves it untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'thesis.tex'), 'x');
    mkdirSync(join(dir, 'data'));
    await assert.rejects(openBackend(dir), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'INVALID_PARAMETER_VALUE');
      assert.match(error.message, new RegExp(`folder ${dir} is neither a tracklab store`));
      return true;
    });
    assert.deepEqual(readdirSync(dir).sort(), ['data', 'thesis.tex']);
    assert.equal(detectFolder(dir), 'foreign');
  });

  it('accepts a folder holding only dot files as empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.gitkeep'), '');
    const backend = await openBackend(dir);
    assert.equal(backend.kind, 'json');
    await backend.close();
  });

  it("sees a store another process is creating (runs/ and the description's lock, no description yet) as tracklab's", () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'tracklab-store.json.lock'), '');
    assert.equal(detectFolder(dir), 'json');
    writeFileSync(join(dir, 'notes.txt'), '');
    assert.equal(detectFolder(dir), 'foreign');
  });

  it('opens MLflow folders with the MLflow backend: by content, by name when new, and by mlruns:', async () => {
    const dir = tempDir();
    const fresh = await openBackend('file:./mlruns', dir);
    assert.equal(fresh.kind, 'mlruns', "a new folder named mlruns gets MLflow's layout");
    assert.ok(existsSync(join(dir, 'mlruns', '0', 'meta.yaml')) && existsSync(join(dir, 'mlruns', '.trash')));
    await fresh.close();
    mkdirSync(join(dir, 'renamed'));
    cpSync(join(dir, 'mlruns'), join(dir, 'renamed'), { recursive: true });
    assert.equal(detectFolder(join(dir, 'renamed')), 'mlruns');
    const byContent = await openBackend(join(dir, 'renamed'));
    assert.equal(byContent.kind, 'mlruns');
    assert.equal(byContent.uri, `mlruns://${pathToFileURL(join(dir, 'renamed')).pathname}`);
    const again = await openBackend(byContent.uri);
    assert.equal(again.uri, byContent.uri, 'the backend URI opens the same store');
    const elsewhere = await openBackend(`mlruns:${join(dir, 'other')}`);
    assert.equal(elsewhere.kind, 'mlruns');
    for (const b of [byContent, again, elsewhere]) await b.close();
  });

  it('names the schemes it supports for an unknown one', async () => {
    await assert.rejects(openBackend('ftp://host/x'), {
      code: 'INVALID_PARAMETER_VALUE',
      message: /unsupported scheme "ftp:".*file:/,
    });
  });

  it('opens sqlite: URIs with the MLflow database backend', { skip: SQLITE_SKIP }, async () => {
    const backend = await openBackend(`sqlite:///${join(tempDir(), 'mlflow.db')}`);
    assert.equal(backend.kind, 'sqlite');
    await backend.close();
  });

  it('opens schemes other backends register', async () => {
    const dir = tempDir();
    let seen = '';
    registerBackend('demo+folder', async (location) => {
      seen = location;
      return openJsonBackend(join(dir, 'demo'));
    });
    const backend = await openBackend('demo+folder://anything');
    assert.equal(seen, 'demo+folder://anything');
    assert.equal(backend.kind, 'json');
    await backend.close();
  });
});
