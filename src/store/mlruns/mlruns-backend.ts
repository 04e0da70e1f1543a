/** MLflow's file store (an `mlruns` folder) as a Backend: tracking, registry under models/, artifacts per run. */
import { join } from 'node:path';
import { artifactResolver } from '../artifact-repository.js';
import type { Backend } from '../backend.js';
import { lazyRegistry } from '../lazy-registry.js';
import { ensureDir } from './files.js';
import { TRASH } from './layout.js';
import { MlrunsTracking } from './mlruns-tracking.js';

import { isMlrunsFolder } from './detect.js';
// getBuiltinModule, not an ESM import: each imported builtin gets a facade module (node:fs: ~3.5 ms a cold process)
const { pathToFileURL } = process.getBuiltinModule('node:url');

export { isMlrunsFolder };

/**
 * Opens (creating if needed, as MLflow does: `.trash/` and the Default experiment 0) the MLflow file store in `root`.
 * @example const backend = await openMlrunsBackend('/home/me/project/mlruns');
 */
export async function openMlrunsBackend(root: string): Promise<Backend> {
  // an existing store is left as it is (reading one writes nothing); a new one gets what MLflow creates
  if (!isMlrunsFolder(root)) ensureDir(join(root, TRASH));
  const tracking = new MlrunsTracking(root, `mlruns://${pathToFileURL(root).pathname}`);
  tracking.experiments.ensureDefault();
  return {
    kind: 'mlruns',
    uri: tracking.uri,
    tracking,
    // loaded on first use: searching runs never touches the registry
    registry: lazyRegistry(async () => new (await import('./mlruns-registry.js')).MlrunsRegistry(root)),
    // artifact_uri is an absolute path of the machine that wrote the run; when it is not here, the run's own folder
    artifacts: artifactResolver((run) => join(tracking.runDir(run.id), 'artifacts')),
    capabilities: {
      metricSummaries: true,
      registryHistory: false,
      datasets: true,
      localArtifacts: true,
      concurrentWriters: true,
    },
    close: () => tracking.close(),
    sync: async () => (await import('../sync-folder.js')).syncFolder(root), // child_process: only when asked
  };
}
