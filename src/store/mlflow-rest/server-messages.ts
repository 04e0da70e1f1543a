/**
 * Every text the MLflow server backend and its offline queue show a user, in one place so tests can assert on them.
 * Each names the server, run or file concerned and says what to do; the error code stays at the throw.
 */
export const serverMessages = {
  // the server
  serverUnavailable: (server: string, detail: string) =>
    `MLflow server ${server} is unavailable (${detail}); check that it runs, or log offline and ` +
    '`tracklab sync` later',
  requestFailed: (detail: string) => `MLflow request failed: ${detail}`,

  // the offline queue (notices on stderr, then errors)
  runStartedOffline: (server: string, runId: string, queue: string) =>
    `tracklab: MLflow server ${server} is unreachable; run ${runId} logs to the offline queue ${queue}; ` +
    `replay it with \`tracklab sync --store ${server}\``,
  runSwitchedToQueue: (runId: string, queue: string) =>
    `tracklab: run ${runId} keeps logging to the offline queue ${queue}`,
  listingQueuedOnly: (runId: string) =>
    `tracklab: listing only the files of run ${runId} in the offline queue, not those the server already has`,
  replayed: (operations: number, server: string) => `tracklab: replayed ${operations} queued operations into ${server}`,
  queueWithoutRun: (queue: string) => `offline queue ${queue} starts without its run; remove it by hand`,
  syncRunning: (pid: number, dir: string) =>
    `another tracklab sync (pid ${pid}) is replaying ${dir}; wait for it to finish`,
  queueUnlockable: (dir: string) =>
    `could not lock the offline queue ${dir}; remove ${dir}/sync.lock if no tracklab sync is running`,

  // MLflow 3 logged models
  loggedModelsMissing: (modelId: string, server: string) =>
    `models:/${modelId} is an MLflow 3 logged model, and MLflow server ${server} has no logged models ` +
    '(it is MLflow 2.x, or older); load it from the server that logged it',
  loggedModelWithoutLocation: (modelId: string, server: string) =>
    `MLflow server ${server} gave no artifact location for models:/${modelId}`,
  loggedModelNotReady: (modelId: string, status: string) =>
    `models:/${modelId} is not ready to load (its status is ${status}); wait for its upload to finish, or log it again`,
};
