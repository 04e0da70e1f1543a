/**
 * `tracklab doctor [--repair]`: checks every file of the store; exit 0 when healthy, 6 (CORRUPT_STORE) otherwise.
 * tracklab's JSON stores get repairs; MLflow's `mlruns` folders and `mlflow.db` files get a read-only check.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT_STATUS, invalid, notFound } from '../core/errors.js';
import { cliMessages } from './messages.js';
import { checkMlflowDb, checkMlruns } from '../store/backend-doctor.js';
import { defaultStorePath, detectFolder } from '../store/resolve-store.js';
import { sqlitePath } from '../store/sqlite/sqlite-backend.js';
import { checkStore, type Finding } from '../store/json/doctor.js';
import { applyRepair } from '../store/json/doctor-repairs.js';

/** What a doctor run found and did. */
export interface DoctorReport {
  store: string;
  findings: Finding[];
  repaired: Finding[];
  failed: { finding: Finding; error: string }[];
  backup: string | null;
}

/**
 * Checks the JSON store in `root`; with `repair`, applies the safe repairs after backing up what they touch.
 *
 * @example
 * const report = runDoctor('./tracklab', { repair: false });
 * if (report.findings.length > 0) console.log(report.findings.map((f) => `${f.file}: ${f.problem}`).join('\n'));
 */
export function runDoctor(root: string, options: { repair: boolean }): DoctorReport {
  if (!existsSync(join(root, 'tracklab-store.json')) && !existsSync(join(root, 'runs'))) {
    throw notFound(cliMessages.noStore(root, cliMessages.noStoreHintDoctor()));
  }
  const findings = checkStore(root);
  const report: DoctorReport = { store: root, findings, repaired: [], failed: [], backup: null };
  if (!options.repair) return report;
  for (const finding of findings) {
    if (!finding.repair) continue;
    report.backup ??= join(root, '.tracklab-backup', new Date().toISOString().replace(/[:.]/g, '-'));
    try {
      applyRepair(root, report.backup, finding.repair);
      report.repaired.push(finding);
    } catch (error) {
      report.failed.push({ finding, error: (error as Error).message });
    }
  }
  return report;
}

/** The exit status: 0 when nothing is left to fix. */
export function doctorExitStatus(report: DoctorReport): number {
  return report.findings.length === report.repaired.length ? 0 : EXIT_STATUS.CORRUPT_STORE;
}

function formatReport(report: DoctorReport, repair: boolean, readOnly: boolean): string {
  if (report.findings.length === 0) return `store ${report.store} is healthy`;
  const lines = report.findings.map((f) => {
    const state = report.repaired.includes(f)
      ? 'repaired'
      : f.repair
        ? repair
          ? 'repair failed'
          : 'repairable with --repair'
        : 'needs a person';
    return `${f.file}: ${f.problem} [${state}]`;
  });
  if (readOnly) lines.push('(an MLflow store: checked read-only; tracklab repairs only its own JSON stores)');
  if (report.backup) lines.push(`backup of every changed file: ${report.backup}`);
  for (const { finding, error } of report.failed) lines.push(`could not repair ${finding.file}: ${error}`);
  return lines.join('\n');
}

type Target = { kind: 'json' | 'mlruns'; path: string } | { kind: 'sqlite'; path: string };

/** Resolves the store as the other commands do: a JSON store or `mlruns` folder, or an MLflow SQLite database. */
function storeTarget(location: string | undefined): Target {
  const where = location ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath();
  if (/^sqlite:/i.test(where)) return { kind: 'sqlite', path: sqlitePath(where, process.cwd()) };
  if (/^mlruns:/i.test(where)) {
    const rest = where.slice('mlruns:'.length);
    return { kind: 'mlruns', path: resolve(rest.startsWith('//') ? new URL(`file:${rest}`).pathname : rest) };
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(where) && !where.startsWith('file:')) {
    throw invalid(cliMessages.doctorNotLocal(where));
  }
  const path = resolve(where.startsWith('file:') ? new URL(where).pathname : where);
  if (existsSync(path) && statSync(path).isFile()) return { kind: 'sqlite', path };
  return { kind: detectFolder(path) === 'mlruns' ? 'mlruns' : 'json', path };
}

/**
 * `tracklab doctor [--repair] [--json]` on the store named by `--store` (or the default one): the text to print and the
 * exit status (0 healthy, 6 when damage is left).
 */
export async function doctor(
  store: string | undefined,
  opts: { repair?: boolean; json?: boolean },
): Promise<{ text: string; status: number }> {
  const target = storeTarget(store);
  let report: DoctorReport;
  if (target.kind === 'json') {
    report = runDoctor(target.path, { repair: opts.repair === true });
  } else {
    const findings = target.kind === 'mlruns' ? await checkMlruns(target.path) : await checkMlflowDb(target.path);
    report = { store: target.path, findings, repaired: [], failed: [], backup: null };
  }
  const readOnly = target.kind !== 'json';
  const text = opts.json ? JSON.stringify(report, null, 2) : formatReport(report, opts.repair === true, readOnly);
  return { text, status: doctorExitStatus(report) };
}
