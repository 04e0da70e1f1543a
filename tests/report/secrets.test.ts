/**
 * A corpus of secret patterns planted everywhere a store can hold text, then every file and every file name of the
 * built site is scanned: none may still hold one (redacted, or the file removed and the build failed naming it).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { Tracker } from '../../src/index.js';
import { buildReport } from '../../src/report/index.js';
import { findSecrets, isPublishableBinary, redactDeep, REDACTED, scanSite } from '../../src/report/redact.js';
import { MANIFEST } from '../../src/report/write.js';
import { tempDir } from '../helpers.js';

// Assembled at run time so this file itself holds no token-shaped string.
const j = (...parts: string[]): string => parts.join('');
const CORPUS: Record<string, string> = {
  awsKeyId: j('AKIA', 'IOSFODNN7EXAMPLE'),
  awsSecret: j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY'),
  github: j('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  githubPat: j('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnop'),
  slack: j('xoxb-', '1234567890-abcdefghij'),
  openai: j('sk-', 'proj-abcdefghijklmnopqrstuvwx'),
  huggingface: j('hf_', 'abcdefghijklmnopqrstuvwxyz'),
  gitlab: j('glpat-', 'abcdefghijklmnopqrstu'),
};

function scan(dir: string): string[] {
  const leaks: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    const body = entry.isFile() ? readFileSync(full).toString('latin1') : '';
    for (const [name, secret] of Object.entries(CORPUS)) {
      if (relative(dir, full).includes(secret)) leaks.push(`${name} in the file name ${relative(dir, full)}`);
      if (body.includes(secret)) leaks.push(`${name} in ${relative(dir, full)}`);
    }
  }
  return leaks;
}

describe('secrets in a built site', () => {
  it('the pattern corpus is recognised, in text, nested JSON and binary bytes', () => {
    for (const [name, secret] of Object.entries(CORPUS)) {
      assert.ok(findSecrets(`x ${secret} y`).length > 0, name);
      assert.equal(
        isPublishableBinary(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(secret), Buffer.from([255])])),
        false,
        name,
      );
    }
    assert.equal(findSecrets('commit 3f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708 tokenizer max_tokens').length, 0);
    assert.deepEqual(redactDeep({ db: { password: 'hunter2', nested: [{ apiKey: 42, note: CORPUS['github'] }] } }), {
      db: { password: REDACTED, nested: [{ apiKey: REDACTED, note: REDACTED }] },
    });
  });

  it('no file or file name of the site holds a corpus secret, wherever it was stored', async () => {
    const store = tempDir();
    const tracker = await Tracker.open({ store });
    const secrets = Object.values(CORPUS);
    const run = await tracker.startRun({ experiment: `exp ${CORPUS['awsKeyId']}`, name: `run ${CORPUS['github']}` });
    await run.logParams(Object.fromEntries(secrets.map((s, i) => [`p${i}`, `value ${s}`])));
    await run.logParam(`key_${CORPUS['github']}`, 'x');
    await run.setTag('aws_secret_access_key', CORPUS['awsSecret']);
    run.logMetric('loss', 1);
    await run.logText(secrets.join('\n'), 'notes.txt');
    await run.logDict(
      {
        config: {
          password: 'hunter2',
          token: CORPUS['slack'],
          deep: [{ secret: 'x', url: `https://u:${CORPUS['openai']}@h` }],
        },
      },
      'config.json',
    );
    await run.logText('csv,row\n' + secrets.join(',') + '\n', 'data.csv');
    await run.logText('fine', `named-${CORPUS['huggingface']}.txt`);
    const binary = join(tempDir(), 'model.bin');
    writeFileSync(
      binary,
      Buffer.concat([Buffer.from([0, 159, 146, 150]), Buffer.from(CORPUS['gitlab'] as string), Buffer.from([0])]),
    );
    await run.logArtifact(binary);
    await run.end();
    const out = join(tempDir(), 'site');
    mkdirSync(out);
    const result = await buildReport({ store, out }).then(
      () => 'built',
      (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
    );
    assert.ok(result === 'built' || /^INVALID_STATE: .*holding secret patterns, now removed/.test(result), result);
    assert.deepEqual(scan(out), [], `build ${result}`);
  });
});

describe('the last-line scan of a rebuilt site', () => {
  it('scans only the files named, and a redacted build marks its manifest as scanned', async () => {
    const dir = tempDir();
    const key = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
    writeFileSync(join(dir, 'kept.txt'), `aws ${key}`);
    writeFileSync(join(dir, 'new.txt'), 'nothing here');
    assert.deepEqual(
      scanSite(dir).map((f) => f.path),
      ['kept.txt'],
    );
    assert.deepEqual(scanSite(dir, ['new.txt']), []);
    assert.equal(scanSite(dir, ['kept.txt']).length, 1);

    const store = join(tempDir(), 'store');
    const tracker = await Tracker.open({ store });
    const run = await tracker.startRun({ experiment: 'scan', name: 'a' });
    run.logMetric('loss', 1);
    await run.end();
    await tracker.close();
    const out = join(tempDir(), 'site');
    const manifest = () => JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as { scanned?: boolean };
    await buildReport({ store, out, redact: false });
    assert.equal(manifest().scanned, undefined, 'a build without redaction vouches for nothing');
    await buildReport({ store, out, incremental: true });
    assert.equal(manifest().scanned, true);
  });
});
