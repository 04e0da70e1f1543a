/**
 * `tracklab doctor` on MLflow's own stores (an `mlruns` folder and an `mlflow.db` made by MLflow 2.12.2): a read-only
 * check that names each damaged file and line, repairs nothing, writes nothing, and exits 6 when damage is found.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { distCli, repoRoot, tempDir } from '../helpers.js';
import { SQLITE_SKIP, sqliteBinding } from '../sqlite-binding.js';

const doctor = (store: string, ...args: string[]) =>
  spawnSync(process.execPath, [distCli, '--store', store, 'doctor', ...args], { encoding: 'utf8' });

/** Every file under `dir` with its size, mtime and bytes, to prove a check wrote nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const st = statSync(file);
    out.set(file, `${st.size} ${st.mtimeMs} ${readFileSync(file).toString('base64')}`);
  }
  return out;
}

function copyMlruns(): string {
  const dir = join(tempDir(), 'mlruns');
  cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-2.12.2', 'mlruns'), dir, { recursive: true });
  return dir;
}

describe('tracklab doctor on an mlruns folder', () => {
  it('says a healthy folder is healthy and writes nothing', () => {
    const dir = copyMlruns();
    const before = snapshot(dir);
    for (const store of [dir, `mlruns:${dir}`]) {
      const r = doctor(store);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /is healthy/);
    }
    assert.deepEqual(snapshot(dir), before);
  });

  it('names each damaged file (and line), even past an unreadable experiment; --repair changes nothing', () => {
    const dir = copyMlruns();
    const experiment = readdirSync(dir).filter((n) => /^\d+$/.test(n) && n !== '0');
    const [broken, other] = experiment as [string, string];
    writeFileSync(join(dir, broken, 'meta.yaml'), 'bad: yaml: [\n');
    const run = readdirSync(join(dir, other)).find((n) => /^[0-9a-f]{32}$/.test(n)) as string;
    const metric = readdirSync(join(dir, other, run, 'metrics'))[0] as string;
    const series = join(dir, other, run, 'metrics', metric);
    const lines = readFileSync(series, 'utf8').split('\n').length;
    appendFileSync(series, 'garbage line\n');
    const before = snapshot(dir);
    const r = doctor(dir, '--repair', '--json');
    assert.equal(r.status, 6, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string; problem: string }[]; repaired: unknown[] };
    assert.deepEqual(report.repaired, []);
    const files = report.findings.map((f) => f.file);
    assert.ok(files.includes(join(dir, broken, 'meta.yaml')), r.stdout);
    const found = report.findings.find((f) => f.file === series);
    assert.ok(found, r.stdout);
    assert.match(found.problem, new RegExp(`line ${lines} `));
    assert.deepEqual(snapshot(dir), before);
    assert.match(doctor(dir).stdout, /checked read-only/);
  });
});

describe('tracklab doctor on an mlflow.db', { skip: SQLITE_SKIP }, () => {
  function copyDb(): string {
    const dir = tempDir();
    cpSync(join(repoRoot, 'tests', 'fixtures', 'mlflow-db', 'mlflow.db'), join(dir, 'mlflow.db'));
    return join(dir, 'mlflow.db');
  }

  it('says a healthy database is healthy and does not change it', () => {
    const db = copyDb();
    const before = readFileSync(db);
    for (const store of [`sqlite:///${db}`, db]) {
      const r = doctor(store);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /is healthy/);
    }
    assert.deepEqual(readFileSync(db), before);
  });

  it('reports rows that point at missing runs, and a file that is not a database', () => {
    const db = copyDb();
    const Sqlite = sqliteBinding();
    const conn = new Sqlite(db);
    conn.pragma('foreign_keys = OFF');
    conn
      .prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)')
      .run('loss', 1, 1, 'ffffffffffffffffffffffffffffffff', 0, 0);
    conn.close();
    const r = doctor(`sqlite:///${db}`);
    assert.equal(r.status, 6, r.stdout + r.stderr);
    assert.match(r.stdout, /mlflow\.db: row \d+ of table metrics refers to a row of runs that does not exist/);

    const junk = join(tempDir(), 'mlflow.db');
    writeFileSync(junk, 'not a database at all, just text that is long enough to have a header. '.repeat(20));
    const j = doctor(`sqlite:///${junk}`);
    assert.equal(j.status, 6, j.stdout + j.stderr);
    assert.match(j.stdout, /mlflow\.db: .*(not a database|cannot be)/);
  });
});
