/** `tracklab doctor [--repair]`: checks every file of the store; exit 0 when healthy, 6 (CORRUPT_STORE) otherwise. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT_STATUS, invalid, notFound } from '../core/errors.js';
import { defaultStorePath } from '../store/resolve-store.js';
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
    throw notFound(`no tracklab store at ${root} (it has no tracklab-store.json); pass --store <folder>`);
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

function formatReport(report: DoctorReport, repair: boolean): string {
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
  if (report.backup) lines.push(`backup of every changed file: ${report.backup}`);
  for (const { finding, error } of report.failed) lines.push(`could not repair ${finding.file}: ${error}`);
  return lines.join('\n');
}

/** Resolves the store folder as the other commands do (only local JSON stores can be checked). */
function storeFolder(location: string | undefined): string {
  const where = location ?? process.env['TRACKLAB_STORE'] ?? defaultStorePath();
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(where) && !where.startsWith('file:')) {
    throw invalid(`tracklab doctor checks local JSON stores; ${where} is not one`);
  }
  return resolve(where.startsWith('file:') ? new URL(where).pathname : where);
}

/**
 * `tracklab doctor [--repair] [--json]` on the store named by `--store` (or the default one): the text to print and the
 * exit status (0 healthy, 6 when damage is left).
 */
export function doctor(
  store: string | undefined,
  opts: { repair?: boolean; json?: boolean },
): { text: string; status: number } {
  const report = runDoctor(storeFolder(store), { repair: opts.repair === true });
  const text = opts.json ? JSON.stringify(report, null, 2) : formatReport(report, opts.repair === true);
  return { text, status: doctorExitStatus(report) };
}
