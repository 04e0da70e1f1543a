/** Every text the CLI itself shows a user (the layers below have their own catalogues), so tests can assert on them. */
const q = (s: string): string => JSON.stringify(s);

export const cliMessages = {
  notPositiveInteger: (flag: string, value: string) => `${flag} ${q(value)} is not a positive integer; give 1 or more`,
  notPositiveSeconds: (flag: string, value: string) => `${flag} ${q(value)} is not a positive number of seconds`,
  aliasVersionAndDelete: (alias: string) => `give either a VERSION or --delete for alias ${q(alias)}, not both`,
  aliasNeedsVersion: (alias: string) => `give the VERSION alias ${q(alias)} should point to, or --delete to remove it`,
  unexpected: (text: string) => `unexpected error: ${text}; please report it with the command you ran`,
  noRuns: () => 'no runs',
  noModels: () => 'no registered models',
  noStore: (folder: string, hint: string) => `no tracklab store at ${folder} (it has no tracklab-store.json); ${hint}`,
  noStoreHintDoctor: () => 'pass --store <folder>',
  noStoreHintFirstRun: () => 'log a run there first, or pass --store <folder>',
  doctorNotLocal: (where: string) =>
    `tracklab doctor checks local stores (a folder, mlruns:PATH or sqlite:///PATH); ${where} is not one`,
  compactNotJson: (uri: string, kind: string) =>
    `tracklab compact works on tracklab's JSON store; ${uri} is a ${kind} store, whose histories are read as they are`,
  syncNotServer: (uri: string, kind: string) =>
    `tracklab sync replays the offline queue of an MLflow server; ${uri} is a ${kind} store, ` +
    'give the server with --store http://host:port (or MLFLOW_TRACKING_URI)',
  syncSpoolOff: () => 'the offline queue is turned off (TRACKLAB_SPOOL=off); nothing to sync',
} as const;
