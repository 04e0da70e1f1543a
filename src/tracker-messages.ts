/**
 * Every text the tracking API (Tracker, ActiveRun, the notebook's activeRun()) shows a user, in one place so tests can
 * assert on them. Each names the offending value and says what to do.
 */
const q = (value: unknown): string => JSON.stringify(value);

export const trackerMessages = {
  envRunNotRunning: (env: string, id: string, status: string) =>
    `${env} names run ${id}, which is ${status}; unset ${env} to start a new run`,
  alreadyEnded: (name: string, id: string, status: string) => `run ${name} (${id}) is already ${status}`,
  noRegistry: (uri: string, kind: string) =>
    `store ${uri} (${kind}) keeps no model registry; use a folder store for registered models`,
  oldRegisterOrder: () =>
    "tracker.registerModel(name, modelUri) is deprecated; use MLflow's order registerModel(modelUri, name)",
  experimentInvalid: (wanted: unknown) => `experiment ${q(wanted)} is invalid: give a name or id`,
  experimentMissing: (wanted: string, known: string) =>
    `experiment "${wanted}" does not exist; known experiments: ${known || 'none'}`,
  datasetNameInvalid: (name: unknown) => `dataset name ${q(name)} is invalid: give 1 to 500 characters`,
  datasetDigestInvalid: (name: string, digest: unknown) =>
    `dataset "${name}" digest ${q(digest)} is invalid: give a string of at most 36 characters`,
  artifactsNotAFolder: (dir: string) => `logArtifacts takes a folder; ${dir} is a file (use logArtifact)`,
  artifactsUnreadable: (dir: string, reason: string) => `cannot log artifacts from ${dir}: ${reason}`,
  endStatusInvalid: (status: string) => `run.end() takes FINISHED, FAILED or KILLED, got "${status}"`,
  runEnded: (name: string, id: string) => `run ${name} (${id}) has ended; start a new run to log more`,
  notInKernel: () =>
    'activeRun() works in the tracklab kernel only; in scripts keep the run tracker.startRun() returns',
  noActiveRun: () => 'no active run; start one with %start_run or make the cell a run with %%track',
  maxPointsInvalid: (value: unknown) => `maxPoints must be a whole number from 1, got ${String(value)}`,
  autologNoRun: (helper: string) =>
    `${helper} has no run to log to: pass { run } (the run tracker.startRun() returned), ` +
    'or in the tracklab kernel start one first with %start_run or %%track',
};
