/**
 * Every text projects and reproduction (MLproject files, parameters, git, the npm environment) show a user, in one
 * place so tests can assert on them. Each names the offending file or value and says what to do.
 */
const GUIDE = 'write one (see README, "Projects and reproduction")';

export const projectMessages = {
  // the MLproject file
  noProjectFileAbove: (file: string, from: string) => `no ${file} file in ${from} or any folder above it; ${GUIDE}`,
  noProjectFile: (file: string, dir: string) => `no ${file} file in ${dir}; ${GUIDE}`,
  notYaml: (file: string, where: string, reason: string) => `${file} is not valid YAML${where}: ${reason}`,
  nameNotString: (file: string, name: unknown) => `${file}: "name" must be a string, got ${JSON.stringify(name)}`,
  nodeEnvInvalid: (file: string) => `${file}: "node_env" must name the lockfile, e.g. "node_env: package-lock.json"`,
  noEntryPoints: (file: string) => `${file} has no entry_points; add one, e.g. "main: { command: ... }"`,
  commandOrNotebook: (file: string, where: string) => `${file}: ${where} needs exactly one of "command" and "notebook"`,
  emptyField: (file: string, where: string, key: string) => `${file}: ${where} "${key}" must be a non-empty string`,
  parameterNameInvalid: (file: string, where: string, param: string) =>
    `${file}: ${where} parameter name "${param}" is invalid; use letters, digits, _ . -`,
  unknownPlaceholder: (file: string, where: string, name: string) =>
    `${file}: ${where} command uses {${name}}, which is not one of its parameters`,
  parameterTypeInvalid: (where: string, type: unknown, types: readonly string[]) =>
    `${where} has type ${JSON.stringify(type)}; use one of ${types.join(', ')}`,
  defaultNotSingle: (where: string) => `${where} default must be a single value`,
  notAMapping: (file: string, what: string) => `${file}: ${what} must be a mapping of keys to values`,

  // entry points and parameters
  noSuchEntryPoint: (file: string, name: string, known: string) =>
    `${file} has no entry point "${name}"; its entry points: ${known}`,
  notebookMissing: (notebook: string, entry: string, dir: string) =>
    `notebook ${notebook} of entry point "${entry}" does not exist in ${dir}`,
  parameterNotPair: (item: string) => `parameter "${item}" is not of the form name=value, e.g. -P trees=50`,
  unknownParameter: (entry: string, key: string, known: string) =>
    `entry point "${entry}" has no parameter "${key}"; its parameters: ${known}`,
  missingParameter: (entry: string, key: string, type: string) =>
    `entry point "${entry}" needs parameter "${key}" (${type}); pass it with -P ${key}=VALUE`,
  parameterValueInvalid: (key: string, entry: string, type: string, value: string, what: string) =>
    `parameter "${key}" of entry point "${entry}" is ${type}, got ${JSON.stringify(value)}: ${what}`,
  giveInt: () => 'give a whole number, e.g. 50',
  giveFloat: () => 'give a number, e.g. 0.1',
  givePath: () => 'give a file or folder path',
  giveUri: () => 'give a URI such as s3://bucket/key or a path',

  // reproduction
  rtolInvalid: (rtol: unknown) => `--rtol ${String(rtol)} is invalid; give a number >= 0, e.g. 1e-9`,
  notReproducible: (runId: string, blocker: string) => `run ${runId} cannot be reproduced: ${blocker}`,
  notInGit: (cwd: string) =>
    `${cwd} is not in a git repository; run tracklab reproduce inside a clone of the run's project`,

  // git
  gitMissing: (command: string, why: string) => `could not run git ${command}: ${why}; is git installed?`,
  gitFailed: (what: string, cwd: string, last: string) => `${what} failed in ${cwd}: ${last}`,
  commitMissing: (commit: string, top: string) =>
    `commit ${commit} is not in the git repository ${top}; fetch it (git fetch --all) or run from a clone that has it`,
  patchDoesNotApply: (why: string) => `the recorded uncommitted changes do not apply to the commit: ${why}`,

  // the npm environment
  fileMissing: (what: string, file: string) => `${what} ${file} does not exist`,
  fileNotJson: (what: string, file: string, reason: string) => `${what} ${file} is not valid JSON: ${reason}`,
  lockfileTooOld: (file: string, version: unknown) =>
    `lockfile ${file} has lockfileVersion ${String(version)}; regenerate it with npm 7 or later (npm install)`,
  lockfileOutOfDate: (file: string, name: string, range: string, locked: string | undefined) =>
    `lockfile ${file} is out of date: package.json wants ${name}@${range}, ` +
    `the lockfile has ${locked ?? 'nothing'}; run npm install`,
  installMismatch: (dir: string, lockfile: string, problem: string) =>
    `node_modules in ${dir} does not match ${lockfile}: ${problem}; run npm ci`,
  lockfileNotAtCommit: (lockfile: string, dir: string) =>
    `the recorded commit has no lockfile ${lockfile} in ${dir}; it cannot be installed`,
  lockfileHashDiffers: (lockfile: string, actual: string, recorded: string) =>
    `lockfile ${lockfile} at the recorded commit hashes to ${actual.slice(0, 12)}, ` +
    `the run recorded ${recorded.slice(0, 12)}`,
  npmMissing: (reason: string) => `could not run npm ci: ${reason}; is npm on PATH?`,
  npmFailed: (dir: string, last: string) => `npm ci failed in ${dir}: ${last}`,
} as const;
