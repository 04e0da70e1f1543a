/**
 * What an import did (or would do, with --dry-run): counts per kind, conflicts, and what the destination cannot hold.
 */

export interface TransferSummary {
  dryRun: boolean;
  sources: string[];
  destination: string;
  experiments: { created: number; merged: number };
  runs: { copied: number; identical: number; conflicts: number };
  metricPoints: number;
  params: number;
  tags: number;
  datasetInputs: number;
  artifacts: { files: number; bytes: number };
  models: { created: number; merged: number };
  versions: { copied: number; identical: number; conflicts: number };
  aliases: number;
  /** one line per conflict: the existing item is left as it is */
  conflicts: string[];
  /** data the destination cannot hold, per kind (never dropped silently) */
  notHeld: string[];
  /** after copying: runs and versions read back from the destination and compared with their source */
  verified: { runs: number; versions: number; mismatches: string[] };
}

export function emptySummary(sources: string[], destination: string, dryRun: boolean): TransferSummary {
  return {
    dryRun,
    sources,
    destination,
    experiments: { created: 0, merged: 0 },
    runs: { copied: 0, identical: 0, conflicts: 0 },
    metricPoints: 0,
    params: 0,
    tags: 0,
    datasetInputs: 0,
    artifacts: { files: 0, bytes: 0 },
    models: { created: 0, merged: 0 },
    versions: { copied: 0, identical: 0, conflicts: 0 },
    aliases: 0,
    conflicts: [],
    notHeld: [],
    verified: { runs: 0, versions: 0, mismatches: [] },
  };
}

/** The summary as the CLI prints it. */
export function formatTransferSummary(s: TransferSummary): string {
  const would = s.dryRun ? 'would copy' : 'copied';
  const lines = [
    `${s.dryRun ? 'dry run: nothing written. ' : ''}${s.sources.join(', ')} -> ${s.destination}`,
    `experiments: ${s.experiments.created} new, ${s.experiments.merged} merged by name`,
    `runs: ${s.runs.copied} ${would}, ${s.runs.identical} already present, ${s.runs.conflicts} conflicting`,
    `  ${s.metricPoints} metric points, ${s.params} params, ${s.tags} tags, ${s.datasetInputs} dataset inputs, ` +
      `${s.artifacts.files} artifact files (${s.artifacts.bytes} bytes)`,
    `models: ${s.models.created} new, ${s.models.merged} merged; versions: ${s.versions.copied} ${would}, ` +
      `${s.versions.identical} already present, ${s.versions.conflicts} conflicting; ${s.aliases} aliases set`,
  ];
  if (!s.dryRun) {
    lines.push(
      `verified: ${s.verified.runs} runs and ${s.verified.versions} versions read back` +
        (s.verified.mismatches.length === 0
          ? ', all equal to their source'
          : `, ${s.verified.mismatches.length} differ:`),
    );
    for (const m of s.verified.mismatches) lines.push(`  ! ${m}`);
  }
  for (const c of s.conflicts) lines.push(`conflict: ${c}`);
  for (const n of s.notHeld) lines.push(`not held by the destination: ${n}`);
  return lines.join('\n');
}
