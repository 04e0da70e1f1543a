/**
 * Every text the stores (folder, SQLite, MLflow server) show a user, in one place so tests can assert on them and the
 * backends say the same thing for the same failure. Each names the offending value or file and says what to do.
 */
const q = (value: string): string => JSON.stringify(value);
const list = (items: readonly string[]): string => items.join(', ') || 'none';

export const storeMessages = {
  // experiments
  experimentExists: (name: string, deleted: boolean) =>
    `experiment ${q(name)} already exists` +
    (deleted ? ' (deleted; restore it with `tracklab experiments restore` or choose another name)' : ''),
  experimentMissing: (id: string, store: string) =>
    `experiment id ${q(id)} does not exist in store ${store}; list them with \`tracklab experiments list\``,
  experimentDeleted: (name: string) =>
    `experiment ${q(name)} is deleted; restore it with \`tracklab experiments restore ${q(name)}\` or use another name`,
  experimentDeletedNoRuns: (experiment: string) =>
    `experiment ${experiment} is deleted; restore it with \`tracklab experiments restore\` before starting runs in it`,
  defaultExperimentUndeletable: () => 'the Default experiment (id 0) cannot be deleted',
  experimentFolderNoMeta: (dir: string, meta: string) => `experiment folder ${dir} has no ${meta}`,
  experimentDeletedNoTags: (id: string) => `experiment ${id} is deleted; restore it before setting tags`,

  // runs
  runMissing: (id: string, store: string) =>
    `run ${q(id)} does not exist in store ${store}; list runs with \`tracklab runs list\``,
  runExists: (id: string, store: string) => `run ${id} already exists in ${store}`,
  runBeingCreated: (id: string, file: string, what: string) =>
    `run ${q(id)} is still being created, or its creation was interrupted (${file} ${what})`,
  tagMissing: (id: string, key: string) => `run ${id} has no tag ${q(key)}`,

  // artifacts
  artifactSourceUnreadable: (localPath: string, reason: string) => `cannot log artifact ${localPath}: ${reason}`,
  artifactSourceIsRoot: (localPath: string) =>
    `cannot log artifact ${localPath}: give a file or a folder below the file system root`,
  artifactPathEmpty: () => 'artifact path "" is invalid: give a file name such as "notes.md"',
  artifactPathOutside: (path: string) => `artifact path ${q(path)} is not a file path inside the run`,
  artifactNotAFolder: (dir: string, runId: string) => `artifact path ${q(dir)} of run ${runId} is a file, not a folder`,
  artifactMissing: (path: string, where: string) =>
    `artifact ${q(path)} does not exist in ${where}; list them with tracker.listArtifacts()`,
  artifactLinkOutside: (path: string, runId: string) =>
    `artifact ${q(path)} of run ${runId} is a symlink that points outside the store; refused`,
  artifactFolderLinkOutside: (path: string, runId: string) =>
    `artifact folder ${path} of run ${runId} is a symlink that leads outside the run's artifacts; refused`,
  artifactsUnreachable: (owner: string, uri: string) =>
    `${owner} keeps its artifacts at ${uri}, which tracklab cannot reach from here; start the MLflow ` +
    'server with --serve-artifacts (the default in MLflow 2 and 3) so artifacts go through it',
  artifactSchemeUnknown: (runId: string, uri: string, scheme: string, known: readonly string[]) =>
    `run ${runId} keeps its artifacts at ${uri}, whose scheme "${scheme}:" this tracklab cannot read; ` +
    `supported: ${known.join(', ')}`,
  artifactUriOutside: (runId: string, uri: string) =>
    `run ${runId} has artifact URI ${uri}, which leaves its artifacts folder`,

  // registry
  modelExists: (name: string) =>
    `registered model ${q(name)} already exists; register new versions with tracker.registerModel()`,
  modelMissing: (name: string, hint: string) => `registered model ${q(name)} does not exist; ${hint}`,
  listModelsHint: () => 'list models with `tracklab models list`',
  modelNameClash: (name: string, stored: string) =>
    `model name ${q(name)} clashes with the registered model ${q(stored)} (names are unique ignoring case); ` +
    `use ${q(stored)} or another name`,
  noSuchVersion: (name: string, version: number, known: readonly number[] | undefined) =>
    `model ${q(name)} has no version ${version}` + (known ? `; its versions are: ${list(known.map(String))}` : ''),
  noSuchAlias: (name: string, alias: string, known: readonly string[]) =>
    `model ${q(name)} has no alias ${q(alias)}; its aliases are: ${list(known.map((a) => `@${a}`))}`,
  liveVersions: (name: string, live: readonly string[]) =>
    `model ${q(name)} has versions in ${live.join(', ')}; archive them before deleting the model`,
  archiveNeedsLiveStage: (stage: string) =>
    `archive-existing works only when moving to Staging or Production, not ${q(stage)}; drop the option`,

  // store files and URIs
  backendNotAvailable: (where: string, scheme: string, known: string) =>
    `store URI ${q(where)}: the ${scheme}: backend is not available in this tracklab; supported: ${known} or a folder path`,
  schemeUnsupported: (where: string, scheme: string, known: string) =>
    `store URI ${q(where)} has an unsupported scheme "${scheme}:"; supported: ${known} or a folder path`,
  layoutVersion: (root: string, found: number, reads: number) =>
    `store ${root} has layout version ${found}, this tracklab reads version ${reads}; ` +
    (found > reads ? 'upgrade tracklab' : 'migrate it with a matching tracklab release'),
  notAStore: (path: string, shown: string) =>
    `folder ${path} is neither a tracklab store (no tracklab-store.json) nor an MLflow store (no meta.yaml ` +
    `experiments) and is not empty (${shown}); tracklab does not take it over: ` +
    'give an empty or new folder with --store, or an MLflow folder as mlruns:PATH',
  notASqliteUri: (uri: string) =>
    `store URI ${q(uri)} is not a SQLite database URI; write sqlite:///relative/path.db or ` +
    'sqlite:////absolute/path.db, as MLflow does',
  sqliteMissing: (reason: string) =>
    `the sqlite: backend needs the optional dependency better-sqlite3 12.x, which did not load (${reason}); ` +
    'install it with `npm install better-sqlite3@12` (a prebuilt binary for Node 20, or a build that needs python3, ' +
    'make and g++)',
  sqliteReadOnlyRevision: (path: string, revision: string, writable: readonly string[]) =>
    `${path} has MLflow schema revision ${revision}, which tracklab does not write ` +
    `(it writes ${writable.join(', ')}, what MLflow 2.12.2 creates); it can still be read, e.g. ` +
    '`tracklab report` or `tracklab import`',
  sqliteBusy: (path: string, seconds: number) =>
    `${path} stayed locked by another process for ${seconds} s; retry when the other writer is done`,
  sqliteTablesMissing: (path: string, revision: string, known: boolean, table: string, missing: readonly string[]) =>
    `${path} (MLflow schema revision ${revision}, ${known ? 'a' : 'an unknown'} revision) lacks ${table}` +
    `(${missing.join(', ')}), which tracklab reads; upgrade it with \`mlflow db upgrade sqlite:///${path}\``,

  // what is wrong with a damaged store file: the end of "store file <file> ...; fix or restore it by hand"
  fileEmpty: () => 'is empty',
  fileEmptyTorn: () => 'is empty (a write was interrupted)',
  fileAbsent: () => 'is missing',
  fileNotJson: (reason: string) => `is not valid JSON (${reason})`,
  fileNotShape: (describe: string) => `does not hold ${describe}`,
  fileChecksum: (field: string) =>
    'does not match its checksum: it changed after tracklab wrote it (damage, or an edit by hand). Restore it from ' +
    `a backup; if the edit was deliberate, delete its "${field}" field to accept the file as it now is`,
  fileNotStoreYaml: (reason: string) => `is not valid YAML for this store (${reason})`,
  fileNotYamlMapping: () => 'does not hold a YAML mapping',
  fieldMissing: (key: string) => `has no ${key}`,
  fieldNotMillis: (key: string, value: unknown) =>
    `has ${key} ${JSON.stringify(value)}; expected a number of milliseconds`,
  statusUnknown: (code: unknown) => `has status ${JSON.stringify(code)}; MLflow's statuses are 1 to 5`,
  lifecycleUnknown: (stage: unknown) => `has lifecycle_stage ${JSON.stringify(stage)}`,
  metricLineInvalid: (lineNo: number, line: string) =>
    `line ${lineNo} is not "timestamp value step": ${JSON.stringify(line.slice(0, 80))}`,
  metricUnreadable: (where: string, line: string) => `has an unreadable metric at ${where}: ${line.slice(0, 80)}`,
  runLogLineUnreadable: (lineNo: number, line: string) => `has an unreadable line ${lineNo}: ${line.slice(0, 80)}`,
  runLogNoCreate: (lineNo: number) => `does not start with a run ("op": "create") at line ${lineNo}`,
  runLogCreateAgain: (lineNo: number) => `creates the run again at line ${lineNo}`,
  runLogUnknownChange: (op: unknown, lineNo: number, line: string) =>
    `has an unknown change ${JSON.stringify(op ?? null)} at line ${lineNo}: ${line.slice(0, 80)}`,
  runLogMalformedChange: (op: string, lineNo: number, line: string) =>
    `has a malformed "${op}" change at line ${lineNo}: ${line.slice(0, 80)}`,
  seriesShortOf: (key: string, have: number, log: string, counted: number) =>
    `has ${have} points of metric ${q(key)}, but ${log} counts ${counted}`,
  runInWrongFolder: (id: string, folder: string) =>
    `holds run ${id}, but its folder is named ${folder} (a copied run folder?); move it back or remove the copy`,
  experimentsIndexMissing: () =>
    'is missing but the store has runs; restore it from a backup, or let `tracklab doctor --repair` rebuild it from the runs',
  experimentIdsNotNumeric: () => 'has runs with non-numeric experiment ids; rebuild experiments.json by hand',
  sqliteUnopenable: (reason: string) => `cannot be opened as a SQLite database (${reason})`,
  sqliteNotMlflow: () =>
    'is not an MLflow database (it has no alembic_version table); give the mlflow.db MLflow made, or a new file ' +
    'name to create one',
  sqliteNoRevision: () =>
    'has an empty alembic_version table, so its MLflow schema revision is unknown; run `mlflow db upgrade` on it',

  // doctor findings
  fileMissing: (file: string) => `${file} is missing`,
  runFolderMisnamed: (log: string, id: string, folder: string) =>
    `${log} holds run ${id}, but its folder is named ${folder} (a copied run folder?)`,
  seriesShort: (series: string, key: string, have: number, log: string, counted: number) =>
    `${series} has ${have} points of metric ${q(key)}, but ${log} counts ${counted}`,

  // locks
  lockStaleForeign: (
    file: string,
    lockFile: string,
    secs: string,
    who: string,
    staleSecs: number,
    host: string,
    owner: string,
  ) =>
    `could not lock ${file} within ${secs}: ${who} holds it and has not refreshed it in ${staleSecs} s. ` +
    `tracklab cannot tell from ${host} whether that process still runs, so it does not break the lock. ` +
    `If no tracklab process runs on ${owner}, remove ${lockFile} (or run \`tracklab doctor --repair\` on ${owner}); ` +
    'then retry',
  lockHeld: (file: string, secs: string, who: string, stuck: boolean, lockFile: string) =>
    `could not lock ${file} within ${secs}; ${who} holds it` +
    (stuck ? ' and is still running but not progressing (stopped or paused?)' : '') +
    ` — retry, or remove ${lockFile} if no tracklab process is running`,

  // MLflow server
  serverLacksEndpoint: (server: string, path: string) =>
    `MLflow server ${server} does not offer ${path} (HTTP 404); it may be an older or newer MLflow without this feature`,
  serverError: (text: string, code: string | undefined) => `MLflow server: ${text}${code ? ` (${code})` : ''}`,

  // flushing to disk
  syncCommandFailed: () => 'the `sync` command failed or is missing',
};
